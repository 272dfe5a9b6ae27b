"""
What the community's structure sends, and how each email is built: the invitation, the welcome
to imported staff and the lone ranger's invitation to a subject network. The ``mail_*``
functions record an email on the ledger inside the caller's transaction; the builders,
registered with the ledger in ``HubsConfig.ready()``, read the rows afresh when it is sent.
"""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.urls import reverse

from notifications import registry
from notifications.categories import Category
from notifications.models import Delivery
from notifications.rendering import absolute_url
from notifications.services import send_templated_mail, send_templated_mail_many

from .models import Invitation, SubjectNetwork, User


def mail_invitation(invitation_id: int, *, enqueue: bool = True) -> list:
    """Record the invitation email (call inside the transaction that made the invitation)."""
    email = Invitation.objects.filter(pk=invitation_id).values_list("email", flat=True).first()
    if email is None:
        return []
    return send_templated_mail(
        "invitation", to=[email], key=f"invitation:{invitation_id}", enqueue=enqueue
    )


def mail_invitations(invitations: list[tuple[int, str]], *, enqueue: bool = True) -> list[int]:
    """``mail_invitation`` for many (id, email) at once: one insert on the ledger (bulk import)."""
    return send_templated_mail_many(
        "invitation",
        messages=[(email, f"invitation:{pk}") for pk, email in invitations],
        enqueue=enqueue,
    )


def welcome_mail_key(user_id: int) -> str:
    """Once per person, whichever import (or how many) offered it."""
    return f"welcome:{user_id}"


def mail_welcomes(user_ids: list[int], *, enqueue: bool = True) -> list[int]:
    """The welcome to imported staff ("choose your password"), on the ledger once per person:
    one insert for them all. Returns the ids of the ledger rows new and pending."""
    keys = {welcome_mail_key(pk): pk for pk in user_ids}
    # Once per person, even if their address has changed since the first welcome.
    welcomed = set(
        Delivery.objects.filter(kind="welcome", key__in=list(keys)).values_list("key", flat=True)
    )
    people = User.objects.filter(
        pk__in=[pk for key, pk in keys.items() if key not in welcomed], is_active=True
    ).values_list("pk", "email")
    return send_templated_mail_many(
        "welcome",
        messages=[(email, welcome_mail_key(pk)) for pk, email in people],
        enqueue=enqueue,
    )


def welcome_email(delivery) -> registry.Email | None:
    """Built when sent: nothing once they have signed in, left, or belong to no school."""
    person = (
        User.objects.select_related("school")
        .filter(pk=int(delivery.key.split(":")[1]), is_active=True, last_login__isnull=True)
        .first()
    )
    if person is None or person.school is None:
        return None
    path = reverse(
        "account_reset_password_from_key",
        kwargs={
            "uidb36": user_pk_to_url_str(person),
            "key": default_token_generator.make_token(person),
        },
    )
    return registry.Email(
        context={
            "person": person,
            "school": person.school,
            "password_url": absolute_url(path),
            "reset_url": absolute_url(reverse("account_reset_password")),
            "sign_in_url": absolute_url(reverse("account_login")),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
    )


def inviter_words(invitation: Invitation) -> str:
    """
    Who invites, as the invitation's first words: the person and their role ("Helen Okafor,
    the community coordinator,"; "Priya Shah, CPD leader at Ashgrove Primary School,"), never a
    role the school may not have. An import run from the command line invites on the
    coordinator's behalf.
    """
    by = invitation.invited_by
    if by is None or not by.is_active:
        return "The community coordinator"
    name = by.full_name.strip() or by.email
    if by.is_coordinator:
        return f"{name}, the community coordinator,"
    if invitation.school.cpd_leaders.filter(pk=by.pk).exists():
        return f"{name}, CPD leader at {invitation.school.name},"
    return name


def invitation_email(delivery) -> registry.Email | None:
    invitation = (
        Invitation.objects.select_related("school", "invited_by")
        .filter(pk=int(delivery.key.split(":")[1]))
        .first()
    )
    if invitation is None or not invitation.is_open:
        return None  # withdrawn or used before the worker got to it: nothing to send
    return registry.Email(
        context={
            "invitation": invitation,
            "inviter": inviter_words(invitation),
            "inviter_name": (
                (invitation.invited_by.full_name.strip() or invitation.invited_by.email)
                if invitation.invited_by is not None and invitation.invited_by.is_active
                else "The community coordinator"
            ),
            "accept_url": absolute_url(invitation.get_absolute_url()),
        },
        reply_to=registry.reply_to(invitation.invited_by),
    )


def lone_ranger_mail_key(*, user_id: int, network_id: int) -> str:
    return f"lone_ranger:{user_id}:{network_id}"


def mail_lone_ranger(*, email: str, user_id: int, network_id: int) -> list:
    """Record the invitation to a subject network for someone alone in their school for its
    subject (call inside the transaction that recorded the invitation)."""
    return send_templated_mail(
        "lone_ranger",
        to=[email],
        key=lone_ranger_mail_key(user_id=user_id, network_id=network_id),
    )


def lone_ranger_email(delivery) -> registry.Email | None:
    """The invitation to a subject network for someone alone in their school for its subject
    (key ``lone_ranger:<user id>:<network id>``). Nothing to send once they have joined."""
    _, user_id, network_id = delivery.key.split(":")
    person = User.objects.select_related("school").filter(pk=int(user_id)).first()
    network = (
        SubjectNetwork.objects.select_related("subject", "hub")
        .prefetch_related("leads")
        .filter(pk=int(network_id))
        .first()
    )
    if person is None or network is None or network.members.filter(pk=person.pk).exists():
        return None
    leads = list(network.leads.select_related("expert_profile"))
    reply_to = registry.reply_to(*leads)
    return registry.Email(
        context={
            "person": person,
            "network": network,
            "leads": leads,
            "network_url": absolute_url(network.get_absolute_url()),
            "dashboard_url": absolute_url("/"),
            "reply_to": reply_to,
        },
        reply_to=reply_to,
    )


def register_emails() -> None:
    registry.register("invitation", category=Category.ESSENTIAL, build=invitation_email)
    registry.register("lone_ranger", category=Category.REMINDERS, build=lone_ranger_email)
    registry.register("welcome", category=Category.ESSENTIAL, build=welcome_email)
