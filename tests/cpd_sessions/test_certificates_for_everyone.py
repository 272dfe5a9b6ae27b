"""
Certificates of attendance emailed to everyone present at once: one POST by a lead (or a
coordinator), through the ledger, never twice to the same person; everyone else refused.
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cpd_sessions import certificates, emails, session_changes
from cpd_sessions.attendance import attendance_mark
from cpd_sessions.lifecycle import SessionRefused
from cpd_sessions.models import Attendance, Booking, DevelopmentSession
from notifications.models import Delivery

from .factories import SessionFactory, book

pytestmark = pytest.mark.django_db


@pytest.fixture
def ran(personas):
    """Yesterday's session led by the colleague: owner and outsider came, the leader did not."""
    session = SessionFactory(leads=[personas.colleague], capacity=10, title="Questioning")
    for person in (personas.owner, personas.outsider, personas.leader):
        book(session, person)
    start = timezone.now() - datetime.timedelta(days=1)
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=start, end=start + datetime.timedelta(hours=1)
    )
    session.dates.update(start=start, end=start + datetime.timedelta(hours=1))
    session = DevelopmentSession.objects.get(pk=session.pk)
    present = Booking.objects.filter(user__in=[personas.owner, personas.outsider])
    attendance_mark(
        session=session, by=personas.colleague, present_ids=present.values_list("pk", flat=True)
    )
    return session


def test_everyone_present_is_emailed_their_certificate_once(
    personas, ran, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issued = certificates.certificates_issue(session=ran, by=personas.colleague)
    assert (issued.sent, issued.already) == (2, 0)
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [personas.owner.email, personas.outsider.email]
    )
    mail = next(m for m in mailoutbox if m.to == [personas.owner.email])
    assert mail.subject == "Your certificate of attendance: Questioning"
    link = reverse("cpd_sessions:certificate", args=[ran.pk])
    assert link in mail.body
    assert link in mail.alternatives[0][0]
    assert Attendance.objects.filter(certificate_sent_at__isnull=False).count() == 2

    # Pressed again (or by a coordinator): nobody gets theirs twice.
    with django_capture_on_commit_callbacks(execute=True):
        again = certificates.certificates_issue(session=ran, by=personas.coordinator)
    assert (again.sent, again.already) == (0, 2)
    assert len(mailoutbox) == 2

    # Someone marked present later gets theirs, and only they do.
    everyone = Booking.objects.filter(session=ran).values_list("pk", flat=True)
    attendance_mark(session=ran, by=personas.colleague, present_ids=everyone)
    with django_capture_on_commit_callbacks(execute=True):
        later = certificates.certificates_issue(session=ran, by=personas.colleague)
    assert (later.sent, later.already) == (1, 2)
    assert [m.to for m in mailoutbox[2:]] == [[personas.leader.email]]
    assert Delivery.objects.filter(kind="certificate_issued").count() == 3


def test_nobody_but_a_lead_or_coordinator_issues_certificates(client, personas, ran, mailoutbox):
    url = reverse("cpd_sessions:certificates_send", args=[ran.pk])
    for person in (personas.owner, personas.outsider, personas.leader, personas.other_leader):
        with pytest.raises(PermissionDenied):
            certificates.certificates_issue(session=ran, by=person)
        client.force_login(person)
        assert client.post(url).status_code == 403
    assert client.get(url).status_code == 405
    assert not Delivery.objects.filter(kind="certificate_issued").exists()
    assert not Attendance.objects.filter(certificate_sent_at__isnull=False).exists()
    assert mailoutbox == []


def test_someone_unmarked_before_the_email_went_is_not_sent_it(personas, ran, mailoutbox):
    certificates.certificates_issue(session=ran, by=personas.colleague)  # on the ledger, unsent
    owner = Booking.objects.get(user=personas.owner)
    Attendance.objects.filter(booking=owner).update(present=False)
    delivery = Delivery.objects.get(kind="certificate_issued", email=personas.owner.email)
    assert emails.certificate_email(delivery) is None


def test_a_cancelled_session_issues_none(personas):
    session = SessionFactory(leads=[personas.colleague])
    book(session, personas.owner)
    session_changes.session_cancel(session=session, by=personas.colleague, reason="Snow")
    with pytest.raises(SessionRefused):
        certificates.certificates_issue(session=session, by=personas.colleague)
    assert not Delivery.objects.filter(kind="certificate_issued").exists()


def test_nobody_present_yet_says_so(client, personas):
    session = SessionFactory(leads=[personas.colleague])
    book(session, personas.owner)
    client.force_login(personas.colleague)
    page = client.post(
        reverse("cpd_sessions:certificates_send", args=[session.pk]), follow=True
    ).content.decode()
    assert "Nobody is marked present yet" in page


def test_someone_their_school_removed_is_not_emailed_a_certificate(
    personas, ran, mailoutbox, django_capture_on_commit_callbacks
):
    type(personas.outsider).objects.filter(pk=personas.outsider.pk).update(is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        issued = certificates.certificates_issue(session=ran, by=personas.colleague)
    assert issued.sent == 1
    assert [m.to for m in mailoutbox] == [[personas.owner.email]]
