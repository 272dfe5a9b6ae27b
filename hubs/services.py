"""Writes to the community's structure. Each function is one transaction."""

from __future__ import annotations

import datetime

from allauth.account.forms import ResetPasswordForm
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from notifications.services import address_hash, ledger_forget

from . import lone_rangers, permissions, selectors
from .emails import mail_invitation, mail_invitations, mail_lone_ranger
from .models import (
    Community,
    Hub,
    Invitation,
    LoneRangerInvitation,
    School,
    SchoolDomain,
    SubjectNetwork,
    User,
    UserResponsibility,
)
from .signals import user_deactivated, user_deleting


class SignupRefused(Exception):
    """Why an address may not sign up, in words for the person trying."""


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower()


def refusal_message(email: str) -> str:
    contact = selectors.community_details().contact_email
    coordinator = "the community coordinator" + (f" ({contact})" if contact else "")
    return (
        f"Sign-up is open to staff of the community's member schools, and "
        f"“{email_domain(email)}” is not the email domain of a member school. "
        f"Sign up with your school email address, or ask your school's CPD leader or "
        f"{coordinator} to send you an invitation."
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


class DomainError(Exception):
    """Why a school email domain cannot be added, in words for the person adding it."""


@transaction.atomic
def school_domain_add(*, school: School, domain: str, by: User) -> SchoolDomain:
    """Let staff with addresses at ``domain`` sign up for ``school`` (its leaders, coordinators)."""
    permissions.require_can_edit_school_domains(by, school)
    candidate = SchoolDomain(school=school, domain=domain)
    try:
        candidate.clean()
    except ValidationError as error:
        raise DomainError(" ".join(error.message_dict["domain"])) from None
    owner = SchoolDomain.objects.select_related("school").filter(domain=candidate.domain).first()
    if owner is not None:
        raise DomainError(
            f"{candidate.domain} is already set"
            + (
                " for this school."
                if owner.school_id == school.pk
                else f" for {owner.school.name}."
            )
        )
    candidate.save()
    return candidate


def school_domain_remove(*, domain: SchoolDomain, by: User) -> None:
    """Stop new sign-ups from ``domain`` (people who have joined stay members)."""
    permissions.require_can_edit_school_domains(by, domain.school)
    SchoolDomain.objects.filter(pk=domain.pk).delete()


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


def invitations_create_many(
    *, invitations: list[tuple[School, str]], invited_by: User | None
) -> list[Invitation]:
    """
    Invite many addresses at once (a staff import): ``invitation_create`` in bulk, for
    addresses the caller has already checked have no account and are no other member school's.
    Earlier unaccepted invitations for the same addresses are replaced, each new one goes on
    the email ledger once; a few queries per call, not per address. ``invited_by`` None: the
    command line (whoever runs ``manage.py`` may do anything).
    """
    if invited_by is not None:
        for school in {school.pk: school for school, _ in invitations}.values():
            permissions.require_can_invite_to(invited_by, school)
    if not invitations:
        return []
    now = timezone.now()
    emails = [email.strip().lower() for _, email in invitations]
    with transaction.atomic():
        Invitation.objects.annotate(lower=Lower("email")).filter(
            lower__in=emails, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        made = Invitation.objects.bulk_create(
            [
                Invitation(
                    email=email,
                    school=school,
                    invited_by=invited_by,
                    created_at=now,
                    expires_at=now + datetime.timedelta(days=settings.INVITATION_VALID_DAYS),
                )
                for (school, _), email in zip(invitations, emails, strict=True)
            ],
            batch_size=500,
        )
        mail_invitations([(invitation.pk, invitation.email) for invitation in made])
    return made


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
    """
    The one erase path (the person's own "delete my account", the coordinator's delete in the
    admin, the retention job): the structure's part, each app's part in its receiver of
    ``user_deleting`` (what they did kept as counts, what they wrote erased), the ledger's
    addresses hashed, the admin's history cleared of their name, then the account's own rows.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    _leave_community(user)
    user_deleting.send(sender=User, user=user, by=by)
    # The ledger sits below every app and listens to none: tell it directly.
    ledger_forget(user=user)
    # Invitations to their address (accepted, withdrawn or expired) keep their school and dates.
    Invitation.objects.filter(email__iexact=user.email).update(
        email=address_hash(user.email), accepted_user=None
    )
    _forget_in_admin_history(user)
    user.delete()


ERASED_REPR = "An erased account"


def _forget_in_admin_history(user: User) -> None:
    """The admin's history keeps that a change was made, not whose account it was."""
    names = [n for n in {user.email, user.full_name} if n and len(n) > 2]
    named = Q(content_type__app_label="hubs", content_type__model="user", object_id=str(user.pk))
    for name in names:
        named |= Q(object_repr__icontains=name) | Q(change_message__icontains=name)
    LogEntry.objects.filter(named).update(object_repr=ERASED_REPR, change_message="")


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


# --- Lone rangers and hubs ----------------------------------------------------------------------


@transaction.atomic
def lone_rangers_invite(*, by: User | None, notify: bool = True) -> int:
    """
    Invite every lone ranger not yet invited to the matching subject network: one row per
    person and network (the unique constraint) and one email each through the ledger (its key
    is the same pair), so the nightly job and the coordinator's button can run any number of
    times and each person hears once. ``by`` None: the nightly job. ``notify=False``: the rows
    only, no email (seed_demo: demo people have no mailbox). Returns how many were new.
    """
    if by is not None:
        permissions.require_can_invite_lone_rangers(by)
    # Alone for a subject: its subject network; alone for a responsibility (SENCo, DSL, …):
    # the network for that responsibility, if there is one.
    rows = lone_rangers.lone_rangers_to_invite()
    rows += lone_rangers.lone_rangers_by_responsibility_to_invite()
    if not rows:
        return 0
    created = LoneRangerInvitation.objects.bulk_create(
        [
            LoneRangerInvitation(
                user_id=row.user_id,
                network_id=row.network_pk,
                subject_id=getattr(row, "subject_id", None) or row.network_subject,
                invited_by=by,
            )
            for row in rows
        ],
        ignore_conflicts=True,
    )
    for row in rows if notify else []:
        mail_lone_ranger(email=row.user.email, user_id=row.user_id, network_id=row.network_pk)
    return len(created)


@transaction.atomic
def responsibilities_set(*, user: User, responsibilities: list[str]) -> None:
    """The responsibilities a person holds (from "my details"): those ticked, no others."""
    wanted = set(responsibilities)
    UserResponsibility.objects.filter(user=user).exclude(responsibility__in=wanted).delete()
    UserResponsibility.objects.bulk_create(
        [UserResponsibility(user=user, responsibility=r) for r in sorted(wanted)],
        ignore_conflicts=True,
    )


@transaction.atomic
def community_update(*, by: User, name: str, contact_email: str) -> Community:
    """
    The coordinator renames the community or changes the address every page gives for help.
    Pages and emails show the new values at once (the cached copy is forgotten on save).
    """
    permissions.require_coordinator(by)
    name = " ".join(name.split())
    if not name:
        raise ValidationError("Give the community a name.")
    community = Community.objects.select_for_update().filter(pk=1).first()
    if community is None:
        community = Community(pk=1)
    community.name = name
    community.contact_email = contact_email.strip().lower()
    community.full_clean(exclude=["created_at"])
    community.save()
    return community


@transaction.atomic
def hub_update(*, hub: Hub, by: User, description: str) -> Hub:
    permissions.require_can_edit_hub(by, hub)
    hub = Hub.objects.select_for_update().get(pk=hub.pk)
    hub.description = description.strip()
    hub.save(update_fields=["description"])
    return hub
