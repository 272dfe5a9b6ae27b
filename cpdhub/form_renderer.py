"""
Django's form renderer with its commonest templates written in Python (``FORM_RENDERER``).

Django draws every widget, and every option of a select or a list of checkboxes, through a
template include: a filter form with its hubs, networks and areas (some 250 options) costs
about 50,000 Python calls and a fifth of a page's CPU. This renderer produces the same bytes as
Django's templates (``django/forms/widgets/*.html``, ``django/forms/label.html``,
``field.html``, ``div.html``, ``errors/list/*.html``) for the inputs, selects, checkbox and
radio lists, text areas, labels, a field with its label, help and errors, a whole form and its
error lists, and hands every other template
(and any widget with a template of its own) to Django. ``tests/cpdhub/test_form_renderer.py``
renders every built-in widget both ways, with generated names, values, labels and attributes,
and requires the same output.
"""

from __future__ import annotations

from collections.abc import Callable

from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.html import escape
from django.utils.safestring import SafeData

WIDGETS = "django/forms/widgets/"
# Every built-in widget template that is only {% include "django/forms/widgets/input.html" %}.
INPUTS = frozenset(
    WIDGETS + name
    for name in [
        "input.html",
        "checkbox.html",
        "color.html",
        "date.html",
        "datetime.html",
        "email.html",
        "hidden.html",
        "number.html",
        "password.html",
        "search.html",
        "tel.html",
        "text.html",
        "time.html",
        "url.html",
    ]
)
INPUT_OPTION = WIDGETS + "input_option.html"
# checkbox_option.html and radio_option.html include input_option.html and end with a newline.
WRAPPED_OPTIONS = frozenset(
    WIDGETS + name for name in ("checkbox_option.html", "radio_option.html")
)
OPTIONS = WRAPPED_OPTIONS | {INPUT_OPTION}
LISTS = frozenset(
    WIDGETS + name for name in ("multiple_input.html", "checkbox_select.html", "radio.html")
)
SELECT_OPTION = WIDGETS + "select_option.html"

# The context Django's own renderer gives these templates: autoescaping, no l10n/tz override.
_CONTEXT = Context()


def _var(value) -> str:
    """``{{ value }}``."""
    return render_value_in_context(value, _CONTEXT)


def _as_string(value) -> str:
    """``{{ value|stringformat:'s' }}`` (a safe value stays unescaped, as the filter is safe)."""
    text = str(value) if isinstance(value, tuple) else "%s" % (value,)  # noqa: UP031 -- the filter's own
    return text if isinstance(value, SafeData) else escape(text)


def _attrs(attrs: dict) -> str:
    """``django/forms/widgets/attrs.html`` (and ``django/forms/attrs.html``)."""
    parts = []
    for name, value in attrs.items():
        if value is not False:
            parts.append(" " + _var(name))
            if value is not True:
                parts.append('="' + _as_string(value) + '"')
    return "".join(parts)


def _input(widget: dict) -> str:
    value = widget["value"]
    shown = "" if value is None else ' value="' + _as_string(value) + '"'
    return (
        f'<input type="{_var(widget["type"])}" name="{_var(widget["name"])}"{shown}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _input_option(widget: dict) -> str:
    if not widget.get("wrap_label"):
        return _input(widget) + "\n"
    element_id = widget["attrs"].get("id")
    label_for = f' for="{_var(element_id)}"' if element_id else ""
    return f"<label{label_for}>{_input(widget)} {_var(widget['label'])}</label>\n"


def _select_option(widget: dict) -> str:
    return (
        f'<option value="{_as_string(widget["value"])}"{_attrs(widget["attrs"])}>'
        f"{_var(widget['label'])}</option>\n"
    )


def _options_known(widget: dict, known: frozenset) -> bool:
    return all(
        option["template_name"] in known
        for _, options, _ in widget["optgroups"]
        for option in options
    )


def _select(widget: dict) -> str | None:
    if not _options_known(widget, frozenset({SELECT_OPTION})):
        return None
    parts = [f'<select name="{_var(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_var(group_name)}">')
        for option in options:
            parts.append("\n  " + _select_option(option))
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>\n")
    return "".join(parts)


def _list(widget: dict) -> str | None:
    if not _options_known(widget, OPTIONS):
        return None
    attrs = widget["attrs"]
    element_id = attrs.get("id")
    parts = ["<div"]
    if element_id:
        parts.append(f' id="{_var(element_id)}"')
    if attrs.get("class"):
        parts.append(f' class="{_var(attrs["class"])}"')
    parts.append(">")
    for group, options, _ in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{_var(group)}</label>")
        for option in options:
            newline = "\n" if option["template_name"] in WRAPPED_OPTIONS else ""
            parts.append("<div>\n    " + _input_option(option) + newline + "</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>\n")
    return "".join(parts)


def _textarea(widget: dict) -> str:
    value = widget["value"]
    return (
        f'<textarea name="{_var(widget["name"])}"{_attrs(widget["attrs"])}>\n'
        f"{_var(value) if value else ''}</textarea>\n"
    )


def _label(context: dict) -> str:
    if not context.get("use_tag"):
        return _var(context["label"])
    tag = _var(context["tag"])
    return f"<{tag}{_attrs(context.get('attrs') or {})}>{_var(context['label'])}</{tag}>"


def _error_list(context: dict) -> str:
    """``django/forms/errors/list/default.html`` (``ul.html``)."""
    errors = context["errors"]
    if not errors:
        return ""
    field_id = errors.field_id
    id_attr = f' id="{_var(field_id)}_error"' if field_id else ""
    items = "".join(f"<li>{_var(error)}</li>" for error in errors)
    return f'<ul class="{_var(context["error_class"])}"{id_attr}>{items}</ul>'


def _field(context: dict) -> str:
    """``django/forms/field.html``: a field's label (a legend for a list of choices), help
    text, errors and widget."""
    field = context["field"]
    fieldset = field.use_fieldset
    parts = []
    if fieldset:
        described = field.aria_describedby
        aria = f' aria-describedby="{_var(described)}"' if described else ""
        parts.append(f"\n  <fieldset{aria}>\n  {field.legend_tag() if field.label else ''}\n")
    else:
        parts.append(f"\n  {field.label_tag() if field.label else ''}\n")
    help_text = ""
    if field.help_text:
        auto_id = field.auto_id
        id_attr = f' id="{_var(auto_id)}_helptext"' if auto_id else ""
        help_text = f'<div class="helptext"{id_attr}>{field.help_text}</div>'
    parts.append(f"\n{help_text}\n{_var(field.errors)}\n{_var(field)}")
    parts.append("</fieldset>\n" if fieldset else "\n")
    return "".join(parts)


def _form(context: dict) -> str:
    """``django/forms/div.html``: a form's errors, then each field in a div, hidden fields with
    the last."""
    errors, fields, hidden = context["errors"], context["fields"], context["hidden_fields"]
    hidden_html = "".join(_var(field) for field in hidden)
    parts = [_var(errors), "\n"]
    if errors and not fields:
        parts.append(f"\n  <div>{hidden_html}</div>\n")
    parts.append("\n")
    for number, (field, _errors) in enumerate(fields, start=1):
        classes = field.css_classes()
        class_attr = f' class="{_var(classes)}"' if classes else ""
        parts.append(f"\n  <div{class_attr}>\n    {_var(field.as_field_group())}\n    ")
        if number == len(fields):
            parts.append(f"\n      {hidden_html}\n    ")
        parts.append("\n</div>\n")
    parts.append("\n")
    if not fields and not errors:
        parts.append(f"\n  {hidden_html}\n")
    return "".join(parts)


def _widget(draw: Callable[[dict], str | None]) -> Callable[[dict], str | None]:
    return lambda context: draw(context["widget"])


_DRAW: dict[str, Callable[[dict], str | None]] = {
    **dict.fromkeys(INPUTS, _widget(_input)),
    **dict.fromkeys(OPTIONS, _widget(_input_option)),
    **dict.fromkeys(LISTS, _widget(_list)),
    SELECT_OPTION: _widget(_select_option),
    WIDGETS + "select.html": _widget(_select),
    WIDGETS + "textarea.html": _widget(_textarea),
    "django/forms/label.html": _label,
    "django/forms/field.html": _field,
    "django/forms/div.html": _form,
    "django/forms/errors/list/default.html": _error_list,
    "django/forms/errors/list/ul.html": _error_list,
}


class FormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        draw = _DRAW.get(template_name)
        html = draw(context) if draw is not None else None
        if html is None:  # a template we do not draw, or options with templates of their own
            return super().render(template_name, context, request=request)
        return html.strip()
