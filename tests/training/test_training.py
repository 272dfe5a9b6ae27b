"""Required training: statuses, the matrix and its exports, certificates, a session's register,
reminders, and the data rights of completions and certificates."""

import datetime
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cpd_sessions.attendance import attendance_mark
from cpd_sessions.models import Booking, DevelopmentSession
from hubs.models import Responsibility, UserResponsibility
from hubs.services import user_delete
from notifications.models import Delivery
from privacy.collect import personal_data, personal_files
from tests.cpd_sessions.factories import SessionFactory, book
from tests.factories import UserFactory
from training import reminders, services
from training.models import Completion, Status, add_months, status_of

from .factories import done, expiring_in, requirement

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 7)
PDF = b"%PDF-1.4 certificate"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_status_boundaries():
    assert status_of(done=False, expires_on=None, today=TODAY) == Status.MISSING
    assert status_of(done=True, expires_on=None, today=TODAY) == Status.IN_DATE
    assert status_of(done=True, expires_on=TODAY, today=TODAY) == Status.OVERDUE
    assert status_of(done=True, expires_on=TODAY + datetime.timedelta(days=1), today=TODAY) == "due"
    assert (
        status_of(done=True, expires_on=TODAY + datetime.timedelta(days=30), today=TODAY) == "due"
    )
    assert (
        status_of(done=True, expires_on=TODAY + datetime.timedelta(days=31), today=TODAY)
        == Status.IN_DATE
    )
    assert add_months(datetime.date(2026, 1, 31), 1) == datetime.date(2026, 2, 28)
    assert add_months(datetime.date(2024, 2, 29), 36) == datetime.date(2027, 2, 28)
    assert add_months(datetime.date(2026, 12, 7), -37) == datetime.date(2023, 11, 7)


def test_the_matrix_shows_each_status_in_words_and_the_latest_completion_counts(client, personas):
    safeguarding = requirement()
    first_aid = requirement("First aid", school=personas.school, job_roles=["teacher"])
    done(safeguarding, personas.owner, days_ago=4 * 365)  # expired
    done(safeguarding, personas.colleague, days_ago=4 * 365)
    done(safeguarding, personas.colleague, days_ago=10)  # renewed: in date
    expiring_in(safeguarding, personas.leader, 12)
    requirement("Their own", school=personas.other_school)
    client.force_login(personas.leader)
    page = client.get(f"/schools/{personas.school.urn}/training/").content.decode()
    for words in ("Overdue", "In date", "Due within 30 days", "Missing", "Not required"):
        assert words in page
    assert "Their own" not in page
    overdue = client.get(
        f"/schools/{personas.school.urn}/training/?status=overdue&requirement={safeguarding.pk}"
    ).content.decode()
    assert personas.owner.full_name in overdue
    assert personas.colleague.full_name not in overdue
    assert "First aid" not in overdue.split('<table class="training-matrix">')[1]
    csv = b"".join(
        client.get(f"/schools/{personas.school.urn}/training/?format=csv").streaming_content
    ).decode("utf-8-sig")
    lines = csv.splitlines()
    assert lines[0].startswith("Name,Email,Job role,First aid: status")
    owner_line = next(line for line in lines if personas.owner.email in line)
    assert "Overdue" in owner_line
    assert "Missing" in owner_line
    leader_line = next(line for line in lines if personas.leader.email in line)
    assert "Not required" in leader_line  # first aid: teachers only
    printable = client.get(f"/schools/{personas.school.urn}/training/print/?status=overdue")
    assert printable.status_code == 200
    assert "staff training record" in printable.content.decode()
    assert first_aid.pk


def test_outsiders_never_see_a_school_s_matrix_or_a_certificate(client, personas):
    safeguarding = requirement()
    made = services.completion_record(
        by=personas.owner, person=personas.owner, requirement=safeguarding,
        completed_on=TODAY - datetime.timedelta(days=5),
        certificate=SimpleUploadedFile("cert.pdf", PDF, "application/pdf"),
    )  # fmt: skip
    url = f"/training/certificates/{made.pk}/"
    matrix = f"/schools/{personas.school.urn}/training/"
    person = f"/schools/{personas.school.urn}/training/people/{personas.owner.pk}/"
    for who, certificate, page in (
        (personas.owner, 200, 403),
        (personas.leader, 200, 200),
        (personas.colleague, 404, 403),
        (personas.outsider, 404, 403),
        (personas.other_leader, 404, 403),
        (personas.coordinator, 404, 200),
    ):
        client.force_login(who)
        assert client.get(url).status_code == certificate, who
        assert client.get(matrix).status_code == page, who
    client.force_login(personas.other_leader)
    assert client.get(person).status_code == 404
    assert client.post(f"/training/completions/{made.pk}/delete/").status_code == 404
    assert Completion.objects.filter(pk=made.pk).exists()
    client.logout()
    assert client.get(url).status_code == 302  # to sign in


def test_a_leader_of_another_school_cannot_record_for_someone_not_theirs(personas):
    safeguarding = requirement()
    with pytest.raises(PermissionDenied):
        services.completion_record(
            by=personas.other_leader, person=personas.owner, requirement=safeguarding,
            completed_on=TODAY,
        )  # fmt: skip
    assert not Completion.objects.exists()


def test_marking_attendance_at_a_linked_session_records_the_completion(
    personas, django_capture_on_commit_callbacks
):
    session = SessionFactory(leads=[personas.colleague], capacity=5)
    book(session, personas.owner)
    book(session, personas.outsider)
    start = timezone.now() - datetime.timedelta(days=1)
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=start, end=start + datetime.timedelta(hours=2)
    )
    session.dates.update(start=start, end=start + datetime.timedelta(hours=2))
    session = DevelopmentSession.objects.get(pk=session.pk)
    safeguarding = requirement()
    mine = requirement("Prevent", school=personas.school)
    safeguarding.sessions.add(session)
    mine.sessions.add(session)
    present = list(Booking.objects.filter(session=session).values_list("pk", flat=True))
    for _ in range(2):  # marked again: still one completion each
        with django_capture_on_commit_callbacks(execute=True):
            attendance_mark(session=session, by=personas.colleague, present_ids=present)
    day = timezone.localdate(start)
    assert set(Completion.objects.values_list("user", "requirement", "completed_on", "source")) == {
        (personas.owner.pk, safeguarding.pk, day, "session"),
        (personas.owner.pk, mine.pk, day, "session"),
        (personas.outsider.pk, safeguarding.pk, day, "session"),  # not their school's Prevent
    }


def test_reminders_30_days_before_and_on_expiry_once_each(
    personas, django_capture_on_commit_callbacks, mailoutbox
):
    safeguarding = requirement()
    expiring_in(safeguarding, personas.owner, 30)
    expiring_in(safeguarding, personas.colleague, 0)
    expiring_in(safeguarding, personas.leader, 60)  # not yet
    renewed = UserFactory(school=personas.school)
    expiring_in(safeguarding, renewed, 10)
    done(safeguarding, renewed, days_ago=1)  # renewed since: nothing
    dsl = requirement("DSL training", responsibilities=[Responsibility.DSL])
    expiring_in(dsl, personas.outsider, 5)  # no longer a DSL: nothing
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            reminders.reminders_send()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [personas.owner.email, personas.colleague.email]
    )
    due = next(m for m in mailoutbox if m.to == [personas.owner.email])
    expires = timezone.localdate() + datetime.timedelta(days=30)
    assert (
        due.subject == f"Safeguarding level 1 expires on {expires:%A} {expires.day} {expires:%B %Y}"
    )
    assert "in 30 days" in due.body
    assert "/training/" in due.alternatives[0][0]
    gone = next(m for m in mailoutbox if m.to == [personas.colleague.email])
    assert gone.subject == "Your Safeguarding level 1 training has expired"
    assert "expired on" in gone.alternatives[0][0]
    # Given the responsibility: reminded the next run, once.
    UserResponsibility.objects.create(user=personas.outsider, responsibility=Responsibility.DSL)
    with django_capture_on_commit_callbacks(execute=True):
        reminders.reminders_send()
        reminders.reminders_send()
    assert [m.to[0] for m in mailoutbox].count(personas.outsider.email) == 1
    assert Delivery.objects.filter(kind__startswith="training_").count() == 3


def test_a_rolled_back_run_sends_nothing(personas, mailoutbox, django_capture_on_commit_callbacks):
    expiring_in(requirement(), personas.owner, 3)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                reminders.reminders_send()
                raise RuntimeError
        except RuntimeError:
            pass
    assert not Delivery.objects.exists()
    assert mailoutbox == []


def test_completions_and_certificates_are_in_the_download_and_go_with_the_account(
    personas, django_capture_on_commit_callbacks
):
    made = services.completion_record(
        by=personas.owner, person=personas.owner, requirement=requirement(),
        completed_on=TODAY - datetime.timedelta(days=5), provider="Local authority",
        certificate=SimpleUploadedFile("cert.pdf", PDF, "application/pdf"),
    )  # fmt: skip
    data = json.loads(json.dumps(personal_data(personas.owner), default=str))
    (row,) = data["training"]["completions"]
    assert row["provider"] == "Local authority"
    files = dict(personal_files(personas.owner))
    assert files[f"files/training-{made.pk}-cert.pdf"].file.read() == PDF
    path = made.certificate.path
    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=personas.owner, by=personas.coordinator)
    assert not Completion.objects.exists()
    assert not Path(path).exists()


def test_the_beat_task_runs_the_reminder_job(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    from training.tasks import send_reminders  # noqa: PLC0415 -- a leaf task, this test only

    expiring_in(requirement(), personas.owner, 30)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders.delay().get() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders.delay().get() == 0  # sent: nothing pending, nothing new
    assert [m.to for m in mailoutbox] == [[personas.owner.email]]
