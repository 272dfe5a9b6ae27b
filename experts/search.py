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


def sort_name(first: str, last: str) -> str:
    """How the directory orders people: by last name, then first name, ignoring case."""
    return f"{last} {first}".strip().lower()[:150]


def build_documents(profile_ids: Iterable[int]) -> dict[int, tuple[str, str, bool]]:
    """Each profile's search text, sort name and whether its person is active, in three
    queries whatever the number of profiles."""
    ids = list(profile_ids)
    docs: dict[int, list[str]] = {}
    people: dict[int, tuple[str, bool]] = {}
    for pk, first, last, active, headline, bio, school in ExpertProfile.objects.filter(
        pk__in=ids
    ).values_list(
        "pk",
        "user__first_name",
        "user__last_name",
        "user__is_active",
        "headline",
        "bio",
        "user__school__name",
    ):
        docs[pk] = [first, last, headline, school or "", bio]
        people[pk] = (sort_name(first, last), active)
    for pk, name, synonyms in ProfileArea.objects.filter(profile_id__in=ids).values_list(
        "profile_id", "area__name", "area__synonyms"
    ):
        docs[pk] += [name, synonyms]
    for pk, subject in ExpertProfile.subjects.through.objects.filter(
        expertprofile_id__in=ids
    ).values_list("expertprofile_id", "subject__name"):
        docs[pk].append(subject)
    return {
        pk: (" ".join(part for part in parts if part), *people[pk]) for pk, parts in docs.items()
    }


def words_of(text: str) -> set[str]:
    """The words of a document worth correcting a typo towards."""
    return {w for w in WORD.findall(text.lower()) if 4 <= len(w) <= 40}


def refresh_documents(profile_ids: Iterable[int]) -> None:
    """Rebuild the documents and what is kept with them (on Postgres the stored vectors), and
    grow the vocabulary."""
    ids = list(profile_ids)
    for start in range(0, len(ids), 1000):
        batch = build_documents(ids[start : start + 1000])
        profiles = [
            ExpertProfile(pk=pk, search_document=text, sort_name=name, user_is_active=active)
            for pk, (text, name, active) in batch.items()
        ]
        ExpertProfile.objects.bulk_update(
            profiles, ["search_document", "sort_name", "user_is_active"], batch_size=1000
        )
        if connection.vendor == "postgresql":
            ExpertProfile.objects.filter(pk__in=list(batch)).update(search_vector=VECTOR)
        words = set().union(*(words_of(text) for text, _name, _active in batch.values()))
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
