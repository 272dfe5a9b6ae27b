import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cpd_sessions.models import CpdBudget, DevelopmentSession
from tests.factories import UserFactory

from .factories import SessionFactory, book, london, release_data

pytestmark = pytest.mark.django_db


def test_admin_cannot_move_a_session_behind_the_bookers_backs(client, personas, settings):
    """Dates, places and status change on the session's page, which tells everyone booked."""
    settings.REQUIRE_ADMIN_MFA = False
    session = SessionFactory()
    client.force_login(personas.coordinator)
    url = reverse("admin:cpd_sessions_developmentsession_change", args=[session.pk])
    page = client.get(url).content.decode()
    assert reverse("cpd_sessions:edit", args=[session.pk]) in page
    assert 'name="start_0"' not in page
    before = DevelopmentSession.objects.get(pk=session.pk)
    client.post(url, {"title": "Renamed", "start_0": "01/01/2030", "status": "cancelled"})
    after = DevelopmentSession.objects.get(pk=session.pk)
    assert (after.start, after.status, after.sequence) == (before.start, before.status, 0)


def test_admin_adds_a_session_with_its_dates(client, personas, settings):
    settings.REQUIRE_ADMIN_MFA = False
    client.force_login(personas.coordinator)
    page = client.get(reverse("admin:cpd_sessions_developmentsession_add")).content.decode()
    assert 'name="start_0"' in page  # a new session's dates are set here


def test_admin_publishes_the_selected_proposed_sessions_through_the_service(
    client, personas, settings
):
    settings.REQUIRE_ADMIN_MFA = False
    proposed = SessionFactory.create_batch(2, status=DevelopmentSession.Status.PROPOSED)
    cancelled = SessionFactory(status=DevelopmentSession.Status.CANCELLED)
    client.force_login(personas.coordinator)
    response = client.post(
        reverse("admin:cpd_sessions_developmentsession_changelist"),
        {
            "action": "publish_proposed",
            "_selected_action": [s.pk for s in [*proposed, cancelled]],
        },
        follow=True,
    )
    page = response.content.decode()
    assert "2 session(s) published" in page
    assert "1 selected session(s) were not proposed" in page
    statuses = dict(DevelopmentSession.objects.values_list("pk", "status"))
    assert [statuses[s.pk] for s in proposed] == ["published", "published"]
    assert statuses[cancelled.pk] == "cancelled"


def _export(client, model: str, ids) -> list[list[str]]:
    response = client.post(
        reverse(f"admin:cpd_sessions_{model}_changelist"),
        {"action": "export_csv", "_selected_action": [str(i) for i in ids]},
    )
    assert response.status_code == 200
    assert response.streaming  # written row by row, never whole in memory
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_sessions_bookings_and_release_costs_export_safely(client, personas, settings):
    settings.REQUIRE_ADMIN_MFA = False
    start = london(7, 10, 0)  # in the school day: the booking asks for release time
    session = SessionFactory(
        title='=HYPERLINK("http://evil.test","Click")',
        start=start,
        end=start + datetime.timedelta(hours=2),
    )
    teacher = UserFactory(first_name="-Siân", last_name="O'Brien", school=personas.school)
    booking = book(session, teacher, release=release_data())
    client.force_login(personas.coordinator)

    header, row = _export(client, "developmentsession", [session.pk])
    assert row[header.index("title")] == '\'=HYPERLINK("http://evil.test","Click")'
    assert row[header.index("booked")] == "1"
    assert row[header.index("start")] == f"{timezone.localtime(start):%Y-%m-%d %H:%M}"

    header, row = _export(client, "booking", [booking.pk])
    assert row[header.index("first name")] == "'-Siân"
    assert row[header.index("surname")] == "O'Brien"
    assert row[header.index("school")] == personas.school.name

    header, row = _export(client, "releaserequest", [booking.release.pk])
    assert row[header.index("supply cost (£)")] == "180.00"
    assert row[header.index("total (£)")] == "192.50"
    assert row[header.index("session")].startswith("'=")


def test_a_teacher_cannot_export_or_publish(client, personas):
    session = SessionFactory(status=DevelopmentSession.Status.PROPOSED)
    client.force_login(personas.owner)
    url = reverse("admin:cpd_sessions_developmentsession_changelist")
    for action in ("export_csv", "publish_proposed"):
        response = client.post(url, {"action": action, "_selected_action": [session.pk]})
        assert response.status_code == 302  # to the sign-in: the admin is not for them
        assert not response.get("Content-Type", "").startswith("text/csv")
    session.refresh_from_db()
    assert session.status == DevelopmentSession.Status.PROPOSED


def test_the_admin_names_things_as_people_say_them(client, personas, settings):
    """ "CPD budgets", "Feedback", job roles as ticks with their names, never "Job roles: []"."""
    settings.REQUIRE_ADMIN_MFA = False
    client.force_login(personas.coordinator)
    index = client.get(reverse("admin:index")).content.decode()
    assert "CPD budgets" in index
    assert "Cpd budgets" not in index
    assert "Feedbacks" not in index
    session = SessionFactory(job_roles=["teacher"])
    url = reverse("admin:cpd_sessions_developmentsession_change", args=[session.pk])
    page = client.get(url).content.decode()
    assert "For these job roles" in page
    assert 'type="checkbox" name="job_roles" value="teacher"' in page
    assert "Teaching assistant" in page
    assert "[&quot;teacher&quot;]" not in page
    assert "Job roles:" not in page


def test_the_admin_shows_and_takes_a_budgets_year_as_schools_write_it(client, personas, settings):
    settings.REQUIRE_ADMIN_MFA = False
    admin_user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    url = reverse("admin:cpd_sessions_cpdbudget_add")
    form = {"user": personas.owner.pk, "allocated": "250.00", "academic_year": "2026/27"}
    refused = client.post(url, {**form, "academic_year": "2026"})
    assert "for example 2026/27" in refused.content.decode()
    assert not CpdBudget.objects.exists()
    client.post(url, form)
    budget = CpdBudget.objects.get(user=personas.owner)
    assert budget.academic_year == 2026
    listing = client.get(reverse("admin:cpd_sessions_cpdbudget_changelist")).content.decode()
    assert "2026/27" in listing
    change = reverse("admin:cpd_sessions_cpdbudget_change", args=[budget.pk])
    assert 'value="2026/27"' in client.get(change).content.decode()
    changelist = reverse("admin:cpd_sessions_cpdbudget_changelist")
    assert str(personas.owner) in client.get(changelist, {"academic_year": "2026"}).content.decode()
    assert (
        str(personas.owner)
        not in client.get(changelist, {"academic_year": "2027"}).content.decode()
    )
