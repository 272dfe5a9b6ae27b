"""Staff from the MIS: import_staff and its rules."""

import csv
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from hubs.models import Invitation, Subject, User
from hubs.onboarding import staff as staff_module
from hubs.onboarding.files import ImportFileError
from hubs.onboarding.staff import Outcome, staff_import
from tests.factories import SchoolDomainFactory

pytestmark = pytest.mark.django_db


def staff_csv(*rows, header=("Work email", "Preferred forename", "Legal surname", "Staff role")):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode("cp1252"))


@pytest.fixture
def school(personas):
    SchoolDomainFactory(school=personas.school, domain="ashgrove.sch.uk")
    return personas.school


def test_sims_style_headers_make_accounts_and_invite_outsiders(
    school, personas, django_capture_on_commit_callbacks
):
    raw = staff_csv(
        ["Siobhan.O'Neill@ashgrove.sch.uk", "Siobhán", "O'Neill", "Class teacher"],
        ["j.adebayo@gmail.com", "Jo", "Adebayo", "Teaching assistant"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        result = staff_import(raw=raw, by=personas.leader, school=school, dry_run=False)
    assert result.ok, result.rows
    assert result.counts == {Outcome.NEW: 1, Outcome.INVITED: 1}
    siobhan = User.objects.get(email="siobhan.o'neill@ashgrove.sch.uk")
    assert (siobhan.first_name, siobhan.last_name, siobhan.school) == ("Siobhán", "O'Neill", school)
    assert siobhan.job_role == User.JobRole.TEACHER
    invitation = Invitation.objects.get(email="j.adebayo@gmail.com")
    assert invitation.school == school
    assert [m.to for m in mail.outbox] == [["j.adebayo@gmail.com"]]


def test_a_second_import_updates_and_never_duplicates_or_reinvites(
    school, personas, django_capture_on_commit_callbacks
):
    rows = [
        ["sam@ashgrove.sch.uk", "Sam", "Whitfield", "Teacher"],
        ["jo@gmail.com", "Jo", "Adebayo", "TA"],
    ]
    with django_capture_on_commit_callbacks(execute=True):
        staff_import(raw=staff_csv(*rows), by=personas.leader, school=school, dry_run=False)
        rows[0] = ["Sam+cpd@ashgrove.sch.uk", "Samuel", "Whitfield", "Head of department"]
        result = staff_import(
            raw=staff_csv(*rows), by=personas.leader, school=school, dry_run=False
        )
    assert result.counts == {Outcome.UPDATED: 1, Outcome.UNCHANGED: 1}
    assert User.objects.filter(last_name="Whitfield", school=school).count() == 2  # + personas' Sam
    sam = User.objects.get(email="sam@ashgrove.sch.uk")
    assert (sam.first_name, sam.job_role) == ("Samuel", User.JobRole.MIDDLE_LEADER)
    assert len(mail.outbox) == 1  # one invitation, once


def test_the_preview_writes_nothing_and_sends_nothing(
    school, personas, django_capture_on_commit_callbacks
):
    raw = staff_csv(["new@ashgrove.sch.uk", "A", "B", ""], ["x@gmail.com", "C", "D", ""])
    with django_capture_on_commit_callbacks(execute=True):
        result = staff_import(raw=raw, by=personas.leader, school=school, dry_run=True)
    assert result.counts == {Outcome.NEW: 1, Outcome.INVITED: 1}
    assert not User.objects.filter(email="new@ashgrove.sch.uk").exists()
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_each_error_is_in_words_and_a_file_with_errors_imports_nothing(school, personas):
    raw = staff_csv(
        ["good@ashgrove.sch.uk", "Good", "Row", "Teacher"],
        ["not an address", "Bad", "Address", "Teacher"],
        ["good@ashgrove.sch.uk", "Good", "Again", "Teacher"],
        ["role@ashgrove.sch.uk", "Odd", "Role", "Chief Wizard"],
        [personas.outsider.email, "Owen", "Bell", "Teacher"],
        header=("Email", "First name", "Surname", "Job title"),
    )
    result = staff_import(raw=raw, by=personas.leader, school=school, dry_run=False)
    messages = {row.line: row.message for row in result.rows if row.outcome == Outcome.ERROR}
    assert "is not an email address" in messages[3]
    assert "also on line 2" in messages[4]
    assert "Unknown job role “Chief Wizard”" in messages[5]
    assert "another school" in messages[6]
    assert "nothing was imported" in result.summary()
    assert not User.objects.filter(email="good@ashgrove.sch.uk").exists()


def test_another_member_schools_address_is_refused(school, personas):
    SchoolDomainFactory(school=personas.other_school, domain="thornbury.sch.uk")
    raw = staff_csv(["a@thornbury.sch.uk", "A", "B", "Teacher"])
    result = staff_import(raw=raw, by=personas.leader, school=school, dry_run=False)
    assert "another member school" in result.rows[0].message
    assert not Invitation.objects.exists()


def test_an_unrecognised_column_can_be_mapped(school, personas):
    header = ("Mail", "Forename", "Surname")
    raw = staff_csv(["m@ashgrove.sch.uk", "M", "N"], header=header)
    with pytest.raises(ImportFileError, match="“Email”"):
        staff_import(raw=raw, by=personas.leader, school=school)
    result = staff_import(
        raw=raw, by=personas.leader, school=school, column_map={"Mail": "email"}, dry_run=False
    )
    assert result.counts == {Outcome.NEW: 1}


def test_school_urn_and_subjects_columns(school, personas):
    maths, _ = Subject.objects.get_or_create(name="Mathematics", defaults={"slug": "maths"})
    header = ("Email address", "First name", "Last name", "School URN", "Subjects")
    raw = staff_csv(
        ["s@ashgrove.sch.uk", "S", "T", str(school.urn), "Mathematics"],
        ["u@ashgrove.sch.uk", "U", "V", "999999", ""],
        header=header,
    )
    result = staff_import(raw=raw, by=personas.coordinator, school=None, dry_run=True)
    assert result.rows[1].message.startswith("Unknown school")
    raw = staff_csv(["s@ashgrove.sch.uk", "S", "T", str(school.urn), "mathematics"], header=header)
    staff_import(raw=raw, by=personas.coordinator, school=None, dry_run=False)
    assert list(User.objects.get(email="s@ashgrove.sch.uk").subjects.all()) == [maths]


def test_formula_cells_are_stored_as_text(school, personas):
    raw = staff_csv(["f@ashgrove.sch.uk", '=HYPERLINK("http://x")', "O'Brien", "Teacher"])
    staff_import(raw=raw, by=personas.leader, school=school, dry_run=False)
    assert User.objects.get(email="f@ashgrove.sch.uk").first_name == '=HYPERLINK("http://x")'


def test_the_command(school, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(staff_csv(["cmd@ashgrove.sch.uk", "Cai", "Md", "Teacher"]).getvalue())
    out = io.StringIO()
    call_command("import_staff", str(path), "--school", str(school.urn), "--dry-run", stdout=out)
    assert "Dry run: 1 new account(s) would be made" in out.getvalue()
    call_command("import_staff", str(path), "--school", str(school.urn), stdout=out)
    assert User.objects.filter(email="cmd@ashgrove.sch.uk").exists()
    with pytest.raises(CommandError, match="No member school has the URN 111111"):
        call_command("import_staff", str(path), "--school", "111111")


def test_the_command_invites_outsiders_once(school, tmp_path, django_capture_on_commit_callbacks):
    """From the command line nobody is signed in (by=None): invitations still go, once each."""
    path = tmp_path / "staff.csv"
    path.write_bytes(staff_csv(["gov@gmail.test", "Gwen", "Ó Briain", "Governor"]).getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("import_staff", str(path), "--school", str(school.urn), stdout=io.StringIO())
        call_command("import_staff", str(path), "--school", str(school.urn), stdout=io.StringIO())
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.school, invitation.invited_by) == (
        "gov@gmail.test",
        school,
        None,
    )
    assert [m.to for m in mail.outbox] == [["gov@gmail.test"]]


def test_rows_across_chunks_keep_their_order_and_duplicates_are_caught(
    school, personas, monkeypatch
):
    monkeypatch.setattr(staff_module, "CHUNK", 2)
    raw = staff_csv(
        ["a@ashgrove.sch.uk", "A", "A", "Teacher"],
        ["b@gmail.test", "B", "B", "TA"],
        ["bad", "C", "C", "Teacher"],
        ["A+x@ashgrove.sch.uk", "A", "A", "Teacher"],  # the same mailbox as line 2
        ["d@ashgrove.sch.uk", "D", "D", "Teacher"],
    )
    result = staff_import(raw=raw, by=personas.leader, school=school, dry_run=True)
    assert [row.line for row in result.rows] == [2, 3, 4, 5, 6]
    assert [row.outcome for row in result.rows] == ["new", "invited", "error", "error", "new"]
    assert result.rows[3].message == "This person is also on line 2."
    assert not User.objects.filter(email="a@ashgrove.sch.uk").exists()
