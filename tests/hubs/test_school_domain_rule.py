"""
One rule for a school's sign-up domain, on every path that stores one (the leader's domains
page, the schools import's EmailDomain column, the admin): never a free-mail domain, a public
suffix or a name reserved for examples and tests (hubs/domains.py).
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.forms import inlineformset_factory
from django.urls import reverse

from hubs.domains import domain_refusal
from hubs.models import School, SchoolDomain
from hubs.onboarding.gias import REQUIRED, gias_import
from tests.webtest import form_for, text_of

pytestmark = pytest.mark.django_db

REFUSED = {
    "gmail.com": "Anyone can have an address",
    "yandex.com": "Anyone can have an address",
    "outlook.co.uk": "Anyone can have an address",  # a country variant the list does not name
    "hotmail.de": "Anyone can have an address",
    "staff.gmail.com": "Anyone can have an address",
    "sch.uk": "shared by many organisations",
    "lancs.sch.uk": "shared by many organisations",
    "co.uk": "shared by many organisations",
    "demo.test": "kept for examples and tests",
    "ashgrove.demo.test": "kept for examples and tests",
    "example.com": "kept for examples and tests",
}
ACCEPTED = ["ashgrove.lancs.sch.uk", "ashgroveprimary.co.uk", "riverside-trust.org.uk"]


@pytest.mark.parametrize(("domain", "says"), REFUSED.items())
def test_the_rule_refuses_shared_and_free_domains(domain, says):
    assert says in domain_refusal(domain)
    with pytest.raises(ValidationError, match=says):
        SchoolDomain(domain=domain.upper()).clean()


@pytest.mark.parametrize("domain", ACCEPTED)
def test_the_rule_accepts_a_schools_own_domain(domain):
    assert domain_refusal(domain) is None


@pytest.mark.parametrize(("domain", "says"), REFUSED.items())
def test_the_domains_page_refuses_them_and_stores_nothing(app, personas, domain, says):
    page = app.sign_in(personas.leader).get(
        reverse("hubs:school_domains", kwargs={"urn": personas.school.urn})
    )
    form = form_for(page, "")
    form["domain"] = domain
    again = form.submit(status=400)
    assert says in text_of(again)
    assert not SchoolDomain.objects.filter(domain=domain).exists()


@pytest.mark.parametrize("domain", ["gmail.com", "yandex.com", "sch.uk", "demo.test"])
def test_the_schools_import_refuses_them_and_writes_nothing(domain):
    header = [*REQUIRED, "EmailDomain"]
    cells = ["123456", "Ashgrove Primary School", "Community school", "Primary", "Hillingdon"]
    cells += ["UB3 1AA", "210", "22.1", "Open", domain]
    raw = io.BytesIO((",".join(header) + "\r\n" + ",".join(cells)).encode())
    result = gias_import(raw=raw, dry_run=False)
    assert any("URN 123456" in error and domain in error for error in result.errors)
    assert not SchoolDomain.objects.exists()
    assert not School.objects.exists()


def test_the_admin_form_refuses_them(personas):
    # The admin's inline is a ModelForm: it runs SchoolDomain.clean(), as here.
    formset = inlineformset_factory(School, SchoolDomain, fields=["domain"], extra=1)(
        {
            "domains-TOTAL_FORMS": "1",
            "domains-INITIAL_FORMS": "0",
            "domains-0-domain": "yandex.com",
        },
        instance=personas.school,
    )
    assert not formset.is_valid()
    assert "Anyone can have an address at yandex.com" in str(formset.errors)


def test_the_demos_own_domains_are_valid_only_on_the_demo(community):
    assert "kept for examples and tests" in domain_refusal("brooklane.demo.test")
    community.is_demo = True
    community.save()
    assert domain_refusal("brooklane.demo.test") is None
    assert "kept for examples and tests" in domain_refusal("brooklane.test")
    assert "Anyone can have an address" in domain_refusal("gmail.com")
