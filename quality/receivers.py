"""
How quality reviews answer an account being erased (hubs.signals.user_deleting): the school's
review stays the school's. The person's survey invitations go with the account (the cascade);
the anonymous answers stay as they are, pointing at nobody, so the survey's figures do not
change. Their name and address are taken out of the review's texts (comments, evidence,
findings, actions) of their school's reviews and of those they peer-reviewed; the foreign
keys that named them (rated by, owner, reviewer) are emptied by the deletion.
"""

from __future__ import annotations

from django.db.models import Q

from cpdhub.erasure import names_of, scrub_text

from .models import Action, Finding, Rating, Review


def _scrub(queryset, fields: tuple[str, ...], names: list[str]) -> None:
    for obj in queryset.only("pk", *fields):
        changed = {f: scrub_text(getattr(obj, f), names) for f in fields}
        if any(changed[f] != getattr(obj, f) for f in fields):
            type(obj).objects.filter(pk=obj.pk).update(**changed)


def forget_person(sender, user, **kwargs) -> None:
    names = names_of(user)
    reviews = Review.objects.filter(
        Q(school_id=user.school_id) | Q(peer_review__reviewer=user) | Q(started_by=user)
    )
    _scrub(Rating.objects.filter(review__in=reviews), ("comment", "evidence"), names)
    _scrub(Finding.objects.filter(peer_review__review__in=reviews), ("text",), names)
    _scrub(Action.objects.filter(review__in=reviews), ("text",), names)
