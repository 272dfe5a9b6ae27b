"""Every required-training form, as a browser renders and submits it (tests/webtest.py)."""

import datetime

import pytest
from django.utils import timezone
from webtest import Upload

from hubs.models import Responsibility, UserResponsibility
from tests.webtest import form_for, messages_on, text_of
from training.models import Completion, Requirement

from .factories import done, requirement

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 certificate"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_teacher_records_their_own_training_with_a_certificate(app, personas):
    safeguarding = requirement()
    page = app.sign_in(personas.owner).get("/training/")
    assert "Missing" in text_of(page)
    form = form_for(page, "")
    form["requirement"] = str(safeguarding.pk)
    form["completed_on"] = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    form["certificate"] = Upload("run.exe", b"MZ", "application/octet-stream")
    refused = form.submit(expect_errors=True)
    assert refused.status_code == 400
    assert "cannot be in the future" in text_of(refused) or "not a type" in text_of(refused)
    assert not Completion.objects.exists()
    form = form_for(refused, "")
    form["requirement"] = str(safeguarding.pk)
    form["completed_on"] = "2026-09-01"
    form["provider"] = "Local authority"
    form["certificate"] = Upload("certificate.pdf", PDF, "application/pdf")
    saved = form.submit().follow()
    assert "Your training is recorded" in messages_on(saved)
    made = Completion.objects.get()
    assert made.expires_on == datetime.date(2029, 9, 1)
    assert made.source == Completion.Source.SELF
    assert made.original_name == "certificate.pdf"
    download = saved.click(href=f"/training/certificates/{made.pk}/")
    assert download.body == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    # Recorded by mistake: removed, with its file.
    gone = form_for(saved, "training:delete", pk=made.pk).submit().follow()
    assert "The completion is removed" in messages_on(gone)
    assert not Completion.objects.exists()


def test_a_leader_records_training_for_a_colleague_and_gives_them_a_responsibility(app, personas):
    dsl = requirement("Safeguarding level 3", school=personas.school, months=24,
                      responsibilities=[Responsibility.DSL])  # fmt: skip
    everyone = requirement()
    page = app.sign_in(personas.leader).get(f"/schools/{personas.school.urn}/training/")
    person = page.click(personas.colleague.full_name)
    assert "Safeguarding level 3" not in text_of(person).split("Record training")[0]
    form = form_for(
        person,
        "training:responsibilities",
        urn=personas.school.urn,
        person_id=personas.colleague.pk,
    )
    form["responsibilities"] = [Responsibility.DSL]
    person = form.submit().follow()
    assert "responsibilities are saved" in messages_on(person)
    assert UserResponsibility.objects.filter(user=personas.colleague, responsibility="dsl").exists()
    form = form_for(person, "")
    form["requirement"] = str(dsl.pk)
    form["completed_on"] = "2026-10-01"
    saved = form.submit().follow()
    assert f"Training recorded for {personas.colleague.full_name}" in messages_on(saved)
    made = Completion.objects.get(requirement=dsl)
    assert (made.user, made.source) == (personas.colleague, Completion.Source.LEADER)
    assert made.expires_on == datetime.date(2028, 10, 1)
    assert everyone.completions.count() == 0


def test_a_leader_requires_training_for_their_school_then_edits_and_retires_it(app, personas):
    page = app.sign_in(personas.leader).get("/training/requirements/")
    form = form_for(page, "")
    assert [value for value, *_ in form["scope"].options] == [str(personas.school.pk)]
    form["title"] = "First aid"
    form["valid_months"] = "0"
    refused = form.submit(expect_errors=True)
    assert refused.status_code == 400
    assert not Requirement.objects.exists()
    form = form_for(refused, "")
    form["valid_months"] = "36"
    form["job_roles"] = ["teacher", "ta"]
    saved = form.submit().follow()
    assert "The training is now required" in messages_on(saved)
    made = Requirement.objects.get()
    assert (made.school, made.job_roles, made.valid_months) == (
        personas.school,
        ["ta", "teacher"],
        36,
    )
    assert "Teachers, teaching assistants" in text_of(saved)
    edit = saved.click("First aid")
    form = form_for(edit, "")
    form["active"] = False
    form["valid_months"] = ""
    saved = form.submit().follow()
    made.refresh_from_db()
    assert (made.active, made.valid_months) == (False, None)
    assert "Retired" in text_of(saved)


def test_the_coordinator_requires_training_of_the_whole_community(app, personas):
    page = app.sign_in(personas.coordinator).get("/training/requirements/")
    form = form_for(page, "")
    form["title"] = "Prevent"
    form["scope"] = "community"
    form["valid_months"] = "24"
    form.submit().follow()
    made = Requirement.objects.get()
    assert made.school is None
    # The same title again: a message, nothing saved.
    form = form_for(app.get("/training/requirements/"), "")
    form["title"] = "prevent"
    form["scope"] = "community"
    refused = form.submit(expect_errors=True)
    assert "already required training with this title" in text_of(refused)
    assert Requirement.objects.count() == 1
    done(made, personas.owner, days_ago=10)
    summary = app.get("/coordinator/training/")
    assert "Ashgrove Primary School" in text_of(summary)


def test_the_matrix_filters_are_submitted_from_the_page(app, personas):
    safeguarding = requirement()
    done(safeguarding, personas.owner, days_ago=4 * 365)
    page = app.sign_in(personas.leader).get(f"/schools/{personas.school.urn}/training/")
    form = page.forms[[f.method.lower() for f in page.forms.values()].index("get")]
    form["status"] = "overdue"
    found = form.submit()
    assert personas.owner.full_name in text_of(found)
    assert personas.colleague.full_name not in text_of(found)
