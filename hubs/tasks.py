"""Background work for the community's structure. Tasks take ids and load fresh rows."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from celery import shared_task
from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from notifications import registry
from notifications.kinds import Category
from notifications.models import Delivery
from notifications.rendering import absolute_url
from notifications.services import send_now, send_templated_mail, send_templated_mail_many
from notifications.tasks import MAIL_TASK_OPTIONS

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


@shared_task(name="hubs.send_invitation", **MAIL_TASK_OPTIONS)
def send_invitation(invitation_id: int) -> None:
    """Record and send at once (tasks queued before the ledger became the outbox)."""
    send_now(mail_invitation(invitation_id, enqueue=False))


@shared_task(name="hubs.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Sessions live in the database; drop the expired ones nightly."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


@shared_task(acks_late=True, ignore_result=True)
def run_import_job(job_id: int) -> bool:
    """An uploaded file's preview or import: see hubs/onboarding/jobs.py."""
    from .onboarding.jobs import import_job_run  # noqa: PLC0415 -- circular import: onboarding imports services, which import this module

    return import_job_run(job_id=job_id)


@shared_task(name="hubs.invite_lone_rangers", **MAIL_TASK_OPTIONS)
def invite_lone_rangers() -> int:
    """Nightly: invite lone rangers found since yesterday (each person once per network)."""
    from .services import lone_rangers_invite  # noqa: PLC0415 -- circular import: services import tasks

    return lone_rangers_invite(by=None)
