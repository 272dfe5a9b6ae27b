"""
The form renderer draws inputs, selects, checkbox and radio lists, text areas and labels in
Python: it must give exactly the bytes Django's own templates give, for every built-in widget
and whatever names, values, labels, choices and attributes a form passes it.
"""

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import RequestFactory
from django.utils.safestring import mark_safe
from hypothesis import given, settings
from hypothesis import strategies as st

from cpd_sessions.filters import SessionFilter
from cpdhub.form_renderer import FormRenderer
from tests.factories import UserFactory

FAST, DJANGO = FormRenderer(), DjangoTemplates()

WIDGETS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.ColorInput,
    forms.SearchInput,
    forms.TelInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.MultipleHiddenInput,
    forms.FileInput,
    forms.ClearableFileInput,
    forms.Textarea,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.CheckboxInput,
    forms.Select,
    forms.NullBooleanSelect,
    forms.SelectMultiple,
    forms.RadioSelect,
    forms.CheckboxSelectMultiple,
    forms.SplitDateTimeWidget,
    forms.SplitHiddenDateTimeWidget,
    forms.SelectDateWidget,
]

words = st.text(alphabet=st.sampled_from("ab <>&\"'é1_-"), max_size=8)
plain_or_safe = st.one_of(words, words.map(mark_safe), st.integers(-5, 2000))
attribute_values = st.one_of(st.booleans(), plain_or_safe)
attributes = st.dictionaries(
    st.sampled_from(
        ["id", "class", "placeholder", "required", "disabled", "data-x", "aria-describedby"]
    ),
    attribute_values,
    max_size=4,
)
labels = st.one_of(words, words.map(mark_safe), st.integers(0, 99))
flat_choices = st.lists(st.tuples(st.one_of(words, st.integers(0, 50)), labels), max_size=6)
choices = st.one_of(
    flat_choices,
    st.lists(st.one_of(st.tuples(words, flat_choices), st.tuples(words, labels)), max_size=4),
)
values = st.one_of(
    st.none(),
    words,
    st.integers(0, 50),
    st.lists(st.one_of(words, st.integers(0, 50)), max_size=3),
    st.just(True),
    st.just(datetime.date(2026, 3, 3)),
)


@settings(max_examples=60, deadline=None)
@given(
    widget_class=st.sampled_from(WIDGETS),
    name=words,
    value=values,
    attrs=attributes,
    widget_attrs=attributes,
    options=choices,
)
def test_every_widget_is_drawn_as_django_draws_it(
    widget_class, name, value, attrs, widget_attrs, options
):
    widget = widget_class(attrs=widget_attrs)
    if hasattr(widget, "choices") and widget_class is not forms.NullBooleanSelect:
        widget.choices = options
    for renderer_value in (value, [value] if value is not None else None):
        try:
            expected = widget.render(name, renderer_value, attrs=attrs, renderer=DJANGO)
        except (AttributeError, TypeError, ValueError):
            continue  # a value this widget cannot take at all
        assert widget.render(name, renderer_value, attrs=attrs, renderer=FAST) == expected


class Everything(forms.Form):
    title = forms.CharField(label="Title <b>", help_text="At most 80 letters")
    notes = forms.CharField(widget=forms.Textarea, required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(choices=[("a", "A & B"), ("Group", [("c", "C"), ("d", "D")])])
    many = forms.MultipleChoiceField(
        choices=[(1, "One"), (2, "Two")], widget=forms.CheckboxSelectMultiple, required=False
    )
    one = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect)
    agree = forms.BooleanField(required=False)


@pytest.mark.parametrize("data", [None, {"title": "<script>", "kind": "c", "many": ["2"]}])
def test_a_whole_form_is_drawn_as_django_draws_it(data):
    fast, django = Everything(data, renderer=FAST), Everything(data, renderer=DJANGO)
    assert str(fast) == str(django)
    for fast_field, django_field in zip(fast, django, strict=True):
        assert fast_field.label_tag() == django_field.label_tag()
        assert str(fast_field) == str(django_field)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "q=fractions&format=online&suits_me=on&kind=workshop"])
def test_the_sessions_filter_is_drawn_as_django_draws_it(query):
    user = UserFactory()
    request = RequestFactory().get("/sessions/?" + query)
    drawn = {}
    for label, renderer in (("fast", FAST), ("django", DJANGO)):
        form = SessionFilter(request.GET or None, user=user).form
        form.renderer = renderer
        drawn[label] = "".join(str(field) + field.label_tag() for field in form)
    assert drawn["fast"] == drawn["django"]
    assert "<select" in drawn["fast"]
