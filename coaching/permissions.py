"""
Who may do what in coaching: each rule once, with its sentence. ``can_*`` answers (templates,
views deciding what to show); ``require_*`` refuses with the rule's sentence and is called from
one place: the service for a write, the view for a page.

The privacy rule: what is written inside a relationship (notes, praise, steps) is for its
members only. Nobody else finds a relationship: the views look it up among the person's own
(selectors.relationship_for), so a CPD leader, a head, a hub lead, the coordinator and the
admin get 404 like anyone else. The teacher may show one item to a named colleague (Share).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from cpd_sessions.models import DevelopmentSession
from hubs.models import School, User

from .models import ActionStep, Membership, Relationship, Visit


def _member(user, relationship: Relationship) -> Membership | None:
    """The person's membership, from the relationship's prefetched members when loaded."""
    if not user.is_authenticated:
        return None
    return next((m for m in relationship.memberships.all() if m.user_id == user.pk), None)


def is_member(user, relationship: Relationship) -> bool:
    """Only the relationship's members read what is written in it."""
    return _member(user, relationship) is not None


def can_record(user, relationship: Relationship) -> bool:
    """A coach (or a peer) records observations and meetings while the relationship is open."""
    member = _member(user, relationship)
    return member is not None and member.is_coach and relationship.is_open


def require_can_record(user, relationship: Relationship) -> None:
    if not can_record(user, relationship):
        raise PermissionDenied(
            "Observations and meetings are recorded by the relationship's coach while it is open."
        )


# --- Visits to another school (visits.py) ---------------------------------------------------


def visit_schools(relationship: Relationship, coach: User) -> list[School]:
    """The schools a coach may visit in this relationship: those of the people they coach
    that are not the coach's own (a visit is for travelling; coaching in one's own school is
    the school's own timetable). From the relationship's prefetched members."""
    found: dict[int, School] = {}
    for member in relationship.memberships.all():
        user = member.user
        if (
            member.is_coached
            and user is not None
            and user.pk != coach.pk
            and user.school_id is not None
            and user.school_id != coach.school_id
        ):
            found[user.school_id] = user.school
    return sorted(found.values(), key=lambda s: s.name)


def can_plan_visit(user, relationship: Relationship) -> bool:
    """A coach of the relationship, while it is open, whose teacher works in another school."""
    return can_record(user, relationship) and bool(visit_schools(relationship, user))


def require_can_plan_visit(user, relationship: Relationship) -> None:
    if not can_plan_visit(user, relationship):
        raise PermissionDenied(
            "A visit is planned by the coach, while the coaching is open, when the teacher "
            "works in another school."
        )


def can_cancel_visit(user, visit: Visit) -> bool:
    """The coach who planned it, until it starts (once, if it is not already cancelled)."""
    session = visit.session
    return (
        user.is_authenticated
        and visit.planned_by_id == user.pk
        and session.status == DevelopmentSession.Status.PUBLISHED
        and not session.has_started
    )


def require_can_cancel_visit(user, visit: Visit) -> None:
    if not can_cancel_visit(user, visit):
        raise PermissionDenied(
            "A visit is called off by the coach who planned it, before it starts."
        )


def can_move_step(user, step: ActionStep) -> bool:
    """The teacher the step is for, or a coach in the relationship, moves it on."""
    member = _member(user, step.relationship)
    return member is not None and (member.is_coach or step.teacher_id == user.pk)


def require_can_move_step(user, step: ActionStep) -> None:
    if not can_move_step(user, step):
        raise PermissionDenied("A step is moved on by its teacher or their coach.")


def can_pause(user, relationship: Relationship) -> bool:
    """The teacher being coached pauses and resumes their coaching."""
    member = _member(user, relationship)
    return member is not None and member.is_coached and relationship.is_open


def require_can_pause(user, relationship: Relationship) -> None:
    if not can_pause(user, relationship):
        raise PermissionDenied("Only the teacher being coached pauses or resumes the coaching.")


def can_end(user, relationship: Relationship) -> bool:
    """Any member ends an open relationship."""
    return is_member(user, relationship) and relationship.is_open


def require_can_end(user, relationship: Relationship) -> None:
    if not can_end(user, relationship):
        raise PermissionDenied("A coaching relationship is ended by one of its members.")


def can_answer_request(user, relationship: Relationship) -> bool:
    """The expert asked for coaching accepts or declines the request."""
    member = _member(user, relationship)
    return (
        member is not None
        and member.role == Membership.Role.COACH
        and relationship.status == Relationship.Status.REQUESTED
    )


def require_can_answer_request(user, relationship: Relationship) -> None:
    if not can_answer_request(user, relationship):
        raise PermissionDenied("A request for coaching is answered by the expert it was sent to.")


def offers_coaching(profile) -> bool:
    return any(offer.coaching for offer in profile.offers.all())


def can_request_coaching(user, profile) -> bool:
    """Anyone asks an expert who offers coaching in the directory, but not themselves."""
    return (
        user.is_authenticated
        and profile.user_id != user.pk
        and profile.user.is_active
        and offers_coaching(profile)
    )


def require_can_request_coaching(user, profile) -> None:
    if not can_request_coaching(user, profile):
        raise PermissionDenied("Coaching is asked of an expert who offers it in the directory.")


def can_set_up(user) -> bool:
    """A CPD leader (for their school's staff) or the coordinator (across schools) sets up
    coaching."""
    return user.is_authenticated and (user.is_coordinator or user.is_cpd_leader)


def can_set_up_for(user, coached: list) -> bool:
    """The coordinator for anyone; a CPD leader when everyone coached is in their school (the
    coach may be in any school)."""
    if not can_set_up(user):
        return False
    if user.is_coordinator:
        return True
    return bool(coached) and all(p.school_id in user.led_school_ids for p in coached)


def require_can_set_up_for(user, coached: list) -> None:
    if not can_set_up_for(user, coached):
        raise PermissionDenied(
            "A CPD leader sets up coaching for their own school's staff; the coordinator for "
            "anyone."
        )


def require_can_set_up(user) -> None:
    if not can_set_up(user):
        raise PermissionDenied("Coaching is set up by a school's CPD leader or the coordinator.")


def can_share(user, item) -> bool:
    """The teacher an observation, meeting or step is about shares it."""
    return user.is_authenticated and item.teacher_id == user.pk


def require_can_share(user, item) -> None:
    if not can_share(user, item):
        raise PermissionDenied("Only the teacher it is about shares an item of their coaching.")


def can_copy_to_portfolio(user, step: ActionStep) -> bool:
    """The teacher copies an embedded step of theirs into their portfolio, once."""
    return (
        user.is_authenticated
        and step.teacher_id == user.pk
        and step.status == ActionStep.Status.EMBEDDED
        and step.portfolio_entry_id is None
    )


def require_can_copy_to_portfolio(user, step: ActionStep) -> None:
    if not can_copy_to_portfolio(user, step):
        raise PermissionDenied(
            "An embedded step is copied into its teacher's portfolio, once, by the teacher."
        )


# --- The library -------------------------------------------------------------------------


def can_curate(user, school_id: int | None) -> bool:
    """The coordinator curates the community's steps; a CPD leader their school's."""
    if not user.is_authenticated:
        return False
    if school_id is None:
        return user.is_coordinator
    return school_id in user.led_school_ids


def require_can_curate(user, school_id: int | None) -> None:
    if not can_curate(user, school_id):
        raise PermissionDenied(
            "The coordinator looks after the community's steps; a CPD leader their school's."
        )


def is_coaching(user) -> bool:
    return Membership.objects.filter(
        user=user,
        role__in=[Membership.Role.COACH, Membership.Role.PEER],
        relationship__status__in=[Relationship.Status.ACTIVE, Relationship.Status.PAUSED],
    ).exists()


def can_propose(user) -> bool:
    """Anyone coaching proposes a step for the library (a curator publishes it)."""
    return user.is_authenticated and (
        user.is_coordinator or user.is_cpd_leader or is_coaching(user)
    )


def require_can_propose(user) -> None:
    if not can_propose(user):
        raise PermissionDenied("Steps are proposed by people who coach and by those who curate.")


# --- What leaders see: activity figures, never content -----------------------------------


def can_see_school_activity(user, school) -> bool:
    """A school's coaching figures are for its CPD leaders and the coordinator."""
    return user.is_authenticated and (user.is_coordinator or school.pk in user.led_school_ids)


def require_can_see_school_activity(user, school) -> None:
    if not can_see_school_activity(user, school):
        raise PermissionDenied(
            "A school's coaching figures are for its CPD leaders and the community coordinator."
        )


def can_see_community_activity(user) -> bool:
    """The community's coaching figures are for the coordinator."""
    return user.is_authenticated and user.is_coordinator


def require_can_see_community_activity(user) -> None:
    if not can_see_community_activity(user):
        raise PermissionDenied("The community's coaching figures are for the coordinator.")
