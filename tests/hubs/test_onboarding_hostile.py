"""
Hostile and careless files: wrong encodings, a missing column, 100,000 blank lines,
a 50 MB upload, a cell too big for CSV, formula injection that must come out of the exports as
text, names with apostrophes and accents. Each gets a clear message and nothing half-written.
"""

import csv
import io

import pytest
from django.urls import reverse

from hubs.models import ImportJob, Invitation, User
from hubs.onboarding.files import ImportFileError
from hubs.onboarding.staff import staff_import
from tests.factories import SchoolDomainFactory

pytestmark = pytest.mark.django_db

HEADER = ("Email", "Forename", "Surname", "Role")
NAME = ("Siân", "O'Neill-Núñez")


def staff_bytes(*rows, header=HEADER, encoding="utf-8") -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode(encoding)


@pytest.fixture
def school(personas):
    SchoolDomainFactory(school=personas.school, domain="ashgrove.sch.uk")
    return personas.school


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8", "utf-8-sig"])
def test_accents_and_apostrophes_arrive_whatever_the_encoding(school, personas, encoding):
    raw = staff_bytes(["sian@ashgrove.sch.uk", *NAME, "Teacher"], encoding=encoding)
    result = staff_import(raw=io.BytesIO(raw), by=personas.leader, school=school, dry_run=False)
    assert result.ok
    person = User.objects.get(email="sian@ashgrove.sch.uk")
    assert (person.first_name, person.last_name) == NAME


def test_a_utf16_file_is_refused_in_words(school, personas):
    raw = io.BytesIO(staff_bytes(["sian@ashgrove.sch.uk", *NAME, "Teacher"], encoding="utf-16"))
    with pytest.raises(ImportFileError, match="UTF-16 or binary"):
        staff_import(raw=raw, by=personas.leader, school=school, dry_run=False)
    assert not User.objects.filter(email="sian@ashgrove.sch.uk").exists()


def test_a_missing_column_is_named_and_nothing_written(school, personas):
    raw = io.BytesIO(staff_bytes(["a@ashgrove.sch.uk", "A"], header=("Email", "Forename")))
    with pytest.raises(ImportFileError, match="“Surname”"):
        staff_import(raw=raw, by=personas.leader, school=school, dry_run=False)
    assert not User.objects.filter(email="a@ashgrove.sch.uk").exists()


def test_100000_blank_lines_are_skipped(school, personas):
    raw = staff_bytes(["a@ashgrove.sch.uk", "A", "B", "Teacher"]) + b"\r\n" * 50_000
    raw += b",,,\r\n" * 50_000 + b"b@gmail.test,B,C,TA\r\n"
    result = staff_import(raw=io.BytesIO(raw), by=personas.leader, school=school, dry_run=False)
    assert result.counts == {"new": 1, "invited": 1}
    assert Invitation.objects.get().email == "b@gmail.test"


def test_a_cell_too_big_for_csv_is_a_message_and_nothing_is_written(school, personas):
    raw = staff_bytes(["a@ashgrove.sch.uk", "A", "B", "Teacher"]) + b'"' + b"x" * 200_000 + b'"\r\n'
    with pytest.raises(ImportFileError, match="not a valid CSV file"):
        staff_import(raw=io.BytesIO(raw), by=personas.leader, school=school, dry_run=False)
    assert not User.objects.filter(email="a@ashgrove.sch.uk").exists()


def test_a_50_mb_upload_is_refused_with_a_message_and_not_kept(
    client, personas, settings, tmp_path
):
    settings.IMPORTS_DIR = tmp_path
    settings.CPDHUB_MAX_REQUEST_BYTES = 0  # the form's own limit (the body limit is tested apart)
    row = b"someone@gmail.test,Some,One,Teacher\r\n"
    upload = io.BytesIO(b"Email,Forename,Surname,Role\r\n" + row * (50 * 1024 * 1024 // len(row)))
    upload.name = "staff.csv"
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("hubs:import_staff"),
        {"step": "preview", "file": upload, "school": personas.school.pk},
    )
    assert response.status_code == 400
    assert "the limit is 20 MB" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not any(tmp_path.rglob("*.csv"))
    assert not Invitation.objects.exists()


def test_a_workbook_uploaded_fails_its_job_in_words(
    client, personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.IMPORTS_DIR = tmp_path
    upload = io.BytesIO(b"PK\x03\x04 a zipped workbook")
    upload.name = "staff.xlsx"
    client.force_login(personas.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("hubs:import_staff"),
            {"step": "preview", "file": upload, "school": personas.school.pk},
        )
    page = client.get(response["Location"]).content.decode()
    assert ImportJob.objects.get().state == ImportJob.State.FAILED
    assert "could not be imported: nothing was saved" in page
    assert "Save it as CSV" in page


def test_a_formula_imported_comes_out_of_the_staff_export_as_text(
    client, school, personas, settings
):
    raw = staff_bytes(["f@ashgrove.sch.uk", '=HYPERLINK("http://evil.test")', "@SUM(A1)", ""])
    staff_import(raw=io.BytesIO(raw), by=personas.leader, school=school, dry_run=False)
    person = User.objects.get(email="f@ashgrove.sch.uk")
    assert person.first_name == '=HYPERLINK("http://evil.test")'  # stored as typed
    settings.REQUIRE_ADMIN_MFA = False
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("admin:hubs_user_changelist"),
        {"action": "export_csv", "_selected_action": [person.pk]},
    )
    header, row = list(csv.reader(io.StringIO(response.content.decode())))
    assert row[header.index("first_name")] == '\'=HYPERLINK("http://evil.test")'
    assert row[header.index("last_name")] == "'@SUM(A1)"
