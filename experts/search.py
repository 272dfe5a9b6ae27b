"""
The directory's search: one text document per profile, and how a query is matched against it.

On Postgres the document's full-text vector is stored beside it with a GIN index (queried with
``websearch_to_tsquery``, so user text is never raw tsquery syntax). Elsewhere (SQLite) every
word must appear somewhere in the document: plain and correct. When nobody matches, a misspelt
word ("questionning") is corrected against the vocabulary of all documents and the search runs
again (trigram-indexed on Postgres).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from .models import ExpertProfile, ProfileArea, SearchWord

VECTOR = SearchVector("search_document", config="english")
WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


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


def words_of(text: str) -> set[str]:
    """The words of a document worth correcting a typo towards."""
    return {w for w in WORD.findall(text.lower()) if 4 <= len(w) <= 40}


def refresh_documents(profile_ids: Iterable[int]) -> None:
    """Rebuild the documents (on Postgres their stored vectors too) and grow the vocabulary."""
    ids = list(profile_ids)
    for start in range(0, len(ids), 1000):
        batch = build_documents(ids[start : start + 1000])
        profiles = [ExpertProfile(pk=pk, search_document=text) for pk, text in batch.items()]
        ExpertProfile.objects.bulk_update(profiles, ["search_document"], batch_size=1000)
        if connection.vendor == "postgresql":
            ExpertProfile.objects.filter(pk__in=list(batch)).update(search_vector=VECTOR)
        words = set().union(*map(words_of, batch.values())) if batch else set()
        SearchWord.objects.bulk_create(
            [SearchWord(word=w) for w in words], batch_size=1000, ignore_conflicts=True
        )


def corrected(text: str) -> str | None:
    """
    The search text with each word the documents do not contain replaced by the closest word
    they do ("retreival practise" → "retrieval practice"), or None when nothing changes.
    On Postgres the candidates come from the vocabulary's trigram index; elsewhere from the
    words with the same first letter.
    """
    words = WORD.findall(text.lower())[:8]
    if not words:
        return None
    near = Q()
    for word in words:
        near |= (
            Q(word__trigram_similar=word)
            if connection.vendor == "postgresql"
            else Q(word__startswith=word[0])
        )
    known = list(SearchWord.objects.filter(near).values_list("word", flat=True)[:2000])
    fixed = []
    for word in words:
        close = difflib.get_close_matches(word, known, n=1, cutoff=0.75)
        fixed.append(close[0] if close and len(word) >= 4 and word not in known else word)
    return " ".join(fixed) if fixed != words else None


def matching(queryset: QuerySet[ExpertProfile], text: str) -> QuerySet[ExpertProfile]:
    """Profiles matching the search text (ordering is left to the caller: area matches first)."""
    words = text.split()[:8]
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(" ".join(words), search_type="websearch", config="english")
        return queryset.filter(search_vector=query)
    for word in words:
        queryset = queryset.filter(search_document__icontains=word)
    return queryset
