"""
One line of text stays one line (cpdhub/singleline.py): every CharField of every product model
and every one-line CharField of every form, filter and admin form removes control characters and
turns line breaks into spaces, whichever way the value arrives (a form, the admin, a service,
``bulk_create``, ``update``, an import). Walked over every field, so a new one cannot miss it.
"""

from __future__ import annotations

import pytest
from django import forms
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.test import RequestFactory
from django.urls import reverse
from django_filters import CharFilter, FilterSet

import cpdhub.urls  # noqa: F401 -- loads every view, form and filter module
from cpdhub.singleline import SingleLineCharField, SingleLineFilter, SingleLineFormField
from hubs.models import User
from tests.factories import SchoolDomainFactory, UserFactory

PRODUCT_APPS = {"hubs", "experts", "cpd_sessions", "portfolios", "notifications", "coordination"}
PRODUCT_APPS |= {"privacy", "termly", "coaching", "enquiry"}
HOSTILE = "Helen\r\nBcc: x@evil.test\x00\x07\x1b[31m\u2028end\t"
CLEAN = "Helen Bcc: x@evil.test[31m end "
# In a form a NUL is refused with a message (nobody types one); everything else is tidied.
TYPED = HOSTILE.replace("\x00", "")
# Inherited from Django, never typed by anyone: the password hash (set_password only).
NOT_TYPED = {(AbstractBaseUser, "password")}


def product_models():
    return [m for m in apps.get_models() if m._meta.app_label in PRODUCT_APPS]


def char_fields():
    for model in product_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField) and not isinstance(
                field, models.EmailField | models.URLField | models.SlugField
            ):
                yield model, field


def all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from all_subclasses(sub)


def product_classes(base):
    return {
        cls
        for cls in all_subclasses(base)
        if cls.__module__.split(".")[0] in PRODUCT_APPS | {"cpdhub"}
    }


def refuses_nul(field: forms.Field) -> None:
    with pytest.raises(forms.ValidationError, match="Null characters are not allowed"):
        field.clean("Helen\x00")


def one_line(field: forms.Field) -> bool:
    """A form field that holds one line of text a person types."""
    return (
        isinstance(field, forms.CharField)
        and not isinstance(field, forms.EmailField | forms.URLField | forms.SlugField)
        and not isinstance(field.widget, forms.Textarea | forms.PasswordInput)
    )


def test_every_model_char_field_is_one_line():
    left_out = [
        f"{model.__name__}.{field.name}"
        for model, field in char_fields()
        if not isinstance(field, SingleLineCharField)
        and not any(field.name == name and issubclass(model, base) for base, name in NOT_TYPED)
    ]
    assert left_out == []


@pytest.mark.parametrize(
    "field",
    [f for _, f in char_fields() if isinstance(f, SingleLineCharField)],
    ids=lambda f: f"{f.model.__name__}.{f.name}",
)
def test_every_model_char_field_cleans_on_every_way_in(field):
    # The ORM's writes (save, create, bulk_create, bulk_update, update) all prepare the value.
    assert field.get_prep_value(HOSTILE) == CLEAN
    assert field.to_python(HOSTILE) == CLEAN
    if field.editable and not field.choices:  # typed in a model form or the admin
        form_field = field.formfield()
        assert isinstance(form_field, SingleLineFormField)
        assert form_field.to_python(TYPED) == CLEAN.strip()
        refuses_nul(form_field)


def test_every_form_s_one_line_field_cleans():
    found = {}
    for form in product_classes(forms.BaseForm):
        for name, field in getattr(form, "base_fields", {}).items():
            if one_line(field):
                found[f"{form.__module__}.{form.__name__}.{name}"] = field
    assert "hubs.forms.SignupForm.first_name" in found  # the walk reaches the forms
    assert "experts.forms.ProfileForm.headline" in found  # and the model forms
    # allauth's sign-up declares a username and drops it (ACCOUNT_SIGNUP_FIELDS: no username).
    del found["hubs.forms.SignupForm.username"]
    left_out = [name for name, field in found.items() if not isinstance(field, SingleLineFormField)]
    assert left_out == []
    for field in found.values():
        assert field.to_python(TYPED) == CLEAN.strip()
        refuses_nul(field)


def test_every_filter_s_text_box_cleans():
    text_filters = {
        f"{filterset.__name__}.{name}": f
        for filterset in product_classes(FilterSet)
        for name, f in filterset.base_filters.items()
        if isinstance(f, CharFilter)
    }
    assert text_filters
    assert all(isinstance(f, SingleLineFilter) for f in text_filters.values()), text_filters


@pytest.mark.django_db
def test_every_admin_form_s_one_line_field_cleans(personas):
    request = RequestFactory().get("/admin/")
    request.user = User.objects.create_superuser(email="root@example.org", password="x" * 20)
    checked = 0
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in PRODUCT_APPS:
            continue
        form = model_admin.get_form(request)
        for name, field in form.base_fields.items():
            if one_line(field) and not isinstance(field, forms.TypedChoiceField):
                assert isinstance(field, SingleLineFormField), f"{model.__name__}.{name}"
                checked += 1
    assert checked


@pytest.mark.django_db
def test_a_name_is_stored_on_one_line_whichever_way_it_is_written():
    user = UserFactory(first_name=HOSTILE)
    assert user.first_name == CLEAN  # save() tidies the object too
    user.refresh_from_db()
    assert user.first_name == CLEAN
    User.objects.filter(pk=user.pk).update(last_name=HOSTILE)
    assert User.objects.get(pk=user.pk).last_name == CLEAN
    (made,) = User.objects.bulk_create([User(email="bulk@example.org", first_name=HOSTILE)])
    assert User.objects.get(pk=made.pk).first_name == CLEAN


@pytest.mark.django_db
def test_a_name_signed_up_with_line_breaks_reaches_the_email_on_one_line(client, mailoutbox):
    SchoolDomainFactory(domain="ashgrove.sch.uk")
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Amelia\r\nBcc: x@evil.test",
            "last_name": "Hughes\x07",
            "email": "amelia@ashgrove.sch.uk",
            "job_role": User.JobRole.TEACHER,
            "password1": "a-long-unusual-passphrase-42",
            "password2": "a-long-unusual-passphrase-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="amelia@ashgrove.sch.uk")
    assert (user.first_name, user.last_name) == ("Amelia Bcc: x@evil.test", "Hughes")
    (message,) = mailoutbox
    assert message.body.startswith("Hello Amelia Bcc: x@evil.test,")
