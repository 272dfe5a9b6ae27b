"""
What quality reviews send, through the ledger (registered in QualityConfig.ready()):

- ``quality_survey``: the staff survey's link, one per person and survey (key
  ``quality_survey:<survey>``), sent a batch at a time (survey.py). The email carries the
  person's own link and nothing else about the survey; no answer ever reaches the ledger.
- ``quality_peer_invite``: a peer reviewer is invited (``quality_peer_invite:<peer review>:
  <reviewer>``: once per reviewer).
"""

from __future__ import annotations

from django.urls import reverse

from notifications import registry
from notifications.categories import Category
from notifications.rendering import absolute_url
from notifications.services import send_templated_mail

from .models import PeerReview, Survey
from .survey import token_for

SURVEY = "quality_survey"
PEER_INVITE = "quality_peer_invite"


def _survey_of(key: str) -> Survey | None:
    return (
        Survey.objects.select_related("review__school")
        .filter(pk=int(key.split(":")[1]), closed_on__isnull=True)
        .first()
    )


def _survey_context(survey: Survey, user_id: int) -> dict:

    return {
        "school": survey.review.school,
        "year": survey.review.year_label,
        "survey_url": absolute_url(
            reverse("quality_survey:answer", kwargs={"token": token_for(survey.pk, user_id)})
        ),
    }


def survey_contexts(recipients: list, key: str) -> dict[int, dict]:
    """The batch builder: each person's own link (one query for the survey)."""
    survey = _survey_of(key)
    if survey is None:
        return {}
    invited = set(
        survey.invites.filter(user_id__in=[u.pk for u in recipients], answered=False).values_list(
            "user_id", flat=True
        )
    )
    return {
        u.pk: {**_survey_context(survey, u.pk), "person": u} for u in recipients if u.pk in invited
    }


def survey_email(delivery) -> registry.Email | None:
    """One survey email (a retry or the sweep): the same as in its batch."""
    if delivery.recipient is None:
        return None
    found = survey_contexts([delivery.recipient], delivery.key)
    context = found.get(delivery.recipient.pk)
    return registry.Email(context=context) if context else None


def peer_invite_key(peer_id: int, reviewer_id: int) -> str:
    return f"{PEER_INVITE}:{peer_id}:{reviewer_id}"


def mail_reviewer_invited(peer: PeerReview) -> list:
    if peer.reviewer is None:
        return []
    return send_templated_mail(
        PEER_INVITE, to=[peer.reviewer.email], key=peer_invite_key(peer.pk, peer.reviewer_id)
    )


def peer_invite_email(delivery) -> registry.Email | None:
    _, peer_id, reviewer_id = delivery.key.split(":")
    peer = (
        PeerReview.objects.select_related("review__school", "reviewer", "invited_by")
        .filter(pk=int(peer_id), reviewer_id=int(reviewer_id), accepted_at__isnull=True)
        .first()
    )
    if peer is None:
        return None
    return registry.Email(
        context={
            "peer": peer,
            "school": peer.review.school,
            "year": peer.review.year_label,
            "review_url": absolute_url(peer.review.get_absolute_url()),
        },
        reply_to=registry.reply_to(peer.invited_by),
    )


def register_emails() -> None:
    registry.register(
        SURVEY, category=Category.ESSENTIAL, build=survey_email, build_batch=survey_contexts
    )
    registry.register(PEER_INVITE, category=Category.ESSENTIAL, build=peer_invite_email)
