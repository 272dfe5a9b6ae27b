"""Setting up a real, empty community: its name and its first coordinator."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.adapter import get_adapter
from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress
from allauth.account.utils import user_pk_to_url_str
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from notifications.rendering import absolute_url

from ..models import COORDINATORS_GROUP, Community, User


class SetupRefused(Exception):
    """Why the community cannot be set up as asked, in words for the person running it."""


@dataclass
class SetupResult:
    community: Community
    coordinator: User
    created_community: bool
    created_coordinator: bool
    emailed: bool


def _site_request():
    """A request for the configured SITE_URL, so links in the email point at the real site."""
    url = urlsplit(settings.SITE_URL)
    return RequestFactory().get(
        "/",
        SERVER_NAME=url.hostname,
        SERVER_PORT=str(url.port or (443 if url.scheme == "https" else 80)),
        secure=url.scheme == "https",
    )


def _split_name(full_name: str) -> tuple[str, str]:
    words = full_name.split()
    if not words:
        return "", ""
    if len(words) == 1:
        return words[0], ""
    return " ".join(words[:-1]), words[-1]


def welcome_send(*, coordinator: User, request) -> bool:
    """
    The first coordinator's own email: the community is ready, choose a password from this
    link (allauth's password-reset key, so the link works once), then what to do first.
    Through the account adapter, so it is on the ledger like all account mail.
    """
    if not coordinator.is_active:
        return False
    adapter = get_adapter(request)
    key = f"{user_pk_to_url_str(coordinator)}-{default_token_generator.make_token(coordinator)}"
    adapter.send_mail(
        "account/email/community_welcome",
        coordinator.email,
        {
            "user": coordinator,
            "password_reset_url": adapter.get_reset_password_from_key_url(key),
            "community_url": absolute_url(reverse("hubs:community_edit")),
            "schools_import_url": absolute_url(reverse("hubs:import_schools")),
        },
    )
    return True


def community_setup(
    *,
    name: str,
    coordinator_email: str,
    coordinator_name: str = "",
    contact_email: str | None = None,
) -> SetupResult:
    """
    Store the community's name and contact address (the coordinator's, unless another is given)
    and make ``coordinator_email`` its first coordinator, called ``coordinator_name`` (Coordinators
    group, admin access; two-factor authentication is asked at their first admin sign-in by
    hubs.middleware). A new coordinator must be given a name. They are emailed a welcome with a
    link to choose their password. Running it again with the same name is harmless; with
    another name it is refused.
    """
    name = " ".join(name.split())
    coordinator_name = " ".join(coordinator_name.split())
    if not name:
        raise SetupRefused('Give the community a name, for example --name "Tyne Valley CPD".')
    if len(name) > Community._meta.get_field("name").max_length:
        raise SetupRefused("The community's name is too long: keep it under 120 characters.")
    email = coordinator_email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise SetupRefused(f"“{coordinator_email}” is not an email address.") from None
    contact = email if contact_email is None else contact_email.strip().lower()
    if contact:
        try:
            validate_email(contact)
        except ValidationError:
            raise SetupRefused(f"“{contact_email}” is not an email address.") from None
    first_name, last_name = _split_name(coordinator_name)
    if len(first_name) > 100 or len(last_name) > 100:
        raise SetupRefused("The coordinator's name is too long.")

    with transaction.atomic():
        community = Community.objects.select_for_update().filter(pk=1).first()
        created_community = community is None
        if community is None:
            community = Community.objects.create(pk=1, name=name, contact_email=contact)
        elif community.name != name:
            raise SetupRefused(
                f"This install is already set up for “{community.name}”. To rename it, the "
                "coordinator changes it at /coordinator/community/; nothing was changed."
            )
        elif contact_email is not None and community.contact_email != contact:
            community.contact_email = contact
            community.save(update_fields=["contact_email"])
        coordinator = User.objects.with_mailbox(email).first()
        created_coordinator = coordinator is None
        if not first_name and (coordinator is None or not coordinator.first_name):
            raise SetupRefused(
                'Give the coordinator\'s name, for example --coordinator-name "Helen Okafor": '
                "pages and emails greet them by it."
            )
        if coordinator is None:
            coordinator = User.objects.create_user(
                email=email,
                first_name=first_name,
                last_name=last_name,
                school=None,
            )
        elif first_name:
            coordinator.first_name, coordinator.last_name = first_name, last_name
        coordinator.is_staff = True
        coordinator.is_active = True
        coordinator.save(update_fields=["is_staff", "is_active", "first_name", "last_name"])
        coordinator.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
        EmailAddress.objects.get_or_create(
            user=coordinator,
            email=coordinator.email,
            defaults={"primary": True, "verified": False},
        )
        emailed = False
        if created_coordinator or not coordinator.has_usable_password():
            # Choosing the password from the emailed link proves the mailbox.
            request = _site_request()
            with allauth_context.request_context(request):
                emailed = welcome_send(coordinator=coordinator, request=request)
    return SetupResult(community, coordinator, created_community, created_coordinator, emailed)
