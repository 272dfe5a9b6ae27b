"""Setting up a real, empty community: its name and its first coordinator."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.test import RequestFactory

from ..models import COORDINATORS_GROUP, Community, User
from ..services import password_reset_send


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


def community_setup(*, name: str, coordinator_email: str) -> SetupResult:
    """
    Store the community's name and make ``coordinator_email`` its first coordinator
    (Coordinators group, admin access; two-factor authentication is asked at their first
    admin sign-in by hubs.middleware). They are emailed a link to choose their password.
    Running it again with the same name is harmless; with another name it is refused.
    """
    name = " ".join(name.split())
    if not name:
        raise SetupRefused('Give the community a name, for example --name "Tyne Valley CPD".')
    if len(name) > Community._meta.get_field("name").max_length:
        raise SetupRefused("The community's name is too long: keep it under 120 characters.")
    email = coordinator_email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise SetupRefused(f"“{coordinator_email}” is not an email address.") from None

    with transaction.atomic():
        community = Community.objects.select_for_update().filter(pk=1).first()
        created_community = community is None
        if community is None:
            community = Community.objects.create(pk=1, name=name)
        elif community.name != name:
            raise SetupRefused(
                f"This install is already set up for “{community.name}”. To rename it, change "
                "the name in the admin site (Community); nothing was changed."
            )
        coordinator = User.objects.with_mailbox(email).first()
        created_coordinator = coordinator is None
        if coordinator is None:
            coordinator = User.objects.create_user(
                email=email,
                first_name="",
                last_name="",
                school=None,
            )
        coordinator.is_staff = True
        coordinator.is_active = True
        coordinator.save(update_fields=["is_staff", "is_active"])
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
                emailed = bool(password_reset_send(users=[coordinator], request=request))
    return SetupResult(community, coordinator, created_community, created_coordinator, emailed)
