"""
Every email kind, rendered with hostile but ordinary words (an apostrophe, ``<``, ``&``,
accents, a very long name): the subject and the text part arrive as written, the HTML part
escaped. The kinds are read from ``templates/email/*/``, so a new kind without a context
factory here fails this test instead of going unchecked.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from cpd_sessions import services as session_services
from cpd_sessions import tasks as session_tasks
from cpd_sessions.models import Booking, DevelopmentSession
from cpd_sessions.selectors import waitlist_place
from experts.models import ContactRequest, ExpertiseArea
from notifications import registry
from notifications.models import Delivery
from notifications.rendering import absolute_url, render_email
from tests.cpd_sessions.factories import SessionFactory, book, release_data
from tests.experts.factories import ExpertProfileFactory
from tests.factories import InvitationFactory, TermFactory, UserFactory
from tests.portfolios.factories import EntryFactory, GoalFactory, NeedFactory, follow_up_for

MARK = "Zoë O'Brien <Head> & Co"
ESCAPED = "Zoë O&#x27;Brien &lt;Head&gt; &amp; Co"
LONG = "Featherstonehaugh-Cholmondeley-" * 3  # a very long surname, 93 characters
ENTITIES = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;")

EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "email"
KINDS = sorted(p.name for p in EMAIL_TEMPLATES.iterdir() if p.is_dir())


def person(**kwargs):
    return UserFactory(first_name=MARK, last_name=LONG, **kwargs)


def _session_and_booking(**session_kwargs):
    lead = person()
    session = SessionFactory(title=f"Maths & English: {MARK}", leads=[lead], **session_kwargs)
    return session, book(session, person())


def _booking_context(booking: Booking) -> dict:
    context = session_tasks._context(booking)
    context["waitlist_place"] = waitlist_place(booking)
    return context


def _waitlisted() -> dict:
    session, _ = _session_and_booking(capacity=1)
    return _booking_context(book(session, person()))


def _release() -> tuple[Booking, DevelopmentSession]:
    from tests.cpd_sessions.factories import london

    start = london(7, 10, 0)  # in the school day: release time is asked for
    session = SessionFactory(
        title=f"Maths & English: {MARK}", start=start, end=start + datetime.timedelta(hours=2)
    )
    teacher = person()
    teacher.school.cpd_leaders.add(person(school=teacher.school))
    booking = session_services.booking_create(
        session=session,
        user=teacher,
        release=release_data(goal=f"Questions in {MARK}", cover_notes=MARK),
    ).booking
    return booking, session


def _release_requested() -> dict:
    booking, _ = _release()
    context = _booking_context(booking)
    context["release"] = booking.release
    context["approvals_url"] = absolute_url("/sessions/approvals/")
    return context


def _release_decided() -> dict:
    booking, _ = _release()
    leader = booking.user.school.cpd_leaders.get()
    session_services.release_decide(
        release=booking.release, by=leader, approve=False, reason=f"No cover: {MARK}"
    )
    booking = Booking.objects.get(pk=booking.pk)
    return _booking_context(booking)


def _session_notice() -> dict:
    session, booking = _session_and_booking()
    DevelopmentSession.objects.filter(pk=session.pk).update(cancel_reason=f"Snow & ice: {MARK}")
    return _booking_context(Booking.objects.get(pk=booking.pk))


def _contact_request() -> dict:
    request = ContactRequest.objects.create(
        profile=ExpertProfileFactory(user=person(), headline=MARK),
        sender=person(),
        area=ExpertiseArea.objects.get(slug="questioning"),
        message=f"I'm Sam: {MARK}",
    )
    return {
        "request": request,
        "profile_url": absolute_url(request.profile.get_absolute_url()),
        "requests_url": absolute_url("/experts/me/"),
    }


def _invitation() -> dict:
    invitation = InvitationFactory(invited_by=person())
    return {"invitation": invitation, "accept_url": absolute_url(invitation.get_absolute_url())}


def _impact_follow_up() -> dict:
    entry = EntryFactory(owner=person(), title=MARK, will_try=f"Try {MARK}")
    follow_up = follow_up_for(entry)
    return {
        "follow_up": follow_up,
        "entry": entry,
        "person": entry.owner,
        "answer_url": absolute_url(follow_up.get_absolute_url()),
    }


def _ledger_kind(kind: str):
    def make() -> dict:
        today = timezone.localdate()
        TermFactory(name="Autumn", start=today - datetime.timedelta(days=3), end=today)
        booking, _ = _release()
        leader = booking.user.school.cpd_leaders.get()
        ExpertProfileFactory(user=leader, headline=MARK)
        GoalFactory(owner=leader, title=MARK)
        NeedFactory(owner=booking.user, description=MARK)
        booking.release.__class__.objects.filter(pk=booking.release.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=10)
        )
        delivery = Delivery(recipient=leader, email=leader.email, kind=kind, key="digest:autumn")
        email = registry.get(kind).build(delivery)
        assert email is not None, f"{kind}: nothing to say"
        return email.context

    return make


CONTEXTS = {
    "booking_confirmed": lambda: _booking_context(_session_and_booking()[1]),
    "booking_promoted": lambda: _booking_context(_session_and_booking()[1]),
    "booking_waitlisted": _waitlisted,
    "feedback_request": lambda: _booking_context(_session_and_booking()[1]),
    "session_reminder": lambda: _booking_context(_session_and_booking()[1]),
    "session_changed": _session_notice,
    "session_cancelled": _session_notice,
    "release_requested": _release_requested,
    "release_decided": _release_decided,
    "contact_request": _contact_request,
    "invitation": _invitation,
    "impact_follow_up": _impact_follow_up,
    "digest": _ledger_kind("digest"),
    "audit_profile": _ledger_kind("audit_profile"),
    "audit_portfolio": _ledger_kind("audit_portfolio"),
    "audit_needs": _ledger_kind("audit_needs"),
    "release_nudge": _ledger_kind("release_nudge"),
}


def test_every_kind_has_a_context_factory():
    assert set(KINDS) == set(CONTEXTS), "add a context factory for each new email kind"


@pytest.mark.parametrize("kind", KINDS)
def test_text_and_subject_are_not_escaped_and_html_is(db, kind):
    subject, text, html = render_email(kind, CONTEXTS[kind]())

    assert MARK in text, f"{kind}: the hostile words do not reach the text part as written"
    for entity in ENTITIES:
        assert entity not in text, f"{kind}: {entity} in the text part"
        assert entity not in subject, f"{kind}: {entity} in the subject"
    assert "\n" not in subject
    assert ESCAPED in html, f"{kind}: the HTML part does not show the words escaped"
    assert "<Head>" not in html, f"{kind}: unescaped markup in the HTML part"


def test_the_subject_keeps_an_ampersand_and_apostrophe(db):
    subject, _, _ = render_email("booking_confirmed", CONTEXTS["booking_confirmed"]())
    assert subject == f"You are booked on: Maths & English: {MARK}"
