"""
Every email kind, rendered with hostile but ordinary words (an apostrophe, ``<``, ``&``,
accents, a very long name): the subject and the text part arrive as written, the HTML part
escaped. The kinds are read from ``templates/email/*/``, so a new kind without a factory here
fails this test instead of going unchecked. Each factory makes real objects and the ledger row
that would send the email; the context comes from the kind's registered builder, as in a worker.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from coaching import emails as coaching_emails
from coaching.models import ActionStep, Meeting, Membership, Relationship
from coordination.emails import commissioned_key, introduction_key, reply_key
from coordination.models import NeedReply
from cpd_sessions import apologies as session_apologies
from cpd_sessions import approvals, attendance, session_messages
from cpd_sessions.booking import booking_create
from cpd_sessions.emails import (
    apology_key,
    booking_mail_key,
    certificate_key,
    declined_key,
    evaluation_key,
    proposed_key,
    will_change_key,
)
from cpd_sessions.models import Booking, DevelopmentSession, ReleaseRequest
from cpdhub.academic_year import current_academic_year
from enquiry import emails as enquiry_emails
from enquiry.models import Group, Invitation, PeerVisit
from experts.models import ContactRequest, ExpertiseArea
from notifications import registry
from notifications.models import Delivery
from notifications.rendering import render_email
from portfolios.models import Need
from privacy.models import DataExport
from quality import emails as quality_emails
from quality import services as quality_services
from quality import survey as quality_survey
from quality.models import PeerReview, Survey, SurveyInvite
from schoolyear import emails as schoolyear_emails
from schoolyear.models import (
    MeetingSeries,
    PlanDate,
    RemovedItem,
    Team,
    TeamMeeting,
    YearPlan,
)
from tests.courses.factories import make_course, make_request
from tests.cpd_sessions.factories import SessionFactory, book, london, release_data
from tests.experts.factories import ExpertProfileFactory
from tests.factories import (
    InvitationFactory,
    SchoolFactory,
    SubjectNetworkFactory,
    TermFactory,
    UserFactory,
)
from tests.portfolios.factories import EntryFactory, GoalFactory, NeedFactory, follow_up_for
from tests.training.factories import expiring_in, requirement
from training import emails as training_emails

MARK = "Zoë O'Brien <Head> & Co"
ESCAPED = "Zoë O&#x27;Brien &lt;Head&gt; &amp; Co"
LONG = "Featherstonehaugh-Cholmondeley-" * 3  # a very long surname, 93 characters
ENTITIES = ("&#x27;", "&#39;", "&amp;", "&lt;", "&gt;", "&quot;")

EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "email"
KINDS = sorted(p.name for p in EMAIL_TEMPLATES.iterdir() if p.is_dir())


def person(**kwargs):
    return UserFactory(first_name=MARK, last_name=LONG, **kwargs)


def row(kind: str, key: str, user=None, email: str = "") -> Delivery:
    """The ledger row a worker would be given for this email."""
    return Delivery(kind=kind, key=key, recipient=user, email=email or user.email)


def _session(**kwargs) -> DevelopmentSession:
    return SessionFactory(title=f"Maths & English: {MARK}", leads=[person()], **kwargs)


def _about_booking(kind: str, **session_kwargs) -> Delivery:
    session = _session(**session_kwargs)
    booking = book(session, person())
    if session.capacity == 1:  # the next one waits
        booking = book(session, person())
    return row(kind, booking_mail_key(booking, kind), booking.user)


def _with_release() -> Booking:
    start = london(7, 10, 0)  # in the school day: release time is asked for
    session = _session(start=start, end=start + datetime.timedelta(hours=2))
    teacher = person()
    teacher.school.cpd_leaders.add(person(school=teacher.school))
    return booking_create(
        session=session,
        user=teacher,
        release=release_data(goal=f"Questions in {MARK}", cover_notes=MARK),
    ).booking


def _release_requested(kind: str) -> Delivery:
    booking = _with_release()
    leader = booking.user.school.cpd_leaders.get()
    key = f"booking:{booking.pk}:release:{booking.updated_at.timestamp():.6f}"
    return row(kind, key, leader)


def _release_decided(kind: str) -> Delivery:
    booking = _with_release()
    approvals.release_decide(
        release=booking.release,
        by=booking.user.school.cpd_leaders.get(),
        approve=False,
        reason=f"No cover: {MARK}",
    )
    booking = Booking.objects.get(pk=booking.pk)
    return row(kind, booking_mail_key(booking, kind), booking.user)


def _session_notice(kind: str) -> Delivery:
    session = _session()
    booking = book(session, person())
    DevelopmentSession.objects.filter(pk=session.pk).update(cancel_reason=f"Snow & ice: {MARK}")
    return row(kind, f"session:{session.pk}:{session.sequence}", booking.user)


def _session_message(kind: str) -> Delivery:
    session = _session()
    booking = book(session, person())
    sent = session_messages.session_message_send(
        session=session,
        by=session.leads.get(),
        subject=f"Bring {MARK}",
        body=f"Please bring a lesson plan & {MARK}.",
        token="render-test",
    )
    return row(kind, f"session-message:{sent.message.pk}", booking.user)


def _contact_request(kind: str) -> Delivery:
    request = ContactRequest.objects.create(
        profile=ExpertProfileFactory(user=person(), headline=MARK),
        sender=person(),
        area=ExpertiseArea.objects.get(slug="questioning"),
        message=f"I'm Sam: {MARK}",
    )
    return row(kind, f"contact_request:{request.pk}", request.profile.user)


def _invitation(kind: str) -> Delivery:
    invitation = InvitationFactory(invited_by=person())
    return row(kind, f"invitation:{invitation.pk}", email=invitation.email)


def _welcome(kind: str) -> Delivery:
    newcomer = person(school=SchoolFactory(name=f"Ashgrove: {MARK}"))
    return row(kind, f"welcome:{newcomer.pk}", newcomer)


def _lone_ranger(kind: str) -> Delivery:
    network = SubjectNetworkFactory(name=f"Geography: {MARK}", meeting_pattern=MARK)
    network.leads.add(person())
    teacher = person()
    return row(kind, f"lone_ranger:{teacher.pk}:{network.pk}", teacher)


def _network_prompt(kind: str) -> Delivery:
    term = TermFactory(name=MARK)
    network = SubjectNetworkFactory(name=f"Geography: {MARK}")
    lead = person()
    network.leads.add(lead)
    return row(kind, f"network_prompt:{network.pk}:{term.pk}", lead)


def _impact_follow_up(kind: str) -> Delivery:
    entry = EntryFactory(owner=person(), title=MARK, will_try=f"Try {MARK}")
    return row(kind, f"follow_up:{follow_up_for(entry).pk}", entry.owner)


def _termly(kind: str) -> Delivery:
    today = timezone.localdate()
    TermFactory(name="Autumn", start=today - datetime.timedelta(days=3), end=today)
    booking = _with_release()
    leader = booking.user.school.cpd_leaders.get()
    ExpertProfileFactory(user=leader, headline=MARK)
    GoalFactory(owner=leader, title=MARK)
    NeedFactory(owner=booking.user, description=MARK)
    ReleaseRequest.objects.filter(pk=booking.release.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=10)
    )
    return row(kind, "digest:autumn", leader)


def _need_introduction(kind: str) -> Delivery:
    need = NeedFactory(owner=person())
    profile = ExpertProfileFactory(user=person())
    profile.offers.create(area=need.area)
    return row(kind, introduction_key(need.owner_id, profile.pk), need.owner)


def _need_reply(kind: str) -> Delivery:
    need = NeedFactory(owner=person(), status=Need.Status.PASSED)
    reply = NeedReply.objects.create(need=need, author=person(), body=f"Try {MARK}\nthen me")
    leader = person(school=need.owner.school)
    return row(kind, reply_key(reply.pk), leader)


def _responsibility_lone_ranger(kind: str) -> Delivery:
    network = SubjectNetworkFactory(name=f"SENCos: {MARK}", responsibility="senco")
    teacher = person()
    return row(kind, f"lone_ranger:{teacher.pk}:{network.pk}", teacher)


def test_a_responsibility_network_invitation_names_the_responsibility(db):
    subject, text, _html = render_email(
        "lone_ranger", registry.get("lone_ranger").build(_responsibility_lone_ranger("x")).context
    )
    assert "colleagues who are SENCo too" in subject
    assert "who is SENCo on" in text
    assert "teaches" not in text


def _data_export(kind: str) -> Delivery:
    user = person()
    export = DataExport.objects.create(
        user=user,
        state=DataExport.State.READY,
        file="exports/x.zip",
        finished_at=timezone.now(),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    return row(kind, f"data_export_ready:{export.pk}", user)


def _proposal(kind: str) -> Delivery:
    status = (
        DevelopmentSession.Status.DECLINED
        if kind == "proposal_declined"
        else DevelopmentSession.Status.PROPOSED
    )
    proposer = person()
    session = _session(status=status, proposed_by=proposer, cancel_reason=f"Not now, {MARK}")
    key = declined_key(session.pk) if kind == "proposal_declined" else proposed_key(session.pk)
    return row(kind, key, proposer)


def _commissioned_session(kind: str) -> Delivery:
    session = _session(status=DevelopmentSession.Status.PUBLISHED)
    return row(kind, commissioned_key(session.pk), person())


def _apology_sent(kind: str) -> Delivery:
    dates = [(london(7, 16, 0), london(7, 17, 0)), (london(14, 16, 0), london(14, 17, 0))]
    session = _session(dates=dates)
    apologiser = person()
    booking = book(session, apologiser)
    apology = session_apologies.apology_send(
        booking=booking, date=session.dates.last(), by=apologiser
    )[0]
    return row(kind, apology_key(apology), session.leads.get())


def _certificate_issued(kind: str) -> Delivery:
    session = _session()
    booking = book(session, person())
    start = timezone.now() - datetime.timedelta(days=1)
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=start, end=start + datetime.timedelta(hours=1)
    )
    session.dates.update(start=start, end=start + datetime.timedelta(hours=1))
    session.refresh_from_db()
    attendance.attendance_mark(session=session, by=session.leads.get(), present_ids=[booking.pk])
    return row(kind, certificate_key(booking.pk), booking.user)


def _evaluation(kind: str) -> Delivery:
    """A session that ended (15 days ago for the summary, yesterday for the lead's request);
    three attendees answered, one sharing a comment in hostile words, as the lead's text is."""
    session = _session()
    people = [person() for _ in range(3)]
    days = 15 if kind == "evaluation_shared" else 1
    end = timezone.now() - datetime.timedelta(days=days)
    for someone in people:
        book(session, someone)
    DevelopmentSession.objects.filter(pk=session.pk).update(
        start=end - datetime.timedelta(hours=1), end=end
    )
    session.dates.update(start=end - datetime.timedelta(hours=1), end=end)
    for someone in people:
        booking = Booking.objects.select_related("session").get(session=session, user=someone)
        attendance.feedback_give(
            booking=booking, by=someone, rating=4, comment=f"Shared: {MARK}", share_comment=True
        )
    if kind == "evaluation_shared":
        DevelopmentSession.objects.filter(pk=session.pk).update(
            will_change=f"Changed for {MARK}", evaluation_shared_at=timezone.now()
        )
        return row(kind, evaluation_key(session.pk), people[0])
    return row(kind, will_change_key(session.pk), session.leads.get())


def _coaching(kind: str) -> Delivery:
    """A pair (coach and teacher in two schools) after a meeting that set a step due back
    tomorrow and overdue for a meeting; a request waiting, or answered."""
    coach, teacher = person(), person()
    status = {"coaching_request": "requested", "coaching_answer": "declined"}.get(kind, "active")
    relationship = Relationship.objects.create(
        status=status,
        ended_at=timezone.now() if status == "declined" else None,
        started_on=timezone.localdate() - datetime.timedelta(days=40),
        request_message=f"Help with {MARK}",
    )
    Membership.objects.create(relationship=relationship, user=coach, role="coach")
    Membership.objects.create(relationship=relationship, user=teacher, role="teacher")
    meeting = Meeting.objects.create(
        relationship=relationship,
        teacher=teacher,
        coach=coach,
        date=timezone.localdate() - datetime.timedelta(days=20),
        praise=f"Calm & clear: {MARK}",
    )
    step = ActionStep.objects.create(
        relationship=relationship,
        teacher=teacher,
        meeting=meeting,
        action=f"Wait three seconds <then> name: {MARK}",
        success_criteria=f"Everyone thinks & answers: {MARK}",
        check_back=timezone.localdate() + datetime.timedelta(days=1),
    )
    keys = {
        "coaching_step": (coaching_emails.step_key(meeting.pk), teacher),
        "coaching_check_back": (coaching_emails.check_back_key(step.pk, step.check_back), coach),
        "coaching_caseload": (coaching_emails.caseload_key(coach.pk, timezone.localdate()), coach),
        "coaching_request": (coaching_emails.request_key(relationship.pk), coach),
        "coaching_answer": (coaching_emails.answer_key(relationship.pk), teacher),
    }
    key, reader = keys[kind]
    return row(kind, key, reader)


def _enquiry(kind: str) -> Delivery:
    """An invitation to a lesson-study group whose question has the hostile words; waiting, or
    declined."""
    inviter, invitee = person(school=SchoolFactory()), person(school=SchoolFactory())
    group = Group.objects.create(question=f"Fractions & place value: {MARK}", kind="lesson_study")
    answered = kind == "enquiry_answer"
    invitation = Invitation.objects.create(
        group=group,
        user=invitee,
        invited_by=inviter,
        status="declined" if answered else "pending",
        answered_at=timezone.now() if answered else None,
    )
    if answered:
        return row(kind, enquiry_emails.answer_key(invitation.pk), inviter)
    return row(kind, enquiry_emails.invitation_key(invitation.pk), invitee)


def _peer_visit(kind: str) -> Delivery:
    """A request to visit a school, in the hostile words; waiting, accepted with a host, or
    (accepted, then) withdrawn by the visitor."""
    host_school = SchoolFactory(name=f"Ashgrove & {MARK}")
    visitor, host = person(school=SchoolFactory()), person(school=host_school)
    withdrawn = kind == enquiry_emails.VISIT_WITHDRAWN
    answered = kind == enquiry_emails.VISIT_ANSWER or withdrawn
    visit = PeerVisit.objects.create(
        visitor=visitor,
        visitor_school=visitor.school,
        host_school=host_school,
        focus=f"Questioning: {MARK}",
        dates="Any Tuesday",
        why=f"To see {MARK}",
        status="withdrawn" if withdrawn else "accepted" if answered else "asked",
        host=host if answered else None,
        session=_session() if answered else None,
    )
    if withdrawn:
        return row(kind, f"{enquiry_emails.VISIT_WITHDRAWN}:{visit.pk}", host)
    if answered:
        return row(kind, enquiry_emails.visit_answer_key(visit.pk), visitor)
    return row(kind, enquiry_emails.visit_request_key(visit.pk), host)


def _team_focus_reminder(kind: str) -> Delivery:
    """A team (named in the hostile words) meeting in two days, with no focus yet."""
    leader = person()
    team = Team.objects.create(school=leader.school, name=f"English: {MARK}", leader=leader)
    start = timezone.now() + datetime.timedelta(days=2)
    series = MeetingSeries.objects.create(
        team=team,
        first_date=start.date(),
        last_date=start.date(),
        start_time=datetime.time(15, 30),
        end_time=datetime.time(16, 30),
    )
    meeting = TeamMeeting.objects.create(
        series=series, team=team, start=start, end=start + datetime.timedelta(hours=1)
    )
    return row(kind, schoolyear_emails.focus_key(meeting.pk), leader)


def _year_date_changed(kind: str) -> Delivery:
    """A published INSET day, titled in the hostile words, moved a week on."""
    school = SchoolFactory(name=f"Ashgrove: {MARK}")
    plan = YearPlan.objects.create(
        school=school, academic_year=current_academic_year(), published_at=timezone.now()
    )
    day = timezone.localdate() + datetime.timedelta(days=30)
    item = PlanDate.objects.create(
        plan=plan, kind="inset", title=f"Coaching: {MARK}", start=day, end=day, sequence=1
    )
    was = day - datetime.timedelta(days=7)
    return row(kind, schoolyear_emails.date_changed_key(item, was), person(school=school))


def _year_item_removed(kind: str) -> Delivery:
    """A published coaching window, titled in the hostile words, taken off the plan."""
    school = SchoolFactory(name=f"Ashgrove: {MARK}")
    day = timezone.localdate() + datetime.timedelta(days=30)
    removed = RemovedItem.objects.create(
        school=school, academic_year=current_academic_year(), what="Coaching window",
        title=f"Coaching: {MARK}", start=day, end=day + datetime.timedelta(days=20),
    )  # fmt: skip
    return row(kind, schoolyear_emails.removed_key(removed.pk), person(school=school))


def _quality(kind: str) -> Delivery:
    """A school's review (the school named in the hostile words): its survey open, with an
    invite waiting; or a CPD leader of another school invited to peer-review it."""
    school = SchoolFactory(name=f"Ashgrove: {MARK}")
    leader = person(school=school)
    school.cpd_leaders.add(leader)
    review = quality_services.review_start(school=school, year=current_academic_year(), by=leader)
    if kind == quality_emails.SURVEY:
        survey = Survey.objects.create(review=review, opened_by=leader)
        teacher = person(school=school)
        SurveyInvite.objects.create(
            survey=survey,
            user=teacher,
            token_hash=quality_survey.token_hash(quality_survey.token_for(survey.pk, teacher.pk)),
        )
        return row(kind, quality_survey.survey_key(survey.pk), teacher)
    reviewer = person(school=SchoolFactory())
    peer = PeerReview.objects.create(review=review, reviewer=reviewer, invited_by=leader)
    return row(kind, quality_emails.peer_invite_key(peer.pk, reviewer.pk), reviewer)


def _training(kind: str) -> Delivery:
    """Required training, titled in the hostile words, expiring in 20 days or expired today."""
    teacher = person()
    need = requirement(f"Safeguarding: {MARK}", school=teacher.school, months=12)
    days = 20 if kind == training_emails.DUE else 0
    completion = expiring_in(need, teacher, days)
    key = training_emails.reminder_key(kind, teacher.pk, need.pk, completion.expires_on)
    return row(kind, key, teacher)


FACTORIES = {
    "enquiry_visit_withdrawn": _peer_visit,
    "team_focus_reminder": _team_focus_reminder,
    "year_date_changed": _year_date_changed,
    "year_item_removed": _year_item_removed,
    "quality_peer_invite": _quality,
    "quality_survey": _quality,
    "training_due": _training,
    "training_expired": _training,
    "enquiry_visit_request": _peer_visit,
    "enquiry_visit_answer": _peer_visit,
    "enquiry_invitation": _enquiry,
    "enquiry_answer": _enquiry,
    "coaching_step": _coaching,
    "coaching_check_back": _coaching,
    "coaching_caseload": _coaching,
    "coaching_request": _coaching,
    "coaching_answer": _coaching,
    "apology_sent": _apology_sent,
    "certificate_issued": _certificate_issued,
    "evaluation_shared": _evaluation,
    "evaluation_will_change": _evaluation,
    "booking_confirmed": _about_booking,
    "booking_promoted": _about_booking,
    "booking_waitlisted": lambda kind: _about_booking(kind, capacity=1),
    "feedback_request": _about_booking,
    "session_reminder": _about_booking,
    "session_changed": _session_notice,
    "session_cancelled": _session_notice,
    "session_message": _session_message,
    "release_requested": _release_requested,
    "release_decided": _release_decided,
    "contact_request": _contact_request,
    "invitation": _invitation,
    "lone_ranger": _lone_ranger,
    "welcome": _welcome,
    "network_prompt": _network_prompt,
    "impact_follow_up": _impact_follow_up,
    "digest": _termly,
    "audit_profile": _termly,
    "audit_portfolio": _termly,
    "audit_needs": _termly,
    "release_nudge": _termly,
    "need_introduction": _need_introduction,
    "need_reply": _need_reply,
    "data_export_ready": _data_export,
    "session_proposed": _proposal,
    "proposal_declined": _proposal,
    "commissioned_session": _commissioned_session,
}


def rendered(kind: str) -> tuple[str, str, str]:
    email = registry.get(kind).build(FACTORIES[kind](kind))
    assert email is not None, f"{kind}: the builder found nothing to send"
    return render_email(kind, email.context)


def test_every_kind_has_a_factory_and_a_registered_builder():
    assert set(KINDS) == set(FACTORIES), "add a factory for each new email kind"
    assert set(KINDS) <= set(registry.names()), "register each kind's builder in its app's ready()"


@pytest.mark.parametrize("kind", KINDS)
def test_text_and_subject_are_not_escaped_and_html_is(db, kind):
    subject, text, html = rendered(kind)

    assert MARK in text, f"{kind}: the hostile words do not reach the text part as written"
    for entity in ENTITIES:
        assert entity not in text, f"{kind}: {entity} in the text part"
        assert entity not in subject, f"{kind}: {entity} in the subject"
    assert "\n" not in subject
    assert ESCAPED in html, f"{kind}: the HTML part does not show the words escaped"
    assert "<Head>" not in html, f"{kind}: unescaped markup in the HTML part"


def test_the_subject_keeps_an_ampersand_and_apostrophe(db):
    subject, _, _ = rendered("booking_confirmed")
    assert subject == f"You are booked on: Maths & English: {MARK}"


# --- A request to attend an external course: the decision speaks of the course ---


def _course_decided(approve: bool) -> Delivery:
    """A request to attend a course on three days, decided, with hostile words in its title,
    provider and reason."""
    teacher = person()
    leader = person(school=teacher.school)
    teacher.school.cpd_leaders.add(leader)
    course = make_course(
        person(), title=f"Questioning: {MARK}", provider=f"Acme & {MARK}", attended=True
    )
    request = make_request(teacher, course, GoalFactory(owner=teacher), dates=[14, 21, 35])
    approvals.release_decide(
        release=request.booking.release,
        by=leader,
        approve=approve,
        allow_over_budget=True,
        reason="" if approve else f"No cover: {MARK}",
    )
    booking = Booking.objects.get(pk=request.booking_id)
    return row("release_decided", booking_mail_key(booking, "release_decided"), booking.user)


@pytest.mark.parametrize("approve", [True, False])
def test_a_course_decision_speaks_of_the_course_and_a_sessions_of_release_time(db, approve):
    email = registry.get("release_decided").build(_course_decided(approve))
    subject, text, html = render_email("release_decided", email.context)
    word = "approved" if approve else "declined"
    assert subject.startswith(f"Request to attend {word}: Questioning: {MARK} (Acme & {MARK}")
    assert "release" not in (subject + text).lower()
    assert f"your request to attend Questioning: {MARK}, run by Acme & {MARK}, on 3 days" in text
    assert "Questioning: " + ESCAPED in html
    assert "Acme &amp; " + ESCAPED in html
    assert text.count(":00 to 15:30") == 3  # each of its days
    if approve:
        assert "The costs, £395.00, are charged to your CPD budget: fee £195.00, cover " in text
        assert "over 3 days" in text
        assert "over 3 days" in html
    else:
        assert f"so nothing is charged (£395.00 asked). The reason: No cover: {MARK}" in text
    for entity in ENTITIES:
        assert entity not in text
        assert entity not in subject

    # A community session's decision still speaks of release time.
    subject, text, _ = rendered("release_decided")
    assert subject.startswith("Release declined: Maths & English")
    assert "could not approve release time this time" in text
