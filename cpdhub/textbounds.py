"""
Bounds on the texts people type, said in words.

Each bounded text has one limit, declared on its model field (``max_length``, which for a
TextField reaches the form, so the browser stops at it too) and enforced in the database by a
named CheckConstraint from ``length_check`` (so the admin, a service's ``update`` or a script
cannot store more). ``worded_limits(form)`` makes a form say it the way a person reads it:
"Keep this to 5,000 characters or fewer (it has 6,012)."
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length, Substr
from django.db.models.lookups import LessThanOrEqual


def too_long(limit: int, length: int | None = None) -> str:
    said = f"Keep this to {limit:,} characters or fewer"
    return f"{said} (it has {length:,})." if length is not None else f"{said}."


class WordedMaxLength(MaxLengthValidator):
    """MaxLengthValidator whose message a person reads without thinking."""

    def __call__(self, value) -> None:
        length = self.clean(value)
        if length > self.limit_value:
            raise ValidationError(too_long(self.limit_value, length), code=self.code)


def bound_text(field: forms.CharField, limit: int) -> None:
    """One text box's limit: the browser stops at it, the help text names it, and the message
    when it is passed is worded."""
    field.max_length = limit
    field.widget.attrs["maxlength"] = str(limit)
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)] + [
        WordedMaxLength(limit)
    ]
    hint = f"Up to {limit:,} characters."
    if f"{limit:,}" not in str(field.help_text or ""):
        field.help_text = f"{field.help_text} {hint}".strip() if field.help_text else hint


def worded_limits(form: forms.BaseForm) -> None:
    """Every text field of the form with a max_length (a model form's come from its model)
    says its limit in words."""
    for field in form.fields.values():
        if isinstance(field, forms.URLField | forms.EmailField):
            continue  # an address, not prose: its own validator speaks for it
        if isinstance(field, forms.CharField) and getattr(field, "max_length", None):
            bound_text(field, field.max_length)


def length_check(model: str, field: str, limit: int) -> models.CheckConstraint:
    """The database's own bound on a text field, named ``<model>_<field>_length``."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), limit),
        name=f"{model}_{field}_length",
        violation_error_message=too_long(limit),
    )


def shorten_over_long(model, limits: dict[str, int]) -> None:
    """For a migration that adds the checks: cut any text already over its limit (only hostile
    input was ever that long), one UPDATE per field."""
    for field, limit in limits.items():
        model.objects.annotate(_length=Length(field)).filter(_length__gt=limit).update(
            **{field: Substr(field, 1, limit)}
        )
