"""Writes to the directory. Each function is one transaction."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hubs.models import User

from .emails import mail_contact_request
from .models import ERASED_MESSAGE, ContactRequest, ExpertiseArea, ExpertProfile, ProfileArea
from .search import refresh_documents
from .selectors import requests_this_term

DAILY_CONTACT_LIMIT = getattr(settings, "CPDHUB_DAILY_CONTACT_LIMIT", 5)


class ContactRefused(Exception):
    """Why a contact request cannot be sent, in words for the sender."""


@transaction.atomic
def profile_confirm(*, profile: ExpertProfile) -> None:
    """Confirmed for this term: live again if it had gone stale, so its words count again."""
    ExpertProfile.objects.filter(pk=profile.pk).update(last_confirmed_at=timezone.now())
    refresh_documents([profile.pk])


@transaction.atomic
@transaction.atomic
def contact_request_create(
    *, profile: ExpertProfile, sender: User, message: str, area: ExpertiseArea | None = None
) -> ContactRequest:

    # Lock the sender's row so two quick submissions cannot both slip under the daily limit.
    User.objects.select_for_update().filter(pk=sender.pk).first()
    since = timezone.now() - datetime.timedelta(days=1)
    if (
        ContactRequest.objects.filter(sender=sender, created_at__gte=since).count()
        >= DAILY_CONTACT_LIMIT
    ):
        raise ContactRefused(
            f"You have sent {DAILY_CONTACT_LIMIT} requests in the last 24 hours, which is the most "
            "we allow. Please try again tomorrow."
        )
    if (
        profile.termly_capacity is not None
        and requests_this_term(profile) >= profile.termly_capacity
    ):
        raise ContactRefused(
            f"{profile.user.first_name} is not taking requests this term. Try another colleague, "
            "or ask the coordinator."
        )
    request = ContactRequest.objects.create(
        profile=profile, sender=sender, message=message.strip(), area=area
    )
    mail_contact_request(request.pk)  # on the ledger with the request; sent after commit
    return request


def _helped_once(contact_request: ContactRequest) -> None:
    """Record the help (the first time only) and count it towards the expert's recognition."""
    if ContactRequest.objects.filter(pk=contact_request.pk, helped_at__isnull=True).update(
        helped_at=timezone.now()
    ):
        ExpertProfile.objects.filter(pk=contact_request.profile_id).update(
            helped_count=F("helped_count") + 1
        )


@transaction.atomic
def contact_mark_helped(*, contact_request: ContactRequest) -> None:
    """The expert says they helped (saying it twice counts once)."""
    _helped_once(contact_request)


@transaction.atomic
def contact_thank(*, contact_request: ContactRequest, note: str) -> None:
    """The colleague who asked leaves a thank-you; being thanked means the expert helped."""
    ContactRequest.objects.filter(pk=contact_request.pk).update(thank_you=note.strip())
    _helped_once(contact_request)


@transaction.atomic
@transaction.atomic
def contact_requests_anonymise(*, user: User) -> int:
    """
    A person's account is being erased: the contact requests they sent or received stay, as
    counts (when, which area, whether it helped), unlinked from them and without any words
    (the message and thank-you either side wrote may name them). Their profile goes after this.
    Returns the rows changed.
    """
    words = {"message": ERASED_MESSAGE, "thank_you": ""}
    sent = ContactRequest.objects.filter(sender=user).update(sender=None, **words)
    received = ContactRequest.objects.filter(profile__user=user).update(profile=None, **words)
    return sent + received


def area_merge(*, keep: ExpertiseArea, duplicates: list[ExpertiseArea]) -> int:
    """
    Fold duplicate areas into ``keep``: their offers move over (combined with an offer the
    profile already has in ``keep``), contact requests follow, names become synonyms.
    Returns how many profiles' offers moved.
    """

    moved = 0
    touched: set[int] = set()
    words = set(keep.synonym_list)
    for duplicate in duplicates:
        if duplicate.pk == keep.pk:
            continue
        for offer in ProfileArea.objects.select_for_update().filter(area=duplicate):
            existing = ProfileArea.objects.filter(profile_id=offer.profile_id, area=keep).first()
            if existing is None:
                offer.area = keep
                offer.save(update_fields=["area"])
            else:
                for field in ProfileArea.OFFER_FIELDS:
                    setattr(existing, field, getattr(existing, field) or getattr(offer, field))
                existing.save()
                offer.delete()
            touched.add(offer.profile_id)
            moved += 1
        ContactRequest.objects.filter(area=duplicate).update(area=keep)
        words |= {duplicate.name, *duplicate.synonym_list}
        duplicate.delete()
    keep.synonyms = ", ".join(sorted(words - {keep.name}))
    keep.save(update_fields=["synonyms"])
    refresh_documents(touched)
    return moved


@transaction.atomic
def profile_save(*, user: User, form, offers) -> tuple[ExpertProfile, bool]:
    """
    Save this person's own profile from its validated form and offers formset (the areas they
    offer). A new profile counts as confirmed now. Returns the profile and whether it is new.
    """
    profile = form.save(commit=False)
    creating = profile.pk is None
    profile.user = user
    if creating:
        profile.last_confirmed_at = timezone.now()
    profile.save()
    form.save_m2m()
    offers.instance = profile
    offers.save()
    return profile, creating


@transaction.atomic
def helped_add(*, user_id: int) -> None:
    """Help given outside a contact request (a peer visit's thank-you, in enquiry) counts on the
    person's profile the same way, when they have one."""
    ExpertProfile.objects.filter(user_id=user_id).update(helped_count=F("helped_count") + 1)
