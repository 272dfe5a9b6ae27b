"""
Who may do what in enquiry groups: each rule once, with its sentence. ``can_*`` answers
(templates, views deciding what to show); ``require_*`` refuses with the rule's sentence and is
called from one place: the service for a write, the view for a page.

The privacy rule: what is written inside a group (its log and files, its reading list, its
write-up while a draft) is for its current members only. Nobody else finds a group: the views
look it up among the person's own (selectors.group_for), so a colleague, a CPD leader, the
coordinator and the admin get 404 like anyone else. A published write-up is the community's
(the library); the group's question is shown to those it is offered to (open groups, invitations).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from .models import Group, Invitation, LogEntry, Membership, ReadingItem, WriteUp


def member_of(user, group: Group) -> Membership | None:
    """The person's current membership, from the group's prefetched members when loaded."""
    if not user.is_authenticated:
        return None
    return next(
        (m for m in group.memberships.all() if m.user_id == user.pk and m.left_at is None), None
    )


def is_member(user, group: Group) -> bool:
    """Only a group's current members read what is written in it."""
    return member_of(user, group) is not None


def can_write(user, group: Group) -> bool:
    """Members add to the log and the reading list, and invite, until the group is finished."""
    return is_member(user, group) and group.status != Group.Status.FINISHED


def require_can_write(user, group: Group) -> None:
    if not can_write(user, group):
        raise PermissionDenied("A group's members add to its work until the group is finished.")


def can_invite(user, group: Group) -> bool:
    """A member invites colleagues from any school until the group is finished."""
    return can_write(user, group)


def require_can_invite(user, group: Group) -> None:
    if not can_invite(user, group):
        raise PermissionDenied("A group's members invite colleagues until it is finished.")


def can_join(user, group: Group, *, already: bool) -> bool:
    """Anyone with an active account joins an open group they are not in."""
    return (
        user.is_authenticated
        and user.is_active
        and group.status == Group.Status.OPEN
        and not already
    )


def require_can_join(user, group: Group, *, already: bool) -> None:
    if not can_join(user, group, already=already):
        raise PermissionDenied("Anyone may join a group that is open to new members.")


def can_answer(user, invitation: Invitation) -> bool:
    """The person invited accepts or declines, while the invitation waits."""
    return (
        user.is_authenticated
        and invitation.user_id == user.pk
        and invitation.status == Invitation.Status.PENDING
    )


def require_can_answer(user, invitation: Invitation) -> None:
    if not can_answer(user, invitation):
        raise PermissionDenied("An invitation is answered by the person invited, once.")


def can_delete_item(user, item: LogEntry | ReadingItem) -> bool:
    """What a member wrote is theirs to delete (a log entry, a reading-list item)."""
    author = item.author_id if isinstance(item, LogEntry) else item.added_by_id
    return user.is_authenticated and author == user.pk


def require_can_delete_item(user, item: LogEntry | ReadingItem) -> None:
    if not can_delete_item(user, item):
        raise PermissionDenied("Only the person who wrote it deletes it.")


def can_manage(user, group: Group) -> bool:
    """The group's owner changes its status and timeline."""
    return is_member(user, group) and group.owner_id == user.pk


def require_can_manage(user, group: Group) -> None:
    if not can_manage(user, group):
        raise PermissionDenied("The group's owner changes its status and timeline.")


def can_leave(user, group: Group) -> bool:
    return is_member(user, group)


def require_can_leave(user, group: Group) -> None:
    if not can_leave(user, group):
        raise PermissionDenied("Only a member leaves a group.")


# --- The write-up ------------------------------------------------------------------------


def can_edit_write_up(user, group: Group, write_up: WriteUp | None) -> bool:
    """Any member edits the draft; a published write-up is not edited."""
    return is_member(user, group) and (write_up is None or not write_up.is_published)


def require_can_edit_write_up(user, group: Group, write_up: WriteUp | None) -> None:
    if not can_edit_write_up(user, group, write_up):
        raise PermissionDenied("A group's members edit its write-up until it is published.")


def can_agree(user, group: Group, write_up: WriteUp | None) -> bool:
    """Each member agrees to publish the draft as it stands."""
    return write_up is not None and can_edit_write_up(user, group, write_up)


def require_can_agree(user, group: Group, write_up: WriteUp | None) -> None:
    if not can_agree(user, group, write_up):
        raise PermissionDenied("Each member of the group agrees to publish its draft write-up.")


def can_add_to_portfolio(user, write_up: WriteUp, *, was_member: bool) -> bool:
    """A published write-up goes into the portfolio of someone who was in the group."""
    return user.is_authenticated and write_up.is_published and was_member


def require_can_add_to_portfolio(user, write_up: WriteUp, *, was_member: bool) -> None:
    if not can_add_to_portfolio(user, write_up, was_member=was_member):
        raise PermissionDenied(
            "A published write-up is added to the portfolio of a member of its group."
        )


# --- What leaders see: counts, never words -----------------------------------------------


def can_start_for_need(user) -> bool:
    """The coordinator starts a group from a gap in the needs, inviting those who need it."""
    return user.is_authenticated and user.is_coordinator


def require_can_start_for_need(user) -> None:
    if not can_start_for_need(user):
        raise PermissionDenied("The coordinator starts a group from the community's needs.")


def can_see_school_figures(user, school) -> bool:
    """A school's enquiry figures are for its CPD leaders and the coordinator."""
    return user.is_authenticated and (user.is_coordinator or school.pk in user.led_school_ids)


def require_can_see_school_figures(user, school) -> None:
    if not can_see_school_figures(user, school):
        raise PermissionDenied(
            "A school's enquiry figures are for its CPD leaders and the community coordinator."
        )


def can_see_community_figures(user) -> bool:
    return user.is_authenticated and user.is_coordinator


def require_can_see_community_figures(user) -> None:
    if not can_see_community_figures(user):
        raise PermissionDenied("The community's enquiry figures are for the coordinator.")


# --- Peer visits (enquiry/visits.py) ------------------------------------------------------
# A visit is seen by its visitor, its named host and the host school's CPD leaders (selectors
# in visits.py look it up among those, so anyone else gets 404). The visitor's notes are theirs
# alone, and the host's only when the visitor shares them.


def can_ask_visit(user, school) -> bool:
    """Anyone with a school asks to visit another school."""
    return (
        user.is_authenticated
        and user.is_active
        and user.school_id is not None
        and school.pk != user.school_id
    )


def require_can_ask_visit(user, school) -> None:
    if not can_ask_visit(user, school):
        raise PermissionDenied("A member of one school asks to visit another school.")


def decides_for(user, visit, *, school_has_leader: bool) -> bool:
    """Who decides a school's visits: its CPD leaders; the coordinators for a school with no
    CPD leader on CPD Hub (``school_has_leader``: visits.has_leader)."""
    if not user.is_authenticated:
        return False
    if visit.host_school_id in user.led_school_ids:
        return True
    return user.is_coordinator and not school_has_leader


def can_answer_visit(user, visit, *, school_has_leader: bool) -> bool:
    """A CPD leader of the host school (or a coordinator, for a school with none) accepts or
    declines a request, once."""
    return (
        decides_for(user, visit, school_has_leader=school_has_leader)
        and visit.status == visit.Status.ASKED
    )


def require_can_answer_visit(user, visit, *, school_has_leader: bool) -> None:
    if not can_answer_visit(user, visit, school_has_leader=school_has_leader):
        raise PermissionDenied(
            "A CPD leader of the host school (the coordinator, for a school with none) answers "
            "a visit request, once."
        )


def can_withdraw_visit(user, visit) -> bool:
    """The visitor withdraws their request while it waits, or calls off an accepted visit
    before it starts (and before they have thanked the host)."""
    if not (user.is_authenticated and visit.visitor_id == user.pk):
        return False
    if visit.status == visit.Status.ASKED:
        return True
    session = visit.session
    return (
        visit.status == visit.Status.ACCEPTED
        and visit.thanked_at is None
        and (session is None or (session.status == "published" and not session.has_started))
    )


def require_can_withdraw_visit(user, visit) -> None:
    if not can_withdraw_visit(user, visit):
        raise PermissionDenied(
            "The visitor withdraws a request, or calls off an accepted visit before it starts."
        )


def can_write_visit_notes(user, visit) -> bool:
    """The visitor keeps notes and thanks the host once the visit is accepted."""
    return (
        user.is_authenticated
        and visit.visitor_id == user.pk
        and visit.status == visit.Status.ACCEPTED
    )


def require_can_write_visit_notes(user, visit) -> None:
    if not can_write_visit_notes(user, visit):
        raise PermissionDenied("The visitor writes notes and thanks once the visit is accepted.")


def can_read_visit_notes(user, visit) -> bool:
    """The notes are the visitor's, and the named host's only when the visitor shares them."""
    if not user.is_authenticated:
        return False
    return visit.visitor_id == user.pk or (visit.notes_shared and visit.host_id == user.pk)


# --- Lesson-study cycles (cycles.py) -------------------------------------------------------


def can_book_release(user, group: Group, cycle) -> bool:
    """A member from another school than the research lesson's host books release time to
    observe it, once its date, times and host school are set and until it is taught."""
    return (
        can_write(user, group)
        and cycle.status == cycle.Status.PLANNING
        and cycle.lesson_date is not None
        and cycle.lesson_start is not None
        and cycle.lesson_end is not None
        and cycle.host_school_id is not None
        and user.school_id is not None
        and user.school_id != cycle.host_school_id
    )


def require_can_book_release(user, group: Group, cycle) -> None:
    if not can_book_release(user, group, cycle):
        raise PermissionDenied(
            "A member from another school books release time to observe a planned research "
            "lesson once its date, times and host school are set."
        )
