"""
What enquiry sends, through the ledger: each ``mail_*`` is called inside the write's transaction
and records one row per address and reason; each builder reads the rows named by the key afresh
when the email goes. Registered in EnquiryConfig.ready(). Both are essential (a colleague's
invitation and its answer, like a contact request): no unsubscribe.

- ``enquiry_invitation``: a member (or the coordinator) invites someone to a group
  (key ``enquiry_invitation:<invitation>``).
- ``enquiry_answer``: the invitee's answer goes back to who invited them
  (``enquiry_answer:<invitation>``).
"""

from __future__ import annotations

from django.urls import reverse

from notifications import registry
from notifications.categories import Category
from notifications.rendering import absolute_url
from notifications.services import send_templated_mail

from .models import Invitation, PeerVisit

INVITATION = "enquiry_invitation"
ANSWER = "enquiry_answer"


def invitation_key(invitation_id: int) -> str:
    return f"{INVITATION}:{invitation_id}"


def answer_key(invitation_id: int) -> str:
    return f"{ANSWER}:{invitation_id}"


def _invitation(delivery) -> Invitation | None:
    return (
        Invitation.objects.select_related("group", "user__school", "invited_by__school")
        .filter(pk=int(delivery.key.split(":")[1]))
        .first()
    )


def mail_invitation(invitation: Invitation) -> list:
    return send_templated_mail(
        INVITATION, to=[invitation.user.email], key=invitation_key(invitation.pk)
    )


def invitation_email(delivery) -> registry.Email | None:
    invitation = _invitation(delivery)
    if invitation is None or invitation.status != Invitation.Status.PENDING:
        return None  # answered (or withdrawn with the group) since
    return registry.Email(
        context={
            "invitation": invitation,
            "group": invitation.group,
            "invitee": invitation.user,
            "inviter": invitation.invited_by,
            "answer_url": absolute_url(reverse("enquiry:home")),
        },
        reply_to=registry.reply_to(invitation.invited_by),
    )


def mail_answer(invitation: Invitation) -> list:
    if invitation.invited_by is None or not invitation.invited_by.is_active:
        return []
    return send_templated_mail(
        ANSWER, to=[invitation.invited_by.email], key=answer_key(invitation.pk)
    )


def answer_email(delivery) -> registry.Email | None:
    invitation = _invitation(delivery)
    if invitation is None or invitation.status == Invitation.Status.PENDING:
        return None
    return registry.Email(
        context={
            "invitation": invitation,
            "group": invitation.group,
            "invitee": invitation.user,
            "inviter": invitation.invited_by,
            "accepted": invitation.status == Invitation.Status.ACCEPTED,
            "enquiries_url": absolute_url(reverse("enquiry:home")),
        },
        reply_to=registry.reply_to(invitation.user),
    )


def register_emails() -> None:
    registry.register(INVITATION, category=Category.ESSENTIAL, build=invitation_email)
    registry.register(ANSWER, category=Category.ESSENTIAL, build=answer_email)
    registry.register(VISIT_REQUEST, category=Category.ESSENTIAL, build=visit_request_email)
    registry.register(VISIT_ANSWER, category=Category.ESSENTIAL, build=visit_answer_email)
    registry.register(VISIT_WITHDRAWN, category=Category.ESSENTIAL, build=visit_withdrawn_email)


# --- Peer visits (enquiry/visits.py) ------------------------------------------------------
# ``enquiry_visit_request``: a request to visit, to the host school's CPD leaders
# (``enquiry_visit_request:<visit>``); ``enquiry_visit_answer``: their answer, to the visitor
# (``enquiry_visit_answer:<visit>``); ``enquiry_visit_withdrawn``: the visitor withdrew the
# request or called the visit off, to those who decide for the host school and the host
# (``enquiry_visit_withdrawn:<visit>``, so once). Essential, like a contact request.

VISIT_REQUEST = "enquiry_visit_request"
VISIT_ANSWER = "enquiry_visit_answer"
VISIT_WITHDRAWN = "enquiry_visit_withdrawn"


def visit_request_key(visit_id: int) -> str:
    return f"{VISIT_REQUEST}:{visit_id}"


def visit_answer_key(visit_id: int) -> str:
    return f"{VISIT_ANSWER}:{visit_id}"


def _visit(delivery) -> PeerVisit | None:
    return (
        PeerVisit.objects.select_related("visitor__school", "host_school", "host", "session")
        .filter(pk=int(delivery.key.split(":")[1]))
        .first()
    )


def mail_visit_request(visit: PeerVisit, deciders: list) -> list:
    """To those who decide for the host school (visits.deciders: its CPD leaders, or the
    coordinators for a school with none)."""
    return send_templated_mail(
        VISIT_REQUEST, to=[u.email for u in deciders], key=visit_request_key(visit.pk)
    )


def visit_request_email(delivery) -> registry.Email | None:
    visit = _visit(delivery)
    if visit is None or visit.visitor is None or visit.status != PeerVisit.Status.ASKED:
        return None  # answered since, or the visitor's account erased
    return registry.Email(
        context={
            "visit": visit,
            "visitor": visit.visitor,
            "visit_url": absolute_url(visit.get_absolute_url()),
        },
        reply_to=registry.reply_to(visit.visitor),
    )


def mail_visit_answer(visit: PeerVisit) -> list:
    if visit.visitor is None or not visit.visitor.is_active:
        return []
    return send_templated_mail(
        VISIT_ANSWER, to=[visit.visitor.email], key=visit_answer_key(visit.pk)
    )


def visit_answer_email(delivery) -> registry.Email | None:
    visit = _visit(delivery)
    if visit is None or visit.visitor is None or visit.status == PeerVisit.Status.ASKED:
        return None
    accepted = visit.status == PeerVisit.Status.ACCEPTED
    return registry.Email(
        context={
            "visit": visit,
            "visitor": visit.visitor,
            "accepted": accepted,
            "book_url": absolute_url(visit.session.get_absolute_url())
            if accepted and visit.session
            else "",
            "visits_url": absolute_url(reverse("visits:home")),
        },
        reply_to=registry.reply_to(visit.host if accepted else None),
    )


def mail_visit_withdrawn(visit: PeerVisit, deciders: list) -> list:
    """To those who decide for the host school and, for an accepted visit, its host."""
    people = [*deciders, visit.host] if visit.host is not None else list(deciders)
    to = list(dict.fromkeys(u.email for u in people if u.is_active))
    return send_templated_mail(VISIT_WITHDRAWN, to=to, key=f"{VISIT_WITHDRAWN}:{visit.pk}")


def visit_withdrawn_email(delivery) -> registry.Email | None:
    visit = _visit(delivery)
    if visit is None or visit.status != PeerVisit.Status.WITHDRAWN:
        return None
    return registry.Email(
        context={
            "visit": visit,
            "visitor": visit.visitor,
            "was_accepted": visit.session is not None,
            "visit_url": absolute_url(visit.get_absolute_url()),
        },
        reply_to=registry.reply_to(visit.visitor),
    )
