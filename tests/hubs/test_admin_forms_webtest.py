"""
The coordinator's admin site, submitted as a browser submits it: an action from a change list
(the ticked rows, the chosen action, the token) and an add form with its validation message.
"""

import pytest

from experts.models import ExpertiseArea, ProfileArea
from hubs.models import Invitation, Term
from tests.experts.factories import ExpertProfileFactory, offer
from tests.factories import InvitationFactory, TermFactory
from tests.webtest import text_of

from .test_admin import with_totp

pytestmark = pytest.mark.django_db


def changelist_form(page):
    return page.forms["changelist-form"]


def admin_messages(page) -> str:
    return " ".join(text_of(li) for li in page.html.select("ul.messagelist li"))


def tick(form, *pks):
    for field in form.fields["_selected_action"]:
        field.checked = field._value in {str(pk) for pk in pks}


def test_coordinator_merges_duplicate_areas_with_the_admin_action(app, personas):
    dup = ExpertiseArea.objects.create(
        name="Questioning skills", slug="questioning-skills", category="pedagogy"
    )
    profile = ExpertProfileFactory(user=personas.outsider)
    offer(profile, "questioning-skills", coaching=True)
    keep = ExpertiseArea.objects.get(slug="questioning")
    page = app.sign_in(with_totp(personas.coordinator)).get("/admin/experts/expertisearea/")
    form = changelist_form(page)
    tick(form, keep.pk, dup.pk)
    form["action"] = "merge"
    done = form.submit("index").follow()
    assert "Merged 1 area(s) into “Questioning”" in admin_messages(done)
    assert not ExpertiseArea.objects.filter(pk=dup.pk).exists()
    assert ProfileArea.objects.get(profile=profile).area == keep


def test_coordinator_withdraws_an_invitation_with_the_admin_action(app, personas):
    invitation = InvitationFactory(school=personas.school)
    page = app.sign_in(with_totp(personas.coordinator)).get("/admin/hubs/invitation/")
    form = changelist_form(page)
    tick(form, invitation.pk)
    form["action"] = "withdraw"
    done = form.submit("index").follow()
    assert "1 invitation(s) withdrawn." in admin_messages(done)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert not Invitation.objects.open().exists()


def test_an_overlapping_term_in_the_admin_add_form_gets_a_clear_message(app, personas):
    TermFactory(name="Autumn 2026", start="2026-09-02", end="2026-12-18")
    page = app.sign_in(with_totp(personas.coordinator)).get("/admin/hubs/term/add/")
    form = page.forms["term_form"]
    form["name"] = "Spring 2027"
    form["start"] = "2026-12-01"
    form["end"] = "2027-03-26"
    response = form.submit("_save")
    assert "This term overlaps another term." in text_of(response)
    assert Term.objects.count() == 1
    form = response.forms["term_form"]
    form["start"] = "2027-01-05"
    done = form.submit("_save").follow()
    assert "was added successfully" in admin_messages(done)
    assert Term.objects.count() == 2
