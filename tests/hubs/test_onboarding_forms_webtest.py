"""The upload, preview and confirm forms, submitted as a browser does (issue 14)."""

import csv
import io
from pathlib import Path

import pytest
from django.urls import reverse

from hubs.models import Invitation, School, User
from tests.factories import HubFactory, SchoolDomainFactory
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


def test_coordinator_imports_schools_from_the_register(app, personas):
    hub = HubFactory(name="West", slug="west")
    page = app.sign_in(personas.coordinator).get(reverse("hubs:import_schools"))
    form = form_for(page, "")
    form["file"] = ("gias.csv", SAMPLE.read_bytes())
    form["hub"] = str(hub.pk)
    preview = form.submit()
    assert "19 new school(s) would be added" in preview.text
    assert not School.objects.filter(urn=102400).exists()
    done = form_for(preview, "").submit()
    assert "19 new school(s) were added" in done.text
    assert School.objects.get(urn=102400).hub == hub


def test_leader_imports_staff_for_their_school(app, personas):
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
    preview = form.submit()
    assert "Preview: nothing is saved yet" in preview.text
    assert "Núñez" in preview.text
    assert not User.objects.filter(email="ana@ashgrove.sch.uk").exists()
    done = form_for(preview, "").submit()
    assert "1 new account(s) were made" in done.text
    assert User.objects.get(email="ana@ashgrove.sch.uk").school == personas.school
    assert Invitation.objects.get().email == "t@gmail.com"


def test_an_unrecognised_column_is_mapped_on_the_page(app, personas):
    page = app.sign_in(personas.coordinator).get(reverse("hubs:import_staff"))
    form = form_for(page, "")
    form["file"] = (
        "staff.csv",
        staff_file(["x@y.org", "X", "Y"], header=("Mail", "Forename", "Surname")),
    )
    form["school"] = str(personas.school.pk)
    asked = form.submit(status=400)
    assert "No column was recognised as “Email”" in asked.text
    mapping = form_for(asked, "")
    mapping["map:Mail"] = "email"
    preview = mapping.submit()
    assert "1 invited" in preview.text.replace("\n", " ") or "and 1 invited" in preview.text


def test_a_file_with_errors_offers_no_confirm_and_writes_nothing(app, personas):
    page = app.sign_in(personas.leader).get(
        reverse("hubs:school_import_staff", kwargs={"urn": personas.school.urn})
    )
    form = form_for(page, "")
    form["file"] = ("staff.csv", staff_file(["bad", "A", "B", "Teacher"]))
    preview = form.submit()
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
