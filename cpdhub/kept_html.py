"""
A long list's row, drawn once for what it shows. Twenty cards a page through the template
engine were half of a listing's CPU (about a millisecond a card); a card whose HTML depends only
on some values (the caller names them all) is kept per process under those values, so a change
to any of them is a different key: no kept card outlives what it shows, whatever wrote the
change. A page's cards are drawn in one pass (``render_many``).

Kept in the process only, never in the shared cache: a card names its person, and an erasure
must leave no copy of the name anywhere it can search (tests/privacy/test_erasure_everywhere.py);
a card's key cannot be found again from the person (it holds what was searched for).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable

from django.forms.models import ModelChoiceIterator
from django.template import Library, Node, TemplateSyntaxError
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe

# About 1.5 KB a card: a few megabytes a process. Emptied when full (no order to keep).
KEPT = 4000


def _kept_in(kept: dict, size: int, key: Hashable, draw) -> str:
    """What ``kept`` holds under ``key``, or ``draw()`` kept there (emptied when full: no
    order to keep)."""
    found = kept.get(key)
    if found is None:
        if len(kept) >= size:
            kept.clear()
        found = kept[key] = draw()
    return found


class KeptCards:
    def __init__(self, template_name: str, size: int = KEPT) -> None:
        self.template_name = template_name
        self.size = size
        self.kept: dict[Hashable, str] = {}

    def render_many(self, cards: Iterable[tuple[Hashable, dict]]) -> SafeString:
        """Each card's HTML, one after another (each card: every value its template reads from
        its context, and the context): kept ones as kept, the rest drawn and kept."""
        html = [
            _kept_in(
                self.kept,
                self.size,
                shows,
                lambda context=context: str(get_template(self.template_name).render(context)),
            )
            for shows, context in cards
        ]
        return mark_safe("".join(html))  # noqa: S308 - the template's own output, escaped there


# --- A filter form's fields ------------------------------------------------------------------
# The directory's and the sessions list's filters (area, hub, network… some 250 options) drawn
# through the form renderer cost 2-6 ms a page, and almost every page draws them the same: no
# filter chosen, or the same few. ``{% keptfields form %}…{% endkeptfields %}`` keeps what its
# block drew per process, under everything the fields show (see ``fields_shown``); a form with
# errors, or with choices read from the database as it draws, is drawn every time.

KEPT_FORMS = 256
_kept_fields: dict[Hashable, str] = {}


def _hashable(value) -> Hashable:
    if isinstance(value, list | tuple):
        value = tuple(value)
        try:
            hash(value)
        except TypeError:
            return tuple(_hashable(v) for v in value)
        return value
    return value if isinstance(value, Hashable) else repr(value)


def fields_shown(form, without: frozenset[str] = frozenset()) -> Hashable | None:
    """What a form's fields (but those named in ``without``) show, as one key: for each its
    name, value, label, help text, widget attributes and choices (the options as drawn). None:
    not to be kept (errors, or choices read from the database as the form is drawn)."""
    if form.is_bound and form.errors:
        return None
    # The class by name: django-filter makes its form's class anew for every filter set.
    shown: list[Hashable] = [f"{type(form).__module__}.{type(form).__qualname__}"]
    for field in form:
        if field.name in without:
            continue
        widget = field.field.widget
        choices = getattr(widget, "choices", None)
        if choices is not None:
            if isinstance(choices, ModelChoiceIterator):
                return None
            choices = _hashable(list(choices))
        shown.append(
            (
                field.name,
                _hashable(field.value()),
                str(field.label),
                str(field.help_text),
                _hashable(sorted(widget.attrs.items())),
                choices,
            )
        )
    return tuple(shown)


class KeptFieldsNode(Node):
    def __init__(self, nodelist, form, without: frozenset[str]) -> None:
        self.nodelist, self.form, self.without = nodelist, form, without

    def render(self, context) -> str:
        shown = fields_shown(self.form.resolve(context), self.without)
        if shown is None:
            return self.nodelist.render(context)
        key = (self.origin.name, self.token.position, shown)  # this block, these fields
        return _kept_in(_kept_fields, KEPT_FORMS, key, lambda: self.nodelist.render(context))


register = Library()


@register.tag
def keptfields(parser, token) -> KeptFieldsNode:
    """``{% keptfields form without "q" %}…{% endkeptfields %}``: the block may read only the
    form's fields, and not those named after ``without`` (the key is what the others show);
    anything else it reads would be kept with it."""
    bits = token.split_contents()
    if len(bits) < 2 or (len(bits) > 2 and bits[2] != "without"):
        raise TemplateSyntaxError('{% keptfields form %} or {% keptfields form without "q" %}')
    without = frozenset(bit.strip("\"'") for bit in bits[3:])
    nodelist = parser.parse(("endkeptfields",))
    parser.delete_first_token()
    return KeptFieldsNode(nodelist, parser.compile_filter(bits[1]), without)
