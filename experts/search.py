"""
The directory's search: one text document per profile, and how a query is matched against it.

On Postgres the document's full-text vector is stored beside it with a GIN index (queried with
``websearch_to_tsquery``, so user text is never raw tsquery syntax). Elsewhere (SQLite) every
word must appear somewhere in the document: plain and correct. When nobody matches, a misspelt
word ("questionning") is corrected against the vocabulary of the live profiles' documents and
the search runs again (trigram-indexed on Postgres).
"""

from __future__ import annotations

import difflib
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Greatest

from .models import ExpertProfile, ProfileArea, SearchWord, live_q

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


# The directory keeps its result pages (experts/directory.py, RankedPages) under this version.
RESULTS_VERSION_KEY = "experts:directory-results-version"


def results_version() -> int:
    version = cache.get(RESULTS_VERSION_KEY)
    if version is None:
        # A number never used before: a cache that restarted cannot serve an old page.
        cache.add(RESULTS_VERSION_KEY, time.time_ns(), None)
        version = cache.get(RESULTS_VERSION_KEY) or 0
    return version


def forget_directory_results() -> None:
    """A profile's searchable content changed: every kept result page goes, at once and again
    when the transaction commits (a search that read the old rows meanwhile cannot keep them).
    Writes that send no signal (a bulk update) show within the pages' timeout."""
    cache.set(RESULTS_VERSION_KEY, time.time_ns(), None)
    transaction.on_commit(lambda: cache.set(RESULTS_VERSION_KEY, time.time_ns(), None))


def refresh_documents(profile_ids: Iterable[int]) -> None:
    """Rebuild the documents and what is kept with them (on Postgres the stored vectors), and
    move the vocabulary's counts from each profile's old words to its new ones (none unless
    the profile is live)."""
    ids = list(profile_ids)
    if ids:
        forget_directory_results()
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        before = _counted_words(chunk)
        batch = build_documents(chunk)
        profiles = [
            ExpertProfile(pk=pk, search_document=text, sort_name=name, user_is_active=active)
            for pk, (text, name, active) in batch.items()
        ]
        ExpertProfile.objects.bulk_update(
            profiles, ["search_document", "sort_name", "user_is_active"], batch_size=1000
        )
        copy_to_offers(chunk)
        # Live now (visible() reads the user_is_active just stored).
        mine = ExpertProfile.objects.filter(pk__in=chunk)
        live = set(mine.visible().values_list("pk", flat=True))
        mine.filter(pk__in=live).update(in_vocabulary=True)
        mine.exclude(pk__in=live).update(in_vocabulary=False)
        if connection.vendor == "postgresql":
            ExpertProfile.objects.filter(pk__in=list(batch)).update(search_vector=VECTOR)
        after = {pk: words_of(text) for pk, (text, _name, _active) in batch.items() if pk in live}
        _count(before, after)


def copy_to_offers(profile_ids: Iterable[int]) -> None:
    """The offers carry their profile's order and live conditions (the directory's walks) and
    who offers them, school and phases (the suggestions' walks): one UPDATE, one read of the
    phases and one UPDATE for each set of phases that changed. What the walks found before is
    forgotten (kept result pages, kept suggestions)."""
    ids = list(profile_ids)
    forget_directory_results()
    profile = ExpertProfile.objects.filter(pk=OuterRef("profile_id"))
    ProfileArea.objects.filter(profile_id__in=ids).update(
        offerer_school=Subquery(profile.values("user__school")[:1]),
        **{field: Subquery(profile.values(field)[:1]) for field in ProfileArea.LIVE_FIELDS},
    )
    phases: dict[int, list[int]] = defaultdict(list)
    through = ExpertProfile.phases.through.objects.filter(expertprofile_id__in=ids)
    for pk, phase_id in through.values_list("expertprofile_id", "phase_id"):
        phases[pk].append(phase_id)
    by_key: dict[str, list[int]] = defaultdict(list)
    for pk in ids:
        by_key[ProfileArea.phases_key(phases[pk])].append(pk)
    for key, pks in by_key.items():
        ProfileArea.objects.filter(profile_id__in=pks).exclude(offerer_phases=key).update(
            offerer_phases=key
        )


def forget_documents(profile_ids: Iterable[int]) -> None:
    """Take the profiles' words out of the vocabulary (a profile deleted, or about to be)."""
    ids = list(profile_ids)
    forget_directory_results()
    _count(_counted_words(ids), {})
    ExpertProfile.objects.filter(pk__in=ids).update(in_vocabulary=False)


def _counted_words(profile_ids: list[int]) -> dict[int, set[str]]:
    """The words each profile now adds to the vocabulary's counts."""
    rows = ExpertProfile.objects.filter(pk__in=profile_ids, in_vocabulary=True)
    return {pk: words_of(text) for pk, text in rows.values_list("pk", "search_document")}


def _count(before: dict[int, set[str]], after: dict[int, set[str]]) -> None:
    """Move the counts from the words before to the words after: one UPDATE per distinct
    change (+1, -1, +2…), then the words nobody live uses any more go."""
    change: Counter[str] = Counter()
    for words in after.values():
        change.update(words)
    for words in before.values():
        change.subtract(words)
    by_change: dict[int, list[str]] = defaultdict(list)
    for word, n in change.items():
        if n:
            by_change[n].append(word)
    if not by_change:
        return
    added = [w for n, words in by_change.items() if n > 0 for w in words]
    SearchWord.objects.bulk_create(
        [SearchWord(word=w) for w in added], batch_size=1000, ignore_conflicts=True
    )
    for n, words in by_change.items():
        SearchWord.objects.filter(word__in=words).update(uses=Greatest(F("uses") + n, 0))
    gone = [w for n, words in by_change.items() if n < 0 for w in words]
    SearchWord.objects.filter(word__in=gone, uses=0).delete()


@transaction.atomic
def rebuild_vocabulary() -> int:
    """The vocabulary exactly as the live profiles make it now (after a term change, profiles
    confirmed two terms ago have gone stale without any save). Returns the number of words."""
    live = ExpertProfile.objects.visible()
    ExpertProfile.objects.filter(in_vocabulary=True).exclude(live_q()).update(in_vocabulary=False)
    live.filter(in_vocabulary=False).update(in_vocabulary=True)
    uses: Counter[str] = Counter()
    for text in live.values_list("search_document", flat=True).iterator(chunk_size=2000):
        uses.update(words_of(text))
    SearchWord.objects.all().delete()
    SearchWord.objects.bulk_create(
        [SearchWord(word=w, uses=n) for w, n in uses.items()], batch_size=2000
    )
    return len(uses)


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
