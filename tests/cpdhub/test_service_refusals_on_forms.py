"""A service's refusal (a ValidationError) is shown on the form the person filled in: a message
about one of the form's fields beside that field, any other message above the form."""

from django import forms
from django.core.exceptions import ValidationError

from cpdhub.forms import errors_to_form


class _TitleForm(forms.Form):
    title = forms.CharField()


def _bound() -> _TitleForm:
    form = _TitleForm({"title": "Questioning"})
    assert form.is_valid()
    return form


def test_a_message_about_a_field_of_the_form_is_shown_beside_it():
    form = _bound()
    errors_to_form(form, ValidationError({"title": ["Too long.", "Already taken."]}))
    assert form.errors["title"] == ["Too long.", "Already taken."]
    assert form.non_field_errors() == []
    assert "title" not in form.cleaned_data


def test_a_message_about_a_field_the_form_lacks_is_shown_above_it():
    form = _bound()
    errors_to_form(form, ValidationError({"dates": "The session must start in the future."}))
    assert form.non_field_errors() == ["The session must start in the future."]
    assert "dates" not in form.errors


def test_a_plain_message_is_shown_above_the_form():
    form = _bound()
    errors_to_form(form, ValidationError("Choose met, passed to the coordinator, or open."))
    assert form.non_field_errors() == ["Choose met, passed to the coordinator, or open."]
    assert form.errors.keys() == {"__all__"}
