"""
A staff file as schools really have them, through the pages as a browser submits them: MIS job
titles, titles mapped on the page and remembered, the good rows imported and the rest
downloaded, the welcome email, a damaged file and a huge file of bad lines.
"""

import csv
import io
import json

import pytest
from django.core import mail
from django.urls import reverse

from hubs.models import ImportJob, StaffImportMapping, User, UserResponsibility
from hubs.onboarding import staff as staff_module
from hubs.onboarding.staff import Outcome, staff_import
from hubs.selectors import community_details
from tests.factories import SchoolDomainFactory, UserFactory
from tests.webtest import form_for

pytestmark = pytest.mark.django_db


def staff_file(*rows, header=("Email", "Forename", "Surname", "Role")) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


@pytest.fixture(autouse=True)
def _imports_dir(settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "imports"


@pytest.fixture
def school(personas):
    SchoolDomainFactory(school=personas.school, domain="ashgrove.sch.uk")
    return personas.school


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    def go(form, status=302):
        with django_capture_on_commit_callbacks(execute=True):
            response = form.submit(status=status)
        return response.follow() if status == 302 else response

    return go


@pytest.fixture
def upload(app, personas, school, submit):
    """The leader's upload page, a file chosen and sent: the preview's page."""

    def go(content: bytes):
        page = app.sign_in(personas.leader).get(
            reverse("hubs:school_import_staff", kwargs={"urn": school.urn})
        )
        form = form_for(page, "")
        form["file"] = ("staff.csv", content)
        return submit(form)

    return go


def confirm_form(preview, school):
    return form_for(preview, "hubs:school_import_staff", urn=school.urn)


def test_everyday_mis_job_titles_are_recognised(school, personas):
    raw = io.BytesIO(
        staff_file(
            ["a@ashgrove.sch.uk", "Ann", "Lee", "SENCo"],
            ["b@ashgrove.sch.uk", "Bob", "Hay", "Business Manager"],
            ["c@ashgrove.sch.uk", "Cy", "Ng", "Cover Supervisor"],
            ["d@ashgrove.sch.uk", "Di", "Fox", "Admin Officer"],
            ["e@ashgrove.sch.uk", "Ed", "Roe", "  assistant   HEAD "],
        )
    )
    result = staff_import(raw=raw, by=personas.leader, school=school, dry_run=False)
    assert result.ok, result.rows
    roles = dict(User.objects.filter(school=school).values_list("email", "job_role"))
    assert roles["a@ashgrove.sch.uk"] == User.JobRole.MIDDLE_LEADER
    assert roles["b@ashgrove.sch.uk"] == User.JobRole.SUPPORT_STAFF
    assert roles["c@ashgrove.sch.uk"] == User.JobRole.HLTA
    assert roles["d@ashgrove.sch.uk"] == User.JobRole.SUPPORT_STAFF
    assert roles["e@ashgrove.sch.uk"] == User.JobRole.SENIOR_LEADER
    # The SENCo's title suggests the responsibility (they can change it in "My details").
    assert list(
        UserResponsibility.objects.filter(user__email="a@ashgrove.sch.uk").values_list(
            "responsibility", flat=True
        )
    ) == ["senco"]
    assert "SENCo is ticked as a responsibility" in result.rows[0].message


def test_an_unknown_title_is_mapped_on_the_page_and_remembered_for_the_school(
    app, personas, school, upload, submit
):
    content = staff_file(
        ["a@ashgrove.sch.uk", "Ann", "Lee", "Teacher"],
        ["b@ashgrove.sch.uk", "Bob", "Hay", "Pastoral Wizard"],
        ["c@ashgrove.sch.uk", "Cy", "Ng", "pastoral wizard"],
    )
    preview = upload(content)
    assert "Unknown job role “Pastoral Wizard”" in preview.text
    mapping = form_for(preview, "hubs:school_import_staff", urn=school.urn, index=0)
    assert mapping.id == "job-roles"
    assert mapping["role:pastoral wizard"].options[0][0] == ""  # "Leave as an error" first
    mapping["role:pastoral wizard"] = User.JobRole.SUPPORT_STAFF
    again = submit(mapping)
    assert "Preview: nothing is saved yet" in again.text
    assert "Unknown job role" not in again.text
    assert StaffImportMapping.objects.filter(
        school=school, kind="job_role", value="pastoral wizard", maps_to="support_staff"
    ).exists()
    submit(form_for(again, "hubs:school_import_staff", urn=school.urn))
    assert User.objects.get(email="b@ashgrove.sch.uk").job_role == User.JobRole.SUPPORT_STAFF
    # Next term's file: the school's choice is remembered, the title is known at once.
    later = upload(staff_file(["d@ashgrove.sch.uk", "Di", "Fox", "Pastoral Wizard"]))
    assert "Preview: nothing is saved yet" in later.text


def test_a_remembered_title_is_the_schools_only(personas, school):
    StaffImportMapping.objects.create(
        school=personas.other_school, kind="job_role", value="pastoral wizard", maps_to="ta"
    )
    raw = io.BytesIO(staff_file(["b@ashgrove.sch.uk", "Bob", "Hay", "Pastoral Wizard"]))
    result = staff_import(raw=raw, by=personas.leader, school=school, dry_run=True)
    assert not result.ok
    assert result.unknown_roles == {"pastoral wizard": 1}


def test_the_good_rows_are_imported_and_the_rest_downloaded(app, personas, school, upload, submit):
    preview = upload(
        staff_file(
            ["a@ashgrove.sch.uk", "Ann", "Lee", "Teacher"],
            ["not-an-address", "Bob", "Hay", "Teacher"],
            [personas.coordinator.email, "=HYPERLINK(1)", "Pwned", "Teacher"],
        )
    )
    assert "Preview: some rows have errors" in preview.text
    download = preview.click("Download the 2 rows with errors")
    assert download.content_type == "text/csv"
    rows = list(csv.reader(io.StringIO(download.body.decode("utf-8-sig"))))
    assert rows[0] == ["Line", "Email", "Forename", "Surname", "Role", "Why it was left out"]
    assert rows[1][:2] == ["3", "not-an-address"]
    assert "is not an email address" in rows[1][-1]
    assert rows[2][2] == "'=HYPERLINK(1)"  # a formula comes out as text
    assert "coordinator's or an administrator's" in rows[2][-1]
    form = confirm_form(preview, school)
    assert form["import_good_rows"].value is None  # not ticked for them
    refused = submit(form, status=400)  # confirmed without choosing to leave rows out
    assert "good rows imported" in refused.text
    assert not User.objects.filter(email="a@ashgrove.sch.uk").exists()
    form["import_good_rows"] = True
    done = submit(form)
    assert "Imported" in done.text
    assert "2 row(s) with errors were left out" in done.text
    assert User.objects.filter(email="a@ashgrove.sch.uk", school=school).exists()
    assert User.objects.get(pk=personas.coordinator.pk).school is None
    assert "Download the 2 rows with errors" in done.text


def test_a_file_whose_every_row_has_an_error_offers_no_import(upload, school):
    preview = upload(staff_file(["bad", "A", "B", "Teacher"]))
    assert "Import the good rows" not in preview.text
    assert "Confirm the import" not in preview.text


def test_the_rows_left_out_are_only_for_whoever_uploaded_them(client, personas, upload):
    upload(staff_file(["bad", "A", "B", "Teacher"], ["a@ashgrove.sch.uk", "A", "B", "TA"]))
    job = ImportJob.objects.get()
    url = reverse("hubs:import_job_rejected", kwargs={"pk": job.pk})
    for who in (personas.colleague, personas.other_leader, personas.coordinator):
        client.force_login(who)
        assert client.get(url).status_code == 403
    client.force_login(personas.leader)
    assert client.get(url).status_code == 200


def test_imported_staff_are_welcomed_once_by_email_naming_the_school_and_community(
    app, personas, school, upload, submit, settings
):
    content = staff_file(
        ["new.one@ashgrove.sch.uk", "Nia", "Jones", "Teacher"],
        ["x@gmail.com", "Xan", "Ode", "Teacher"],  # invited instead: the invitation email
        [personas.owner.email, "Sam", "Whitfield", "Teacher"],  # has signed in: no welcome
    )
    personas.owner.last_login = personas.owner.date_joined
    personas.owner.save(update_fields=["last_login"])
    preview = upload(content)
    form = confirm_form(preview, school)
    assert form["send_welcome"].value is None  # the leader chooses it
    form["send_welcome"] = True
    submit(form)
    welcome = [m for m in mail.outbox if "choose your password" in m.subject]
    assert [m.to for m in welcome] == [["new.one@ashgrove.sch.uk"]]
    message = welcome[0]
    community = community_details().name
    assert community in message.subject
    assert school.name in message.body
    assert community in message.body
    html = message.alternatives[0][0]
    assert school.name in html
    assert "Choose your password" in html
    link = next(w for w in message.body.split() if "/accounts/password/reset/key/" in w)
    opened = app.get(link.replace(settings.SITE_URL, ""))
    if opened.status_code == 302:
        opened = opened.follow()
    assert opened.status_code == 200
    assert "password" in opened.text.lower()
    # The same file again, welcome ticked again: never a second welcome for the same person.
    form = confirm_form(upload(content), school)
    form["send_welcome"] = True
    submit(form)
    assert len([m for m in mail.outbox if "choose your password" in m.subject]) == 1


def test_without_the_choice_no_welcome_is_sent(personas, school, upload, submit):
    preview = upload(staff_file(["new.one@ashgrove.sch.uk", "Nia", "Jones", "Teacher"]))
    submit(confirm_form(preview, school))
    assert User.objects.filter(email="new.one@ashgrove.sch.uk").exists()
    assert not mail.outbox


def test_a_nul_byte_is_a_row_message_not_a_failed_job(upload):
    content = staff_file(["a@ashgrove.sch.uk", "Ann", "Lee", "Teacher"]) + (
        b"b@ashgrove.sch.uk,B\x00b,Hay,Teacher\r\n"
    )
    preview = upload(content)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.DONE
    assert "Line 3 holds a NUL character" in preview.text
    assert job.result["counts"] == {Outcome.NEW: 1, Outcome.ERROR: 1}


def test_a_nul_byte_in_the_header_is_a_file_message(upload):
    upload(b"Email,Fore\x00name,Surname\r\na@ashgrove.sch.uk,A,B\r\n")
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED
    assert "NUL character" in job.error


def test_a_huge_file_of_bad_lines_keeps_a_small_result_and_a_small_page(
    upload, client, personas, django_assert_max_num_queries
):
    lines = staff_module.MAX_ROWS
    content = b"Email,Forename,Surname,Role\r\n" + b"nobody,A,B,Teacher\r\n" * lines
    preview = upload(content)
    job = ImportJob.objects.get()
    assert job.result["counts"] == {Outcome.ERROR: lines}
    assert len(job.result["rows"]) == staff_module.MAX_ERRORS_SHOWN
    assert job.result["not_listed"] == lines - staff_module.MAX_ERRORS_SHOWN
    assert len(json.dumps(job.result)) < 150_000
    assert len(preview.body) < 100_000
    assert f"{lines - staff_module.MAX_ERRORS_SHOWN} more rows" in preview.text
    client.force_login(personas.leader)
    with django_assert_max_num_queries(12):
        last = client.get(job.get_absolute_url(), {"page": "5"})
    assert len(last.content) < 100_000
    assert "Line" in last.content.decode()


def test_a_file_over_the_line_limit_is_refused_with_a_message(upload, monkeypatch):
    monkeypatch.setattr(staff_module, "MAX_ROWS", 50)
    upload(b"Email,Forename,Surname,Role\r\n" + b"nobody,A,B,Teacher\r\n" * 51)
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.FAILED
    assert "more than 50 rows of staff" in job.error
    assert job.result == {"unmapped": []}


def test_the_command_line_import_leaves_the_coordinator_alone(school, personas, tmp_path):
    from django.core.management import CommandError, call_command  # noqa: PLC0415

    path = tmp_path / "staff.csv"
    path.write_bytes(staff_file([personas.coordinator.email, "Helen", "Pwned", "Teacher"]))
    with pytest.raises(CommandError):
        call_command("import_staff", str(path), school=school.urn)
    assert User.objects.get(pk=personas.coordinator.pk).last_name == "Okafor"


def test_an_updated_person_is_never_moved_from_another_school(personas, school):
    moved = UserFactory(email="moved@ashgrove.sch.uk", school=personas.other_school)
    raw = io.BytesIO(staff_file([moved.email, "M", "V", "Teacher"]))
    result = staff_import(
        raw=raw, by=personas.leader, school=school, dry_run=False, import_good_rows=True
    )
    moved.refresh_from_db()
    assert moved.school == personas.other_school
    assert result.counts == {Outcome.ERROR: 1}


def test_a_line_break_inside_a_quoted_name_becomes_a_space(personas, school):
    raw = io.BytesIO(b'Email,Forename,Surname\r\na@ashgrove.sch.uk,"Ann\r\nBcc: x",Lee\r\n')
    staff_import(raw=raw, by=personas.leader, school=school, dry_run=False)
    assert User.objects.get(email="a@ashgrove.sch.uk").first_name == "Ann Bcc: x"


def test_the_welcome_is_once_per_person_even_after_their_address_changes(
    personas, school, django_capture_on_commit_callbacks
):
    def run(email):
        raw = io.BytesIO(staff_file([email, "Nia", "Jones", "Teacher"]))
        with django_capture_on_commit_callbacks(execute=True):
            return staff_import(
                raw=raw, by=personas.leader, school=school, dry_run=False, welcome=True
            )

    assert run("nia@ashgrove.sch.uk").welcomed == 1
    User.objects.filter(email="nia@ashgrove.sch.uk").update(email="nia.jones@ashgrove.sch.uk")
    assert run("nia.jones@ashgrove.sch.uk").welcomed == 0
    assert len(mail.outbox) == 1
