"""The upload, preview and confirm forms, submitted as a browser does."""

import csv
import datetime
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from hubs.models import ImportJob, Invitation, School, User
from hubs.onboarding.jobs import import_job_run
from tests.factories import HubFactory, SchoolDomainFactory, UserFactory
from tests.webtest import form_for

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent.parent / "data" / "gias_sample.csv"


def staff_file(*rows, header=("Email", "Forename", "Surname", "Role")) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode("cp1252")


@pytest.fixture(autouse=True)
def _imports_dir(settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "imports"


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Submit as a browser does: the job starts after commit (in-process, as in the demo) and
    the browser follows the redirect to the job's page."""

    def go(form):
        with django_capture_on_commit_callbacks(execute=True):
            response = form.submit()
        assert response.status_code == 302
        return response.follow()

    return go


def test_coordinator_imports_schools_from_the_register(app, personas, submit):
    hub = HubFactory(name="West", slug="west")
    page = app.sign_in(personas.coordinator).get(reverse("hubs:import_schools"))
    form = form_for(page, "")
    form["file"] = ("gias.csv", SAMPLE.read_bytes())
    form["hub"] = str(hub.pk)
    preview = submit(form)  # the preview's job page (the job ran in-process)
    assert "19 new school(s) would be added" in preview.text
    assert not School.objects.filter(urn=102400).exists()
    done = submit(form_for(preview, "hubs:import_schools"))
    assert "19 new school(s) were added" in done.text
    assert School.objects.get(urn=102400).hub == hub


def test_leader_imports_staff_for_their_school(app, personas, submit):
    SchoolDomainFactory(school=personas.school, domain="ashgrove.sch.uk")
    page = app.sign_in(personas.leader).get(personas.school.get_absolute_url())
    page = page.click("Import staff from a file")
    form = form_for(page, "")
    form["file"] = (
        "staff.csv",
        staff_file(
            ["ana@ashgrove.sch.uk", "Ana", "Núñez", "Teacher"], ["t@gmail.com", "T", "U", "TA"]
        ),
    )
    preview = submit(form)
    assert "Preview: nothing is saved yet" in preview.text
    assert "Núñez" in preview.text
    assert not User.objects.filter(email="ana@ashgrove.sch.uk").exists()
    confirm = form_for(preview, "hubs:school_import_staff", urn=personas.school.urn)
    done = submit(confirm)
    assert "1 new account(s) were made" in done.text
    assert User.objects.get(email="ana@ashgrove.sch.uk").school == personas.school
    assert Invitation.objects.get().email == "t@gmail.com"


def test_an_unrecognised_column_is_mapped_on_the_page(app, personas, submit):
    page = app.sign_in(personas.coordinator).get(reverse("hubs:import_staff"))
    form = form_for(page, "")
    form["file"] = (
        "staff.csv",
        staff_file(["x@y.org", "X", "Y"], header=("Mail", "Forename", "Surname")),
    )
    form["school"] = str(personas.school.pk)
    asked = submit(form)
    assert "No column was recognised as “Email”" in asked.text
    mapping = form_for(asked, "hubs:import_staff")
    mapping["map:Mail"] = "email"
    preview = submit(mapping)
    assert "1 invited" in preview.text.replace("\n", " ") or "and 1 invited" in preview.text


def test_a_file_with_errors_offers_no_confirm_and_writes_nothing(app, personas, submit):
    page = app.sign_in(personas.leader).get(
        reverse("hubs:school_import_staff", kwargs={"urn": personas.school.urn})
    )
    form = form_for(page, "")
    form["file"] = ("staff.csv", staff_file(["bad", "A", "B", "Teacher"]))
    preview = submit(form)
    assert "“bad” is not an email address" in preview.text
    assert "Confirm the import" not in preview.text


@pytest.mark.parametrize("who", ["owner", "outsider", "other_leader"])
def test_others_are_refused_and_nothing_is_written(client, personas, who):
    client.force_login(getattr(personas, who))
    upload = io.BytesIO(staff_file(["z@gmail.com", "Z", "Z", "Teacher"]))
    upload.name = "staff.csv"
    url = reverse("hubs:school_import_staff", kwargs={"urn": personas.school.urn})
    response = client.post(url, {"step": "confirm", "file": upload})
    assert response.status_code == 403
    for url in (reverse("hubs:import_staff"), reverse("hubs:import_schools")):
        assert client.get(url).status_code == 403
    assert not Invitation.objects.exists()


def test_a_leader_cannot_aim_the_coordinator_upload_at_another_school(client, personas):
    client.force_login(personas.leader)
    upload = io.BytesIO(staff_file(["z@gmail.com", "Z", "Z", "Teacher"]))
    upload.name = "staff.csv"
    response = client.post(
        reverse("hubs:import_staff"),
        {"step": "preview", "file": upload, "school": personas.other_school.pk},
    )
    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_a_stale_or_foreign_token_is_a_message_not_an_error(client, personas):
    client.force_login(personas.coordinator)
    response = client.post(reverse("hubs:import_schools"), {"step": "confirm", "token": "0" * 64})
    assert response.status_code == 400
    assert "upload it again" in response.content.decode()
    response = client.post(reverse("hubs:import_schools"), {"step": "confirm", "token": "../x"})
    assert "upload it again" in response.content.decode()


def test_a_second_click_on_confirm_or_a_resent_form_imports_once(app, personas, submit):
    page = app.sign_in(personas.coordinator).get(reverse("hubs:import_staff"))
    form = form_for(page, "")
    form["file"] = ("staff.csv", staff_file(["t@gmail.com", "T", "U", "TA"]))
    form["school"] = str(personas.school.pk)
    preview = submit(form)
    confirm = form_for(preview, "hubs:import_staff")
    first, second = submit(confirm), submit(confirm)  # the same form sent twice
    assert first.request.path == second.request.path
    assert ImportJob.objects.filter(dry_run=False).count() == 1
    assert Invitation.objects.count() == 1
    assert "1 invited" in second.text
    again = app.get(preview.request.path)  # the preview now links to its import
    assert "Confirm the import" not in again.text
    assert "has been confirmed" in again.text


def test_the_progress_page_refreshes_itself_until_the_job_is_done(
    app, personas, django_capture_on_commit_callbacks
):
    page = app.sign_in(personas.coordinator).get(reverse("hubs:import_staff"))
    form = form_for(page, "")
    form["file"] = ("staff.csv", staff_file(["t@gmail.com", "T", "U", "TA"]))
    form["school"] = str(personas.school.pk)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        waiting = form.submit().follow()  # the worker has not started it yet
    assert len(callbacks) == 1
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.QUEUED
    assert job.total_rows == 1
    assert 'http-equiv="refresh"' in waiting.text
    assert "Waiting to start" in waiting.text
    refreshed = app.get(waiting.request.path)  # a refresh shows the job; it starts nothing
    assert ImportJob.objects.count() == 1
    assert "Waiting to start" in refreshed.text
    assert import_job_run(job_id=job.pk) is True
    assert import_job_run(job_id=job.pk) is False  # the task delivered twice runs once
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.RUNNING)
    assert import_job_run(job_id=job.pk) is False  # nor while another worker runs it
    ImportJob.objects.filter(pk=job.pk).update(
        started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert import_job_run(job_id=job.pk) is True  # that worker died: taken over
    done = app.get(waiting.request.path)
    assert 'http-equiv="refresh"' not in done.text
    assert "Preview: nothing is saved yet" in done.text
    assert not Invitation.objects.exists()


def test_someone_elses_import_is_refused(app, client, personas, submit):
    page = app.sign_in(personas.coordinator).get(reverse("hubs:import_schools"))
    form = form_for(page, "")
    form["file"] = ("gias.csv", SAMPLE.read_bytes())
    preview = submit(form)
    job = ImportJob.objects.get()
    for who in (personas.leader, personas.outsider):
        client.force_login(who)
        assert client.get(preview.request.path).status_code == 403
    other = UserFactory(is_staff=True)
    other.groups.add(Group.objects.get_or_create(name="Coordinators")[0])
    client.force_login(other)
    response = client.post(reverse("hubs:import_schools"), {"step": "confirm", "job": job.pk})
    assert response.status_code == 400
    assert "upload it again" in response.content.decode()
    assert not ImportJob.objects.filter(dry_run=False).exists()
    assert not School.objects.filter(urn=102400).exists()


def test_the_coordinator_sees_import_jobs_in_the_admin_read_only(
    app, client, personas, settings, submit
):
    page = app.sign_in(personas.coordinator).get(reverse("hubs:import_schools"))
    form = form_for(page, "")
    form["file"] = ("gias.csv", SAMPLE.read_bytes())
    submit(form)
    job = ImportJob.objects.get()
    settings.REQUIRE_ADMIN_MFA = False
    client.force_login(personas.coordinator)
    listing = client.get(reverse("admin:hubs_importjob_changelist")).content.decode()
    assert "Schools from the register" in listing
    detail = client.get(reverse("admin:hubs_importjob_change", args=[job.pk])).content.decode()
    assert "19 new school(s) would be added" in detail
    assert client.get(reverse("admin:hubs_importjob_add")).status_code == 403


def test_a_huge_or_odd_id_in_a_hidden_field_is_a_message_not_a_500(client, personas):
    client.force_login(personas.coordinator)
    for value in ("9" * 30, "-1", "x", ""):
        response = client.post(reverse("hubs:import_staff"), {"step": "confirm", "job": value})
        assert response.status_code == 400
        assert "upload it again" in response.content.decode()
        response = client.post(
            reverse("hubs:import_schools"), {"step": "preview", "token": "0" * 64, "hub": value}
        )
        assert response.status_code == 400
    assert not ImportJob.objects.exists()
