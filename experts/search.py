"""
The directory's search: one text document per profile, and how a query is matched against it.

On Postgres the document has a full-text index (``to_tsvector('english', …)``, queried with
``websearch_to_tsquery`` so user text is never raw tsquery syntax) and a trigram index, so a typo
("questionning") still finds the right people. Elsewhere (SQLite) every word must appear somewhere
in the document: plain and correct.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from .models import ExpertProfile, ProfileArea

VECTOR = SearchVector("search_document", config="english")


def build_documents(profile_ids: Iterable[int]) -> dict[int, str]:
    """The search text of each profile, in three queries whatever the number of profiles."""
    ids = list(profile_ids)
    docs: dict[int, list[str]] = {}
    for pk, first, last, headline, bio, school in ExpertProfile.objects.filter(
        pk__in=ids
    ).values_list(
        "pk", "user__first_name", "user__last_name", "headline", "bio", "user__school__name"
    ):
        docs[pk] = [first, last, headline, school or "", bio]
    for pk, name, synonyms in ProfileArea.objects.filter(profile_id__in=ids).values_list(
        "profile_id", "area__name", "area__synonyms"
    ):
        docs[pk] += [name, synonyms]
    for pk, subject in ExpertProfile.subjects.through.objects.filter(
        expertprofile_id__in=ids
    ).values_list("expertprofile_id", "subject__name"):
        docs[pk].append(subject)
    return {pk: " ".join(part for part in parts if part) for pk, parts in docs.items()}


def refresh_documents(profile_ids: Iterable[int]) -> None:
    ids = list(profile_ids)
    for start in range(0, len(ids), 1000):
        batch = build_documents(ids[start : start + 1000])
        profiles = [ExpertProfile(pk=pk, search_document=text) for pk, text in batch.items()]
        ExpertProfile.objects.bulk_update(profiles, ["search_document"], batch_size=1000)


def matching(queryset: QuerySet[ExpertProfile], text: str) -> QuerySet[ExpertProfile]:
    """
    Profiles matching the search text. On Postgres: the full-text index first; only when it
    finds nobody, the trigram index (a typo). Ordering is left to the caller (area matches first).
    """
    words = text.split()[:8]
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(" ".join(words), search_type="websearch", config="english")
        found = queryset.filter(search_document_vector=query)
        if found.exists():
            return found
        typo = Q()
        for word in words:
            typo &= Q(search_document__trigram_word_similar=word)
        return queryset.filter(typo)
    for word in words:
        queryset = queryset.filter(search_document__icontains=word)
    return queryset


def with_vector(queryset: QuerySet[ExpertProfile]) -> QuerySet[ExpertProfile]:
    return (
        queryset.alias(search_document_vector=VECTOR)
        if connection.vendor == "postgresql"
        else queryset
    )
