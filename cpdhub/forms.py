"""What every app's forms share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def errors_to_form(form: forms.BaseForm, error: ValidationError) -> None:
    """A service's refusal shown on the form: each message of a dict of errors on its field when
    the form has that field, else above the form; a plain message above the form."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)
