"""Reads of the directory, with their joins decided once."""

from __future__ import annotations

from django.db.models import (
    Case,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils import timezone

from hubs.models import Term
from hubs.selectors import count_per_row

from .models import ContactRequest, ExpertiseArea, ExpertProfile, ProfileArea, term_window_start


def with_card_data(queryset: QuerySet[ExpertProfile]) -> QuerySet[ExpertProfile]:
    """What a profile card shows: person, school, hub, offers, and how many people were helped."""
    return (
        queryset.select_related("user__school__hub")
        .annotate(
            helped_count=count_per_row(
                ContactRequest.objects.filter(profile=OuterRef("pk"), helped_at__isnull=False),
                "profile",
            )
        )
        .prefetch_related(
            Prefetch(
                "offers", queryset=ProfileArea.objects.select_related("area").order_by("area__name")
            )
        )
    )


def ranked(queryset: QuerySet[ExpertProfile], query: str) -> QuerySet[ExpertProfile]:
    """An area named by the search (or one of its synonyms) ranks above a passing mention."""
    words = query.split()
    if not words:
        return queryset.order_by("user__last_name", "user__first_name", "pk")
    area_hit = Q()
    for word in words:
        area_hit |= Q(area__name__icontains=word) | Q(area__synonyms__icontains=word)
    headline_hit = Q()
    for word in words:
        headline_hit |= Q(headline__icontains=word)
    return queryset.annotate(
        area_match=Exists(ProfileArea.objects.filter(area_hit, profile=OuterRef("pk"))),
        headline_match=Case(
            When(headline_hit, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
    ).order_by(F("area_match").desc(), F("headline_match").desc(), "user__last_name", "pk")


def related_areas(query: str, limit: int = 6) -> list[ExpertiseArea]:
    """For an empty result: areas whose name, synonyms or description share a word stem."""
    words = [w for w in query.split() if len(w) >= 3]
    condition = Q()
    for word in words:
        prefix = word[:4]
        condition |= (
            Q(name__icontains=prefix)
            | Q(synonyms__icontains=prefix)
            | Q(description__icontains=prefix)
        )
    if not words:
        return []
    return list(ExpertiseArea.objects.filter(condition)[:limit])


def profile_for(pk: int, viewer) -> ExpertProfile:
    """A profile the viewer may see: any visible one, or their own whatever its state."""
    base = with_card_data(ExpertProfile.objects.all()).prefetch_related("subjects", "phases")
    return base.filter(Q(pk__in=ExpertProfile.objects.visible().values("pk")) | Q(user=viewer)).get(
        pk=pk
    )


def requests_this_term(profile: ExpertProfile) -> int:
    """Requests since the latest term began (a holiday counts with the term before it)."""
    latest = Term.objects.filter(start__lte=timezone.localdate()).order_by("-start").first()
    requests = profile.contact_requests.all()
    if latest is not None:
        requests = requests.filter(created_at__date__gte=latest.start)
    return requests.count()


def stale_profiles() -> QuerySet[ExpertProfile]:
    """Profiles not confirmed this term or last (the coordinator's list)."""
    since = term_window_start()
    stale = Q(last_confirmed_at__isnull=True)
    if since is not None:
        stale |= Q(last_confirmed_at__date__lt=since)
    return ExpertProfile.objects.filter(
        stale, is_hidden=False, user__is_active=True
    ).select_related("user__school")
