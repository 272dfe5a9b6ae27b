"""
The staff import's Department (or Team) column: each person joins their school's team of that
name (made as a department team if missing, in that school only); a re-import adds nothing;
an empty cell changes nothing; a leader's import never touches another school's teams or
people. Through the service, the leader's upload page (WebTest) and the command.
"""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse

from hubs.models import User
from hubs.onboarding.staff import staff_import
from schoolyear.models import Team, TeamMembership
from tests.factories import SchoolDomainFactory, UserFactory
from tests.webtest import form_for

pytestmark = pytest.mark.django_db


def staff_file(*rows, header=("Email", "Forename", "Surname", "Role", "DEPARTMENT")) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    writer.writerows(rows)
    return text.getvalue().encode("utf-8")


@pytest.fixture
def school(personas):
    SchoolDomainFactory(school=personas.school, domain="ashgrove.sch.uk")
    SchoolDomainFactory(school=personas.other_school, domain="thornbury.sch.uk")
    return personas.school


def run(content: bytes, personas, school, dry_run=False):
    return staff_import(raw=io.BytesIO(content), by=personas.leader, school=school, dry_run=dry_run)


def members(team: Team) -> set[str]:
    return set(team.memberships.values_list("user__email", flat=True))


def test_each_person_joins_their_departments_team_made_if_missing(personas, school):
    science = Team.objects.create(school=school, name="Science", kind=Team.Kind.DEPARTMENT)
    content = staff_file(
        ["ann@ashgrove.sch.uk", "Ann", "Lee", "Teacher", "science"],  # matched whatever the case
        ["bob@ashgrove.sch.uk", "Bob", "Hay", "Teacher", "Key Stage 1"],
        [personas.owner.email, personas.owner.first_name, personas.owner.last_name, "Teacher",
         "Science"],
        ["cat@ashgrove.sch.uk", "Cat", "Roe", "Teacher", ""],  # an empty cell: no team
    )  # fmt: skip
    preview = run(content, personas, school, dry_run=True)
    assert "3 people would be added to their department's team (1 new team(s))" in preview.summary()
    assert not Team.objects.filter(name="Key Stage 1").exists()  # a preview writes nothing
    result = run(content, personas, school)
    assert result.joined == 3
    assert result.teams_made == 1
    assert members(science) == {"ann@ashgrove.sch.uk", personas.owner.email}
    ks1 = Team.objects.get(school=school, name="Key Stage 1")
    assert ks1.kind == Team.Kind.DEPARTMENT
    assert members(ks1) == {"bob@ashgrove.sch.uk"}
    assert not TeamMembership.objects.filter(user__email="cat@ashgrove.sch.uk").exists()

    # Imported again: no duplicate, no new team; an empty cell takes nobody out.
    again = run(
        staff_file(
            ["ann@ashgrove.sch.uk", "Ann", "Lee", "Teacher", "Science"],
            ["bob@ashgrove.sch.uk", "Bob", "Hay", "Teacher", ""],
        ),
        personas,
        school,
    )
    assert (again.joined, again.teams_made) == (0, 0)
    assert TeamMembership.objects.count() == 3
    assert Team.objects.filter(school=school).count() == 2


def test_the_team_header_is_recognised_too(personas, school):
    content = staff_file(
        ["ann@ashgrove.sch.uk", "Ann", "Lee", "Teacher", "English"],
        header=("Email", "Forename", "Surname", "Role", "Team"),
    )
    assert run(content, personas, school).joined == 1
    assert members(Team.objects.get(school=school, name="English")) == {"ann@ashgrove.sch.uk"}


def test_a_leaders_import_never_touches_another_schools_teams_or_people(personas, school):
    theirs = Team.objects.create(school=personas.other_school, name="Science")
    TeamMembership.objects.create(team=theirs, user=personas.outsider)
    moved = UserFactory(email="moved@ashgrove.sch.uk", school=personas.other_school)
    before = set(TeamMembership.objects.values_list("team_id", "user_id"))
    result = run(
        staff_file(
            [personas.outsider.email, "Owen", "Bell", "Teacher", "Science"],  # another school's
            ["moved@ashgrove.sch.uk", "Mo", "Ved", "Teacher", "Science"],  # on our domain, theirs
            ["new@thornbury.sch.uk", "New", "Person", "Teacher", "Science"],  # their domain
            [personas.coordinator.email, "Helen", "Okafor", "Teacher", "Science"],
        ),
        personas,
        school,
    )
    assert result.joined == 0
    assert set(TeamMembership.objects.values_list("team_id", "user_id")) == before
    assert members(theirs) == {personas.outsider.email}
    assert not Team.objects.filter(school=school).exists()  # nobody of ours: no team made
    assert User.objects.get(pk=moved.pk).school == personas.other_school
    assert not User.objects.filter(email="new@thornbury.sch.uk").exists()


def test_a_department_longer_than_a_team_name_is_refused_row_by_row(personas, school):
    result = run(
        staff_file(["ann@ashgrove.sch.uk", "Ann", "Lee", "Teacher", "x" * 101]), personas, school
    )
    assert not result.ok
    assert "department is longer than 100 characters" in result.rows[0].message
    assert not Team.objects.exists()
    assert not User.objects.filter(email="ann@ashgrove.sch.uk").exists()


def test_the_leader_imports_a_department_column_through_the_page(
    app, personas, school, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.IMPORTS_DIR = tmp_path / "imports"
    url = reverse("hubs:school_import_staff", kwargs={"urn": school.urn})
    page = app.sign_in(personas.leader).get(url)
    assert "Department (or Team" in page.text
    assert "staff-import-sample.csv" in page.text
    form = form_for(page, "")
    form["file"] = (
        "staff.csv",
        staff_file(["ann@ashgrove.sch.uk", "Ann", "Lee", "Teacher", "Maths"]),
    )
    with django_capture_on_commit_callbacks(execute=True):
        sent = form.submit()
    preview = sent.follow()
    assert "1 person would be added to their department" in preview.text
    form = form_for(preview, "hubs:school_import_staff", urn=school.urn)
    with django_capture_on_commit_callbacks(execute=True):
        sent = form.submit()
    done = sent.follow()
    assert "1 person was added" in done.text
    assert members(Team.objects.get(school=school, name="Maths")) == {"ann@ashgrove.sch.uk"}


def test_the_command_reads_the_department_column(personas, school, tmp_path):
    path = tmp_path / "staff.csv"
    path.write_bytes(staff_file(["ann@ashgrove.sch.uk", "Ann", "Lee", "Teacher", "History"]))
    out = io.StringIO()
    call_command("import_staff", str(path), "--school", str(school.urn), stdout=out)
    assert "1 person was added to their department's team (1 new team(s))" in out.getvalue()
    assert members(Team.objects.get(school=school, name="History")) == {"ann@ashgrove.sch.uk"}


def test_the_sample_file_offered_on_the_page_imports_cleanly(personas, school):
    SchoolDomainFactory(school=school, domain="school.example")
    sample = Path(django_settings.BASE_DIR) / "static" / "hubs" / "staff-import-sample.csv"
    result = staff_import(
        raw=io.BytesIO(sample.read_bytes()), by=personas.leader, school=school, dry_run=True
    )
    assert result.ok, [r.message for r in result.rows]
    assert result.joined == 3
