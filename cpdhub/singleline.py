"""
One line of text stays one line: names, titles, subjects, headlines, domains. Control characters
(NUL, escape, bell, …) are removed and line breaks (CR, LF, tab, the Unicode line and paragraph
separators) become a space, so a name typed or imported as "Helen\\r\\nBcc: …" reaches an email
subject, a CSV file or a page as "Helen Bcc: …", never as a second header line.

The one mechanism, at the two layers every value passes through:

- ``SingleLineCharField``: every ``CharField`` of the product's models. It cleans on every way the
  ORM writes (``save``, ``create``, ``bulk_create``, ``bulk_update``, ``update``: they all go
  through ``get_prep_value``), so the admin, the services and the staff and GIAS imports are
  covered alike, and its form field is the one below (model forms and the admin).
- ``SingleLineFormField``: every one-line ``forms.CharField`` of a plain form, and of a filter
  (``SingleLineFilter``), so the form's cleaned data is already one line.

Multi-line texts (``TextField``, a ``Textarea``) keep their line breaks.
``tests/test_single_line.py`` walks every model and form field to prove none is left out.
"""

from __future__ import annotations

import re

import django_filters
from django import forms
from django.db import models

_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]+")
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")
_CONTROL_BUT_NUL = re.compile(r"[\x01-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")


def single_line(value, *, keep_nul: bool = False):
    """``value`` with control characters removed and line breaks made spaces (non-text as is).
    ``keep_nul``: leave a NUL for a form to refuse with its message."""
    if not isinstance(value, str):
        return value
    control = _CONTROL_BUT_NUL if keep_nul else _CONTROL
    return control.sub("", _BREAKS.sub(" ", value))


class SingleLineFormField(forms.CharField):
    """A NUL is refused with Django's message ("Null characters are not allowed."): nobody types
    one, so it is hostile input to say no to rather than to tidy."""

    def to_python(self, value):
        return super().to_python(single_line(value, keep_nul=True))


class SingleLineCharField(models.CharField):
    description = "One line of text"

    def to_python(self, value):
        return single_line(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = single_line(super().pre_save(model_instance, add))
        setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        return single_line(super().get_prep_value(value))

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SingleLineFormField, **kwargs})

    def deconstruct(self):
        # The database column is an ordinary varchar: migrations see a CharField.
        name, _, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class SingleLineFilter(django_filters.CharFilter):
    """django-filter's text filter (the search boxes), with the one-line form field."""

    field_class = SingleLineFormField
