"""
Peer review: a CPD leader from another school (suggested from the school's family of schools)
is invited by the school's leaders or the coordinator; they read the self-review and the
survey's results, plan a visit (a private session in cpd_sessions, booked through the usual
form, so the release time goes to their own CPD leader's approval and budget, as coaching's
visits do), write findings per part, and submit them; the host school's leader accepts the
report.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cpd_sessions import session_changes
from cpd_sessions.models import DevelopmentSession
from hubs.families import family_of
from hubs.models import School, User

from . import emails, permissions
from .models import Finding, Level, Part, PeerReview, Review
from .selectors import NOT_UNDER_WAY, is_under_way

TITLE_MAX = DevelopmentSession._meta.get_field("title").max_length


def reviewer_choices(school: School) -> list[User]:
    """CPD leaders of other schools who may review this one: those of its family of schools
    first, then the rest of the community's, by name. Two queries."""
    family = list(family_of(school).values_list("pk", flat=True))
    leaders = list(
        User.objects.filter(led_schools__isnull=False, is_active=True)
        .exclude(led_schools=school)
        .exclude(school=school)
        .select_related("school")
        .distinct()
        .order_by("last_name", "first_name", "pk")
    )
    return sorted(leaders, key=lambda u: u.school_id not in family)


@transaction.atomic
def reviewer_invite(*, review: Review, by: User, reviewer: User) -> PeerReview:
    """Invite (or change) the review's peer reviewer: a CPD leader of another school, chosen by
    the school's CPD leaders or the coordinator while the review is under way. They are emailed
    once for this review."""
    permissions.require_can_invite_reviewer(by, review.school)
    # The review's row, locked: a report submitted at the same moment is seen.
    current = Review.objects.select_for_update().get(pk=review.pk)
    if not is_under_way(current):
        raise ValidationError(NOT_UNDER_WAY)
    led = reviewer.led_school_ids
    if reviewer.school_id == review.school_id or not led or review.school_id in led:
        raise ValidationError({"reviewer": "Choose a CPD leader from another school."})
    peer, _ = PeerReview.objects.update_or_create(
        review=review,
        defaults={"reviewer": reviewer, "invited_by": by, "invited_at": timezone.now()},
    )
    emails.mail_reviewer_invited(peer)
    return peer


def _moment(day: datetime.date, time: datetime.time) -> datetime.datetime:
    return datetime.datetime.combine(day, time, tzinfo=timezone.get_current_timezone())


@transaction.atomic
def visit_plan(
    *,
    peer: PeerReview,
    by: User,
    date: datetime.date,
    start_time: datetime.time,
    end_time: datetime.time,
) -> DevelopmentSession:
    """The reviewer's visit to the school: a private session they then book (release time
    through their own CPD leader). Its title names the school only."""
    permissions.require_is_reviewer(by, peer.review)
    if peer.visit_id is not None and peer.visit.status != DevelopmentSession.Status.CANCELLED:
        raise ValidationError("The visit is planned: cancel its session to plan another.")
    if end_time <= start_time:
        raise ValidationError({"end_time": "The visit must end after it starts."})
    school = peer.review.school
    try:
        session = session_changes.private_session_create(
            by=by,
            title=f"Peer review visit to {school.name}"[:TITLE_MAX],
            kind=DevelopmentSession.Kind.PEER_VISIT,
            venue_school=school,
            start=_moment(date, start_time),
            end=_moment(date, end_time),
        )
    except ValidationError as error:
        if hasattr(error, "error_dict") and "first_date" in error.error_dict:
            raise ValidationError({"date": error.error_dict["first_date"]}) from None
        raise
    PeerReview.objects.filter(pk=peer.pk).update(visit=session)
    return session


@transaction.atomic
def findings_save(
    *, peer: PeerReview, by: User, findings: dict[int, dict], submit: bool = False
) -> None:
    """The reviewer's findings: ``{part id: {level id or None, text}}``; ``submit`` sends the
    report to the school to accept. Once accepted it no longer changes."""
    permissions.require_is_reviewer(by, peer.review)
    if peer.accepted_at is not None:
        raise ValidationError("The school has accepted this report: it no longer changes.")
    framework_id = peer.review.framework_id
    parts = {p.pk for p in Part.objects.filter(framework_id=framework_id)}
    levels = set(Level.objects.filter(framework_id=framework_id).values_list("pk", flat=True))
    for part_id, given in findings.items():
        if part_id not in parts or (given.get("level") not in levels | {None}):
            raise ValidationError("Choose a part and level of this review's framework.")
        finding, _ = Finding.objects.get_or_create(peer_review=peer, part_id=part_id)
        finding.level_id = given.get("level")
        finding.text = given.get("text", "")
        finding.full_clean(exclude=["peer_review", "part", "level"])
        finding.save()
    if submit:
        if len(findings) < len(parts) or any(not f.get("text") for f in findings.values()):
            raise ValidationError("Write a finding for every part before you submit.")
        PeerReview.objects.filter(pk=peer.pk).update(submitted_at=timezone.now())


@transaction.atomic
def report_accept(*, peer: PeerReview, by: User) -> None:
    """The host school's CPD leader accepts the submitted report."""
    permissions.require_leads(by, peer.review)
    if peer.submitted_at is None:
        raise ValidationError("The reviewer has not submitted the report yet.")
    PeerReview.objects.filter(pk=peer.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now(), accepted_by=by
    )
