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


class Marked(forms.Form):
    """Every branch of field.html and div.html: help text, required and error classes, a list
    of choices drawn as a fieldset (with and without help), hidden fields (one with an error),
    a field with no label, and the form's own errors."""

    required_css_class = "required"
    error_css_class = "has-error"

    title = forms.CharField(
        label="Title <b>", help_text="At most <em>80</em> letters", max_length=5
    )
    days = forms.MultipleChoiceField(
        choices=[("mon", "Monday"), ("tue", "Tuesday")],
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick the days you can come",
    )
    level = forms.ChoiceField(choices=[("1", "One"), ("2", "Two")], widget=forms.RadioSelect)
    unlabelled = forms.CharField(label="", required=False)
    token = forms.CharField(widget=forms.HiddenInput)
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        if self.data.get("title") == "no":
            raise forms.ValidationError("Not <that> title.")
        return super().clean()


class OnlyHidden(forms.Form):
    token = forms.CharField(widget=forms.HiddenInput)


MARKED_DATA = [
    None,
    {},
    {"title": "far too long", "days": ["mon", "sun"], "level": "3", "token": "x"},
    {"title": "no", "days": ["tue"], "level": "1", "token": "x", "next": "/a?b=<c>"},
    {"title": "ok", "days": ["mon"], "level": "2"},  # only the hidden field has an error
]


@pytest.mark.parametrize("data", MARKED_DATA)
@pytest.mark.parametrize("auto_id", ["id_%s", "", "f-%s"])
def test_a_form_and_each_field_group_are_drawn_as_django_draws_them(data, auto_id):
    fast = Marked(data, auto_id=auto_id, renderer=FAST)
    django = Marked(data, auto_id=auto_id, renderer=DJANGO)
    assert str(fast) == str(django)
    assert str(fast.non_field_errors()) == str(django.non_field_errors())
    for fast_field, django_field in zip(fast, django, strict=True):
        assert fast_field.as_field_group() == django_field.as_field_group()
        assert str(fast_field.errors) == str(django_field.errors)


@pytest.mark.parametrize("data", [None, {}, {"token": "x"}])
def test_a_form_of_hidden_fields_only_is_drawn_as_django_draws_it(data):
    assert str(OnlyHidden(data, renderer=FAST)) == str(OnlyHidden(data, renderer=DJANGO))


@settings(max_examples=40, deadline=None)
@given(
    label=st.one_of(words, words.map(mark_safe)),
    help_text=st.one_of(st.just(""), words, words.map(mark_safe)),
    value=words,
    required=st.booleans(),
)
def test_any_field_group_is_drawn_as_django_draws_it(label, help_text, value, required):
    class One(forms.Form):
        field = forms.CharField(label=label, help_text=help_text, required=required, max_length=3)

    data = {"field": value}
    assert str(One(data, renderer=FAST)) == str(One(data, renderer=DJANGO))
