"""
The directory of experts: its filters' choices (one query, cached until an area, subject,
phase, hub or school changes), how a search ranks, its result pages (``RankedPages``: counted
and ranked within ``RESULTS_CAP``, kept in the shared cache a minute), and what it offers when
nothing matches (related areas, the search respelled).
"""

from __future__ import annotations

import difflib
import hashlib
import re
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Exists,
    F,
    IntegerField,
    Lookup,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from hubs.models import Hub, Phase, School, Subject

from .models import ExpertiseArea, ExpertProfile, ProfileArea, live_q
from .search import WORD, results_version
from .search import corrected as search_corrected
from .selectors import cards_of, with_card_data

CHOICES_CACHE_KEY = "experts:directory-choices:v1"
CHOICES_VERSION_KEY = "experts:directory-choices:version"
# A safety net only: every change of an area, subject, phase, hub or school clears the cached
# choices at once (experts/signals.py); a bulk insert that sends no signal shows within this.
CHOICES_CACHE_SECONDS = 600
# This process's copy and the version it is (the choices hold 2,000 schools: reading them from
# the cache cost half a millisecond, three times a search).
_choices_here: dict = {}


def directory_choices() -> dict[str, list[tuple]]:
    """
    The directory filters' choices: for each kind a list of (value, label, hub slug for a
    school), areas, subjects, hubs and schools by name, phases in their order; and under
    "area_terms" each area's (id, name, synonyms, slug), name and synonyms in lower case.
    One query, then cached (Django's cache) until one of them changes, under a version each
    process compares with its own copy's (a short read), so it reads them again only after a
    change.
    """
    version = cache.get(CHOICES_VERSION_KEY)
    if version is not None and _choices_here.get("version") == version:
        return _choices_here["choices"]
    choices = cache.get(CHOICES_CACHE_KEY) if version is not None else None
    if choices is None:
        choices, version = _directory_choices(), uuid.uuid4().hex
        # The choices first: a process that reads the new version finds the new choices.
        cache.set_many(
            {CHOICES_CACHE_KEY: choices, CHOICES_VERSION_KEY: version}, CHOICES_CACHE_SECONDS
        )
    _choices_here.update(version=version, choices=choices)
    return choices


def forget_directory_choices() -> None:
    cache.delete_many([CHOICES_VERSION_KEY, CHOICES_CACHE_KEY])
    _choices_here.clear()


# --- Result pages, the same for everyone -------------------------------------------------------
# A search's count and each page's ids depend only on the filters and the text (the directory
# shows everyone the same live profiles), so they are kept in the shared cache for a minute
# (CPDHUB_DIRECTORY_CACHE_SECONDS) under a version that any change to a profile's searchable
# content replaces (experts/search.py: results_version); the cards are read fresh every time.


def results_key(params, *, exclude: tuple[str, ...] = ("page",)) -> str:
    """The cache key of a search: its parameters (whatever their order), and today (a profile's
    liveness follows the term dates)."""
    items = sorted((k, v) for k in params if k not in exclude for v in params.getlist(k))
    digest = hashlib.sha256(repr((items, timezone.localdate().isoformat())).encode()).hexdigest()
    return f"experts:directory-results:{digest[:32]}"


def _directory_choices() -> dict[str, list[tuple]]:
    text = CharField()

    def rows(queryset, kind: str, value: str, position=None, hub=None, extra=None):
        return queryset.order_by().values_list(
            Value(kind, output_field=text),
            Cast(value, output_field=text),
            "name",
            position if position is not None else Value(0, output_field=IntegerField()),
            hub if hub is not None else Value("", output_field=text),
            extra if extra is not None else Value("", output_field=text),
        )

    union = rows(
        ExpertiseArea.objects.all(), "area", "slug", position=F("pk"), extra=F("synonyms")
    ).union(
        rows(Subject.objects.all(), "subject", "slug"),
        rows(Phase.objects.all(), "phase", "slug", position=F("position")),
        rows(Hub.objects.all(), "hub", "slug"),
        rows(School.objects.all(), "school", "urn", hub=Coalesce("hub__slug", Value(""))),
        all=True,
    )
    choices: dict[str, list[tuple]] = {
        kind: [] for kind in ("area", "subject", "phase", "hub", "school", "area_terms")
    }
    for kind, value, label, position, hub, synonyms in sorted(
        union, key=lambda r: (r[0], r[3] if r[0] == "phase" else 0, r[2])
    ):
        choices[kind].append((value, label, hub))
        if kind == "area":
            choices["area_terms"].append((position, label.lower(), synonyms.lower(), value))
    return choices


def area_ids_by_slug() -> dict[str, int]:
    """Each area's id by its slug, from the cached choices (no query)."""
    return {slug: pk for pk, _name, _synonyms, slug in directory_choices()["area_terms"]}


def named_areas(words: list[str]) -> list[int]:
    """The areas a search names: a word found in an area's name or one of its synonyms
    ("afl" → Assessment for learning), from the cached choices (no query)."""
    lowered = [word.lower() for word in words]
    return [
        pk
        for pk, name, synonyms, _slug in directory_choices()["area_terms"]
        if any(word in name or word in synonyms for word in lowered)
    ]


PLAIN_WORD = re.compile(r"[^\W\d_]+")


def covering_areas(words: list[str]) -> list[int]:
    """The areas whose name and synonyms hold every word of the search as a word of their own
    ("retrieval practice" → Retrieval practice). Everyone offering one matches the search
    whatever else they wrote (their document holds the area's name and synonyms), so they need
    no text check. Only for plain words: quotes, "or" and "-word" have meanings of their own."""
    lowered = [word.lower() for word in words]
    if not lowered or not all(PLAIN_WORD.fullmatch(w) for w in lowered) or "or" in lowered:
        return []
    covering = []
    for pk, name, synonyms, _slug in directory_choices()["area_terms"]:
        own = set(PLAIN_WORD.findall(f"{name} {synonyms}"))
        if all(word in own for word in lowered):
            covering.append(pk)
    return covering


def _rank_components(words: list[str]) -> tuple[Exists | None, Q]:
    """Offering an area the search names (None when it names none); a headline mention."""
    area_ids = named_areas(words)
    # "Has an offer of a named area", per profile: Postgres reads it through the offers' index
    # for each row it ranks (20 for a page's cards) or hashes every offer of the areas (tens of
    # thousands at 100,000 profiles), whichever it expects to cost less for the rows it has.
    offering = (
        Exists(ProfileArea.objects.filter(profile_id=OuterRef("pk"), area_id__in=area_ids))
        if area_ids
        else None
    )
    headline_hit = Q()
    for word in words:
        headline_hit |= Q(headline__icontains=word)
    return offering, headline_hit


def ranked(queryset: QuerySet[ExpertProfile], query: str) -> QuerySet[ExpertProfile]:
    """An area named by the search (or one of its synonyms) ranks above a headline mention,
    which ranks above a passing one; then by name."""
    words = query.split()
    if not words:
        return queryset.order_by("sort_name", "pk")
    offering, headline_hit = _rank_components(words)
    order = [F("headline_match").desc(), "sort_name", "pk"]
    ranks = {
        "headline_match": Case(
            When(headline_hit, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
    }
    if offering is not None:
        ranks["area_match"] = Case(
            When(offering, then=Value(1)), default=Value(0), output_field=IntegerField()
        )
        order.insert(0, F("area_match").desc())
    return queryset.annotate(**ranks).order_by(*order)


# The directory counts and ranks at most this many matches (50 pages of 20): "more than 1,000
# colleagues" instead of an exact count, and no page past the 50th. What a search costs is
# then bounded by this, not by how many profiles contain its words.
RESULTS_CAP = 1_000


class _Ids(list):
    """Ids a query carries as one value: copied as itself when Django copies the query."""

    def __deepcopy__(self, memo):
        return self


class OneOf(Lookup):
    """
    ``column = ANY(%s)`` with the ids as one array parameter on Postgres (``IN (%s, %s, …)`` on
    SQLite). The same rows as ``pk__in=ids``, but for the directory's 1,000 candidates ``__in``
    costs about 19 ms of Python a request: each id prepared on its own, and the list copied
    with the query each time it is cloned.
    """

    lookup_name = "one_of"
    prepare_rhs = False

    def __init__(self, lhs, rhs):
        super().__init__(lhs, _Ids(int(pk) for pk in rhs))

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [value])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        ids = list(self.rhs)
        if not ids:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY(%s::bigint[])", [*lhs_params, ids]
        return f"{lhs} IN ({', '.join(['%s'] * len(ids))})", [*lhs_params, *ids]


class RankedPages:
    """
    Ranked profiles for a Paginator, a page at a time, with only the page's rows joined to
    person, school and hub for their cards. ``profiles`` are the filtered profiles (unranked,
    without card data).

    Counting stops at RESULTS_CAP + 1. With search text and at most RESULTS_CAP matches, every
    match is ranked. With more (a broad word such as "help"), only a bounded candidate set is
    ranked (``_candidates``). Without text the order is the sort-name index (or, for an area
    filter, the area's offers in name order), walked until the page is found.
    """

    def __init__(
        self,
        profiles: QuerySet[ExpertProfile],
        query: str,
        *,
        page: int,
        size: int,
        area: str | None = None,
        unsearched: QuerySet[ExpertProfile] | None = None,
        cache_key: str | None = None,
        others: QuerySet[ExpertProfile] | object | None = ...,
    ):
        self.profiles = profiles.order_by()
        # The filters besides the text, the area and the live conditions (DirectoryFilter.others:
        # None when there are none); not given (...), the walks check ``profiles`` instead.
        self.others = others
        # Where the count and the pages' ids are kept (``results_key``); None: not kept.
        seconds = getattr(settings, "CPDHUB_DIRECTORY_CACHE_SECONDS", 60)
        self.cache_key = cache_key if cache_key and seconds > 0 else None
        self.cache_seconds = seconds
        self._version: int | None = None
        # The same filters without the search text (DirectoryFilter.without_text).
        self.unsearched = unsearched.order_by() if unsearched is not None else None
        self.query = query
        self._matches: int | None = None
        # Browsing one area (the filter, no text): that area's offers in name order
        # (expert_offer_order_idx), each checked against the other filters, instead of every
        # profile's row in name order checked for the area.
        self._offers = None
        if area and not query and (area_id := area_ids_by_slug().get(area)) is not None:
            self._offers = (
                (
                    self._walk([area_id])
                    if self.others is not ...
                    else ProfileArea.objects.filter(
                        Exists(self.profiles.filter(pk=OuterRef("profile_id"))), area_id=area_id
                    )
                )
                .order_by("sort_name", "profile_id")
                .values("profile_id")
            )

    def _walk(self, area_ids: list[int]) -> QuerySet[ProfileArea]:
        """The live offers of these areas whose profiles meet the other filters: the live
        conditions read from the offer rows (in expert_offer_walk_idx), a profile's own rows
        only for the other filters chosen."""
        offers = ProfileArea.objects.filter(live_q(), area_id__in=area_ids)
        if self.others is not None:
            offers = offers.filter(Exists(self.others.filter(pk=OuterRef("profile_id"))))
        return offers

    def _kept(self, part: str, compute):
        """``compute()``, or what the cache holds for this search's ``part``."""
        if self.cache_key is None:
            return compute()
        if self._version is None:
            self._version = results_version()
        key = f"{self.cache_key}:{self._version}:{part}"
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, self.cache_seconds)
        return value

    @property
    def matches(self) -> int:
        """How many match, counted up to RESULTS_CAP + 1."""
        if self._matches is None:
            counted = self._offers if self._offers is not None else self.profiles.values("pk")
            self._matches = self._kept("count", lambda: counted[: RESULTS_CAP + 1].count())
        return self._matches

    @property
    def capped(self) -> bool:
        """More match than are counted and shown."""
        return self.matches > RESULTS_CAP

    def count(self) -> int:
        return min(self.matches, RESULTS_CAP)

    def __len__(self) -> int:
        return self.count()

    def _candidates(self) -> QuerySet[ExpertProfile]:
        """
        What is ranked: every match when there are at most RESULTS_CAP. Otherwise those who
        offer an area the search names, the first RESULTS_CAP by name, and, when they are
        fewer, the first RESULTS_CAP matches by name. Each walk stops early, whatever the number
        of matches.

        The offerers come from walking the areas' offers in name order (expert_offer_order_idx);
        for an area whose name and synonyms hold every word of the search (``covering_areas``)
        each offerer is checked against the other filters only, from indexes, never against the
        search text, which would read every offerer's row.
        """
        if not self.capped:
            return self.profiles
        offerers: list[int] = []
        words = self.query.split()
        if named := named_areas(words):
            covering = covering_areas(words) if self.unsearched is not None else []
            # Offerers of an area that holds every word need no text check; with none such, the
            # named areas' offerers are checked against the text (a longer walk when few of
            # them match). An area named by only some words, beside one that holds them all,
            # ranks its offerers first among the first RESULTS_CAP by name.
            areas, checked = (covering, self.unsearched) if covering else (named, self.profiles)
            if covering and self.others is not ...:
                offers = self._walk(covering)
            else:
                offers = ProfileArea.objects.filter(
                    Exists(checked.filter(pk=OuterRef("profile_id"))), area_id__in=areas
                )
            walk = offers.order_by("sort_name", "profile_id").values_list("profile_id", flat=True)
            offerers = list(dict.fromkeys(walk[:RESULTS_CAP]))  # someone offering two, once
            if len(offerers) >= RESULTS_CAP:
                return ExpertProfile.objects.filter(OneOf(F("pk"), offerers))
        by_name = self.profiles.order_by("sort_name", "pk").values("pk")[:RESULTS_CAP]
        if connection.vendor != "postgresql":
            return ExpertProfile.objects.filter(Q(OneOf(F("pk"), offerers)) | Q(pk__in=by_name))
        return ExpertProfile.objects.filter(pk__in=self._first_by_name(by_name, offerers))

    def _first_by_name(self, by_name: QuerySet, offerers: list[int]) -> RawSQL:
        """
        On Postgres, the ids of ``offerers`` and of the first RESULTS_CAP matches by name
        (``by_name``), as one set: "pk = ANY(offerers) OR pk IN (by_name)" cannot use the
        primary key for either side, so Postgres read every profile's row (~400 ms at 100,000).

        The first matches by name: Postgres finds them either by reading every match (the text
        index) and sorting, or by walking the profiles in name order (expert_sort_idx) checking
        each against the text, which stops at the RESULTS_CAP-th match: the walk reads about
        RESULTS_CAP ÷ the share that matches, whatever the community's size. It chooses by its
        estimate of that share, which for two words assumes they are independent ("subject
        knowledge": 2% where 23% match), so it read 23,000 rows where the walk reads 4,500.
        Here the walk is tried first: over the first 2 x RESULTS_CAP profiles by name that meet
        the filters; if fewer than RESULTS_CAP of them match, the share that do says whether a
        walk on to sqrt(RESULTS_CAP x profiles) (10,000 at 100,000 profiles, from the table's
        size as Postgres last counted it, pg_class.reltuples) should find them; if not, or if
        it does not, the same query reads every match, as before. A broad search (the walk)
        then reads as many rows at 100,000 profiles as at 10,000, a narrower one about what
        it did, plus the first 2,000 by name.
        """
        every_sql, every_params = by_name.query.sql_with_params()
        # Django compiles the subqueries (their values stay parameters, as the search text and
        # the ids do); only they and constants are put into the SQL.
        if self.unsearched is None:
            return RawSQL(  # noqa: S611
                f"SELECT every.pk FROM ({every_sql}) every"  # noqa: S608
                " UNION ALL SELECT unnest(%s::bigint[])",
                (*every_params, list(offerers)),
            )
        words = self.query.split()[:8]  # as experts.search.matching reads the text
        head = self.unsearched.order_by("sort_name", "pk")
        head = head.values("pk", "sort_name", "search_vector")
        head_sql, head_params = head.query.sql_with_params()
        table = ExpertProfile._meta.db_table
        cap, sample = RESULTS_CAP, 2 * RESULTS_CAP

        def walk(limit: str) -> str:
            return (
                f"SELECT head.pk FROM ({head_sql} LIMIT {limit}) head"  # noqa: S608
                " WHERE head.search_vector @@ websearch_to_tsquery('english'::regconfig, %s)"
                f" ORDER BY head.sort_name, head.pk LIMIT {cap}"
            )

        found, far = "(SELECT count(*) FROM walk)", "(SELECT count(*) FROM far)"
        return RawSQL(  # noqa: S611
            # How far the walk may go: sqrt(RESULTS_CAP x profiles), from Postgres's own count.
            "WITH walk_limit AS MATERIALIZED (SELECT greatest("  # noqa: S608
            f"sqrt({cap} * greatest(reltuples, 0)), {cap})::bigint AS n"
            f" FROM pg_class WHERE oid = '{table}'::regclass),"
            # The first 2 x RESULTS_CAP by name: enough for a broad search, and otherwise the
            # share they match says whether walking on to the limit will find RESULTS_CAP.
            f" walk AS MATERIALIZED ({walk(str(sample))}),"
            f" far AS MATERIALIZED ({walk('(SELECT n FROM walk_limit)')})"
            " SELECT pk FROM walk"
            f" UNION ALL SELECT pk FROM far WHERE {found} < {cap}"
            f" AND {found} * (SELECT n FROM walk_limit) >= {cap * sample}"
            f" UNION ALL SELECT every.pk FROM ({every_sql}) every WHERE {found} < {cap}"
            f" AND ({found} * (SELECT n FROM walk_limit) < {cap * sample} OR {far} < {cap})"
            " UNION ALL SELECT unnest(%s::bigint[])",
            (
                *head_params,
                " ".join(words),
                *head_params,
                " ".join(words),
                *every_params,
                list(offerers),
            ),
        )

    def __getitem__(self, page: slice) -> list[ExpertProfile]:
        if page.stop <= page.start:
            return []
        if self.cache_key is not None:
            # The page's ids from the cache (or one query), then their cards in that order.
            ids = self._kept(f"page:{page.start}:{page.stop}", lambda: list(self._ids(page)))
            cards = cards_of(ids)
            # A profile gone since (hidden, deleted) is left out, not shown stale.
            return [cards[pk] for pk in ids if pk in cards]
        # The page's ids are a subquery of the cards' query (one query for both); the cards
        # are put in the same order again, which costs nothing for 20 rows.
        if not self.query:
            return list(
                with_card_data(ExpertProfile.objects.filter(pk__in=self._ids(page))).order_by(
                    "sort_name", "pk"
                )
            )
        return list(
            ranked(with_card_data(ExpertProfile.objects.filter(pk__in=self._ids(page))), self.query)
        )

    def _ids(self, page: slice) -> QuerySet:
        """The page's ids, in the directory's order (a query, not yet run)."""
        if not self.query:
            if self._offers is not None:
                return self._offers.values_list("profile_id", flat=True)[page]
            return self.profiles.order_by("sort_name", "pk").values_list("pk", flat=True)[page]
        return ranked(self._candidates(), self.query).values_list("pk", flat=True)[page]


RELATED_CUTOFF = 0.8  # how alike two words must be: "phonicsy" is phonics, "exams" not examples


def related_areas(query: str, limit: int = 6) -> list[ExpertiseArea]:
    """For an empty result: areas whose name, synonyms or description hold a word close to one
    of the query's ("phonicsy" → phonics), a whole word rather than a shared first few letters
    ("exams" is not "examples"). One query: the areas are a short list."""
    words = [w for w in WORD.findall(query.lower()) if len(w) >= 3]
    if not words:
        return []
    found = []
    for area in ExpertiseArea.objects.only("pk", "slug", "name", "synonyms", "description"):
        vocabulary = set(WORD.findall(f"{area.name} {area.synonyms} {area.description}".lower()))
        if any(difflib.get_close_matches(w, vocabulary, n=1, cutoff=RELATED_CUTOFF) for w in words):
            found.append(area)
            if len(found) == limit:
                break
    return found


def respelled(search, query: str) -> tuple[str, QuerySet[ExpertProfile]] | None:
    """
    When nobody has the words of ``query``: the words they were probably meant to be, and the
    profiles the directory filter ``search`` selects for those (unranked). None if no correction.
    The directory, its printable list and its CSV all search again this way.
    """
    correction = search_corrected(query) if query else ""
    if not correction:
        return None
    return correction, search.searching_for(correction)
