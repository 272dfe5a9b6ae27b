"""
Query strings, cleaned in one place. Every page of this app that reads ``request.GET`` beyond the
page number reads it through a form here, so a null byte, a 10,000-character search or a date in
the year 9999 is a message on the page (and a 400), never a database error and a 500. Django's
form ``CharField`` refuses NUL (``ProhibitNullCharactersValidator``) and ``max_length`` bounds it;
``ModelChoiceField`` turns an unknown or malformed slug into "Select a valid choice".

The session list uses django-filter, whose form is built from the same form fields, so it is
covered the same way. The approvals page calls ``approvals_query``. Single values (an id, a
slug, a page) are read with ``cpdhub/querystring.py``, the helpers every app uses.
"""

from __future__ import annotations

from django import forms
from django.http import QueryDict

from cpdhub.singleline import SingleLineFormField
from experts.models import ExpertiseArea

SEARCH_MAX = 100


class SearchForm(forms.Form):
    q = SingleLineFormField(
        label="Search",
        required=False,
        max_length=SEARCH_MAX,
        error_messages={"max_length": f"Search for at most {SEARCH_MAX} characters."},
    )


class RecordingsQuery(SearchForm):
    area = forms.ModelChoiceField(
        queryset=ExpertiseArea.objects.all(),
        to_field_name="slug",
        required=False,
        error_messages={"invalid_choice": "There is no such area: choose one from the list."},
    )


class ApprovalsQuery(SearchForm):
    SHOW = ("pending", "approved", "declined", "all")
    show = forms.ChoiceField(choices=[(s, s) for s in SHOW], required=False)


def messages_of(form: forms.Form) -> list[str]:
    """A bound query form's errors as sentences for ``messages.error``."""
    return [error for errors in form.errors.values() for error in errors]


def approvals_query(params: QueryDict) -> tuple[str, str, list[str]]:
    """
    The approvals page's ``show`` and ``q``: (show, q, errors). Anything unusable falls back to
    the pending queue and no search, with the reason in ``errors`` for the page to show.
    """
    form = ApprovalsQuery(params)
    if form.is_valid():
        return form.cleaned_data["show"] or "pending", form.cleaned_data["q"], []
    show = params.get("show", "")
    return (show if show in ApprovalsQuery.SHOW else "pending"), "", messages_of(form)
