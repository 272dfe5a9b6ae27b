"""The coordinator's actions on needs. Writes go through the owning app's services."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from cpd_sessions import lifecycle, session_changes
from cpd_sessions.models import DevelopmentSession
from cpdhub.words import in_sentence
from experts.models import ExpertiseArea, ExpertProfile
from experts.selectors import stale_profiles
from hubs.models import Term, User
from notifications.models import Delivery
from portfolios import services as portfolio_services
from portfolios.models import Need
from termly import planning
from termly.services import plan

from . import emails, permissions
from .models import REPLY_MAX, Commission, NeedReply


class ReplyRefused(Exception):
    """A reply that cannot go: said to the coordinator as it is."""


def need_mark_met(*, need: Need, by) -> Need:
    """The coordinator marks a need met (a match made, a session found)."""
    permissions.require_coordinator(by)
    return portfolio_services.need_decide(need=need, by=by, status=Need.Status.MET)


@transaction.atomic
def introduce(*, need: Need, profile: ExpertProfile, by) -> bool:
    """One email to both the person with the need and the expert, through the ledger, once per
    pair however often it is asked for. True when this call sent it, False if it went before."""
    permissions.require_coordinator(by)
    key = emails.introduction_key(need.owner_id, profile.pk)
    if Delivery.objects.filter(kind=emails.KIND, key=key).exists():
        return False
    emails.mail_introduction(
        person_email=need.owner.email,
        person_id=need.owner_id,
        expert_email=profile.user.email,
        profile_id=profile.pk,
    )
    return True


@transaction.atomic
def need_reply(*, need: Need, body: str, by) -> NeedReply:
    """The coordinator writes back about a need a CPD leader passed on: the message is kept on
    the need and emailed to the school's CPD leaders through the ledger, once (its key is the
    reply's own id, so a retried task or a resent delivery sends nothing more)."""
    permissions.require_coordinator(by)
    body = body.strip()
    if not body:
        raise ReplyRefused("Write a message to the school first.")
    if len(body) > REPLY_MAX:
        raise ReplyRefused(f"Keep the message to {REPLY_MAX:,} characters.")
    if need.status != Need.Status.PASSED:
        raise ReplyRefused("Only a need a CPD leader passed on can be replied to.")
    school = need.owner.school
    leaders = list(school.cpd_leaders.filter(is_active=True)) if school else []
    if not leaders:
        raise ReplyRefused("This school has no CPD leader to reply to.")
    reply = NeedReply.objects.create(need=need, author=by, body=body)
    emails.mail_need_reply(reply.pk, [leader.email for leader in leaders])
    return reply


COMMISSION_WEEKS_AHEAD = 6  # a first date to change: far enough ahead to book someone


@transaction.atomic
def commission(*, area: ExpertiseArea, school_names: list[str], by) -> DevelopmentSession:
    """Where need has no supply: a consultant-led session draft (proposed, not published) in
    the area, its fee shared equally between the schools that take part, naming the schools
    in need. The coordinator then chooses the consultant, fee and date, and publishes."""
    permissions.require_coordinator(by)
    day = timezone.localdate() + datetime.timedelta(weeks=COMMISSION_WEEKS_AHEAD)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time(13, 0), tzinfo=zone)
    named = ", ".join(school_names[:20]) + (
        f" and {len(school_names) - 20} more" if len(school_names) > 20 else ""
    )
    placeholder = (
        f"Commissioned by the coordinator for the schools with open needs in "
        f"{in_sentence(area.name)}: {named or 'none yet'}. The fee is shared equally between the "
        "schools that take part. Choose the consultant, fee and date, write the description "
        "colleagues will read, then publish."
    )
    session = session_changes.session_propose(
        by=by,
        dates=[(start, start + datetime.timedelta(hours=3))],
        title=f"{area.name}: a consultant-led session",
        description=placeholder,
        kind=DevelopmentSession.Kind.CONSULTANT_LED,
        scope=DevelopmentSession.Scope.COMMUNITY,
        cost_split=DevelopmentSession.CostSplit.EQUAL,
        min_schools=min(max(len(school_names), 1), 10),
        areas=[area],
    )
    commissioned = Commission.objects.create(session=session, placeholder=placeholder)
    commissioned.needs.set(
        Need.objects.filter(
            area=area, status__in=[Need.Status.OPEN, Need.Status.PASSED], owner__is_active=True
        )
    )
    return session


COMMISSION_DESCRIPTION_RULE = (
    "Write the session's own description before publishing: the text the draft started with is "
    "a note for you, not for the people who will book."
)


def commission_check_publishable(*, session: DevelopmentSession) -> None:
    """A commissioned draft is published with a description of its own (``session_publishing``)."""
    commissioned = Commission.objects.filter(session_id=session.pk).first()
    if commissioned is None:
        return
    description = session.description.strip()
    if not description or description == commissioned.placeholder.strip():
        raise lifecycle.SessionRefused(COMMISSION_DESCRIPTION_RULE)


def commission_tell_needs(*, session: DevelopmentSession) -> int:
    """
    The session commissioned for people's needs is published: each person whose need it was
    for is told, once (the ledger's key names the session), through the ledger. Returns how many
    emails are on their way.
    """
    commissioned = Commission.objects.filter(session_id=session.pk).first()
    if commissioned is None:
        return 0
    to = sorted(
        set(commissioned.needs.filter(owner__is_active=True).values_list("owner__email", flat=True))
    )
    if not to:
        return 0
    return len(emails.mail_commissioned(session.pk, to))


def nudge_stale(*, by) -> int | None:
    """Ask everyone whose directory profile is stale to confirm it: the term-start reminder
    (``audit_profile``) under this term's key, so one email each per term at most, however
    often it is pressed and whether or not the term-start reminder went. None: no term now."""
    permissions.require_coordinator(by)
    term = Term.objects.current()
    if term is None:
        return None
    people = User.objects.filter(pk__in=stale_profiles().values("user_id"))
    return plan(kind="audit_profile", key=planning.audit_key(term), people=people)
