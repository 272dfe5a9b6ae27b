"""CSV exports from the coordinator's admin, safe to open in a spreadsheet."""

import csv
import io

import pytest
from django.urls import reverse

from tests.factories import SchoolFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client, personas, settings):
    settings.REQUIRE_ADMIN_MFA = False
    client.force_login(personas.coordinator)
    return client


def export(client, model: str, ids) -> list[list[str]]:
    response = client.post(
        reverse(f"admin:hubs_{model}_changelist"),
        {"action": "export_csv", "_selected_action": [str(i) for i in ids]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_schools_export_neutralises_formulas(coordinator_client):
    school = SchoolFactory(name='=HYPERLINK("http://evil.test","Click")', urn=654321)
    rows = export(coordinator_client, "school", [school.pk])
    assert rows[0][:2] == ["urn", "name"]
    assert rows[1][0] == "654321"
    assert rows[1][1] == '\'=HYPERLINK("http://evil.test","Click")'


def test_staff_export_neutralises_formulas_and_keeps_accents(coordinator_client, personas):
    person = UserFactory(first_name="@SUM(A1)", last_name="O'Brien-Núñez", school=personas.school)
    rows = export(coordinator_client, "user", [person.pk])
    header, row = rows
    assert row[header.index("first_name")] == "'@SUM(A1)"
    assert row[header.index("last_name")] == "O'Brien-Núñez"
    assert row[header.index("school URN")] == str(personas.school.urn)


def test_a_teacher_cannot_export(client, personas):
    client.force_login(personas.owner)
    response = client.post(
        reverse("admin:hubs_school_changelist"),
        {"action": "export_csv", "_selected_action": [str(personas.school.pk)]},
    )
    assert response.status_code == 302  # to the sign-in page: the admin is not theirs
    assert "text/csv" not in response.get("Content-Type", "")
