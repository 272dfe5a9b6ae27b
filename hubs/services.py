"""Writes to the community's structure. Each function is one transaction."""

from __future__ import annotations

import datetime

from allauth.account.forms import ResetPasswordForm
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from notifications.services import ledger_forget

from . import permissions
from .models import Hub, Invitation, School, SchoolDomain, SubjectNetwork, ThrottledRequest, User
from .signals import user_deactivated, user_deleting
from .tasks import mail_invitation


class SignupRefused(Exception):
    """Why an address may not sign up, in words for the person trying."""


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


def refusal_message(email: str) -> str:
    return (
        f"Sign-up is open to staff of the community's member schools, and "
        f"“{email_domain(email)}” is not the email domain of a member school. "
        f"Sign up with your school email address, or ask your school's CPD leader or the "
        f"community coordinator ({settings.COORDINATOR_EMAIL}) to send you an invitation."
    )


def signup_school_for(email: str, invitation: Invitation | None = None) -> School:
    """
    The school a new account joins: the invitation's, when there is an open one for
    this very address, else the school whose email domain it is. Anyone else is refused.
    """
    if invitation is not None:
        if not invitation.is_open:
            raise SignupRefused(
                "This invitation has expired or has been withdrawn. Ask the person who invited "
                "you to send a new one."
            )
        if invitation.email.lower() != email.strip().lower():
            raise SignupRefused(
                f"This invitation is for {invitation.email}. Sign up with that address, or ask "
                "for an invitation to the address you want to use."
            )
        return invitation.school
    domain = (
        SchoolDomain.objects.select_related("school").filter(domain=email_domain(email)).first()
    )
    if domain is None:
        raise SignupRefused(refusal_message(email))
    return domain.school


def invitation_accept(*, invitation: Invitation | None, user: User) -> None:
    """Close the invitation a new account was created with (part of the sign-up transaction)."""
    if invitation is not None:
        Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            accepted_at=timezone.now(), accepted_user=user
        )


class InvitationError(Exception):
    pass


@transaction.atomic
def invitation_create(*, school: School, email: str, invited_by: User) -> Invitation:
    """
    Invite someone to join ``school``. Replaces an earlier unaccepted invitation for the
    same address.
    """
    permissions.require_can_invite_to(invited_by, school)

    email = email.strip().lower()
    if User.objects.with_mailbox(email).exists():
        raise InvitationError(f"{email} already has an account in the community.")
    home = SchoolDomain.objects.select_related("school").filter(domain=email_domain(email)).first()
    if home is not None and home.school_id != school.pk:
        # A member school's address belongs to that school: its staff sign up there themselves.
        raise InvitationError(
            f"{email} belongs to {home.school.name}; they can sign up there themselves."
        )
    now = timezone.now()
    Invitation.objects.select_for_update().filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    invitation = Invitation.objects.create(
        email=email,
        school=school,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    mail_invitation(invitation.pk)  # on the ledger with the invitation; sent after commit
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User | None) -> None:
    """Withdraw an open invitation (``by`` None: the admin's action, staff only)."""
    if by is not None:
        permissions.require_can_invite_to(by, invitation.school)
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def network_join(*, network: SubjectNetwork, user: User) -> None:
    permissions.require_can_join_network(user, network)
    network.members.add(user)


def network_leave(*, network: SubjectNetwork, user: User) -> None:
    network.members.remove(user)


def password_reset_send(*, users, request) -> int:
    """
    Email each active person allauth's password reset link (through the ledger, like all account
    mail), so they choose their own password. Returns how many were sent.
    """
    sent = 0
    for user in users:
        if not user.is_active:
            continue
        form = ResetPasswordForm(data={"email": user.email})
        if form.is_valid():
            form.save(request)
            sent += 1
    return sent


# --- Leaving the community ------------------------------------------------------------------


def _leave_community(user: User) -> None:
    """The structure's part of any removal: memberships, leader roles and open invitations."""
    SubjectNetwork.members.through.objects.filter(user=user).delete()
    SubjectNetwork.leads.through.objects.filter(user=user).delete()
    Hub.leaders.through.objects.filter(user=user).delete()
    School.cpd_leaders.through.objects.filter(user=user).delete()
    Invitation.objects.filter(
        Q(invited_by=user) | Q(email__iexact=user.email),
        accepted_at__isnull=True,
        revoked_at__isnull=True,
    ).update(revoked_at=timezone.now())


def _check_may_remove(by: User, user: User) -> None:
    permissions.require_can_remove_user(by, user)


@transaction.atomic
def user_deactivate(*, user: User, by: User) -> User:
    """
    Someone has left their school: they can no longer sign in, leave every network and leader
    role, their open invitations are withdrawn, and each app removes them in its own way
    (``hubs.signals.user_deactivated``: bookings cancelled, shares hidden, profile hidden).
    """
    _check_may_remove(by, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    _leave_community(user)
    if user.is_active:
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.save(update_fields=["is_active", "deactivated_at"])
    user_deactivated.send(sender=User, user=user, by=by)
    return user


@transaction.atomic
def user_delete(*, user: User, by: User) -> None:
    """
    Delete an account and every trace of it: the structure's part here, each app's part in
    its receiver of ``hubs.signals.user_deleting`` (bookings cancelled so the waitlist moves,
    attachment files removed, the email ledger's address replaced by a hash), then the rows.
    """
    _check_may_remove(by, user)
    _delete(user, by=by)


@transaction.atomic
def user_expire(*, user: User) -> None:
    """
    The retention policy's deletion (privacy.services.retention_apply, run by the operator's
    scheduled job): the same as ``user_delete``, with nobody doing it.
    """
    _delete(user, by=None)


def _delete(user: User, *, by: User | None) -> None:
    user = User.objects.select_for_update().get(pk=user.pk)
    _leave_community(user)
    user_deleting.send(sender=User, user=user, by=by)
    # The ledger sits below every app and listens to none: tell it directly.
    ledger_forget(user=user)
    user.delete()


def invitation_resend(*, invitations, by: User) -> int:
    """
    Send each unanswered invitation again as a fresh one (a new link and expiry; the old link
    stops working), through ``invitation_create`` and so the ledger. Returns how many were sent.
    """
    sent = 0
    for invitation in invitations:
        if invitation.accepted_at is not None or invitation.revoked_at is not None:
            continue
        try:
            invitation_create(school=invitation.school, email=invitation.email, invited_by=by)
        except InvitationError:
            continue  # they have an account by now, or the address became a member school's
        sent += 1
    return sent


def throttle_record(*, request, group: str, key: str) -> None:
    """Count a request refused by a rate limit against this person's row for the hour."""
    now = timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    user = request.user if request.user.is_authenticated else None
    row, _ = ThrottledRequest.objects.get_or_create(
        key=key, group=group, hour=hour, defaults={"user": user}
    )
    ThrottledRequest.objects.filter(pk=row.pk).update(
        refused=F("refused") + 1, last_path=request.path[:200], last_at=now
    )
