"""Reads of the directory, with their joins decided once."""

from __future__ import annotations

from django.apps import apps
from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, Now, RowNumber
from django.utils import timezone

from hubs.models import Hub, Phase, School, Subject, Term
from hubs.selectors import count_per_row

from .models import ExpertiseArea, ExpertProfile, ProfileArea, term_window_start
from .search import corrected as search_corrected


def with_card_data(queryset: QuerySet[ExpertProfile]) -> QuerySet[ExpertProfile]:
    """What a profile card shows: person, school, hub, offers, sessions run (people helped is
    stored on the profile)."""
    sessions = apps.get_model("cpd_sessions", "DevelopmentSession")
    run = sessions.objects.filter(
        leads=OuterRef("user_id"),
        status__in=[sessions.Status.PUBLISHED, sessions.Status.COMPLETED],
        start__lt=Now(),
    )
    return (
        queryset.select_related("user__school__hub")
        .annotate(sessions_run=count_per_row(run, "leads"))
        # The search text and vector can be long; no card shows them.
        .defer("search_document", "search_vector")
        .prefetch_related(
            Prefetch(
                "offers", queryset=ProfileArea.objects.select_related("area").order_by("area__name")
            )
        )
    )


def directory_choices() -> dict[str, list[tuple[str, str, str]]]:
    """
    The directory filters' choices, in one query: for each kind a list of (value, label,
    hub slug for a school). Areas, subjects, hubs and schools by name; phases in their order.
    """
    text = CharField()

    def rows(queryset, kind: str, value: str, position=None, hub=None):
        return queryset.order_by().values_list(
            Value(kind, output_field=text),
            Cast(value, output_field=text),
            "name",
            position if position is not None else Value(0, output_field=IntegerField()),
            hub if hub is not None else Value("", output_field=text),
        )

    union = rows(ExpertiseArea.objects.all(), "area", "slug").union(
        rows(Subject.objects.all(), "subject", "slug"),
        rows(Phase.objects.all(), "phase", "slug", position=F("position")),
        rows(Hub.objects.all(), "hub", "slug"),
        rows(School.objects.all(), "school", "urn", hub=Coalesce("hub__slug", Value(""))),
        all=True,
    )
    choices: dict[str, list[tuple[str, str, str]]] = {
        kind: [] for kind in ("area", "subject", "phase", "hub", "school")
    }
    for kind, value, label, _position, hub in sorted(union, key=lambda r: (r[0], r[3], r[2])):
        choices[kind].append((value, label, hub))
    return choices


def ranked(queryset: QuerySet[ExpertProfile], query: str) -> QuerySet[ExpertProfile]:
    """An area named by the search (or one of its synonyms) ranks above a passing mention."""
    words = query.split()
    if not words:
        return queryset.order_by("sort_name", "pk")
    area_hit = Q()
    for word in words:
        area_hit |= Q(area__name__icontains=word) | Q(area__synonyms__icontains=word)
    headline_hit = Q()
    for word in words:
        headline_hit |= Q(headline__icontains=word)
    # "pk IN (offers of the named areas)": one hashed set for the whole query, not a lookup per
    # matching profile.
    offering_named_area = ProfileArea.objects.filter(area_hit).values("profile_id")
    return queryset.annotate(
        area_match=Case(
            When(pk__in=offering_named_area, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        headline_match=Case(
            When(headline_hit, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
    ).order_by(F("area_match").desc(), F("headline_match").desc(), "sort_name", "pk")


class RankedPages:
    """
    Ranked profiles for a Paginator, a page at a time, with only the page's rows joined to
    person, school and hub for their cards. (Joining every match before taking a page was
    most of the cost of a common word at 100,000 profiles: bench/directory.py.)

    With search text, ranking must look at every match anyway, so one pass over the profile
    table picks the page's ids and counts all matches (``COUNT(*) OVER ()``). Without it the
    order is the sort-name index, which a page can walk and stop early, so the count is its
    own query and the page's ids a subquery of the cards' query.
    """

    def __init__(self, profiles: QuerySet[ExpertProfile], query: str, *, page: int, size: int):
        self.profiles = profiles
        self.query = query
        self._wanted = slice((page - 1) * size, page * size)
        self._ids: list[int] | None = None
        self._count: int | None = None

    def _ranked_ids(self, page: slice) -> list[tuple[int, int]]:
        counted = self.profiles.annotate(matches=Window(Count("pk")))
        return list(counted.values_list("pk", "matches")[page])

    def count(self) -> int:
        if self._count is not None:
            return self._count
        if not self.query:
            self._count = self.profiles.count()
            return self._count
        rows = self._ranked_ids(self._wanted)
        if rows:
            self._ids, self._count = [pk for pk, _ in rows], rows[0][1]
        else:  # past the last page (the Paginator then asks for it), or nothing matches
            self._count = self.profiles.count() if self._wanted.start else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, page: slice) -> list[ExpertProfile]:
        if page.stop <= page.start:
            return []
        cards = with_card_data(ExpertProfile.objects.all())
        if not self.query:
            ids = self.profiles.values("pk")[page]
            return list(cards.filter(pk__in=ids).order_by("sort_name", "pk"))
        if self._ids is not None and page.start == self._wanted.start:
            ids = self._ids[: page.stop - page.start]  # the last page is cut at the count
        else:
            ids = [pk for pk, _ in self._ranked_ids(page)]
        by_id = {profile.pk: profile for profile in cards.filter(pk__in=ids)}
        return [by_id[pk] for pk in ids if pk in by_id]


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
    # The list trusts the profile's copy of the person's active flag (kept by signals); a single
    # profile also checks the person's own row, so even a bulk update that bypassed the signals
    # never shows a deactivated colleague's page.
    visible = Q(pk__in=ExpertProfile.objects.visible().values("pk")) | Q(user=viewer)
    return base.filter(visible, user__is_active=True).get(pk=pk)


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


def profile_with_user(pk: int) -> ExpertProfile | None:
    """A profile by id, with its person (the one-click confirmation link), or None."""
    return ExpertProfile.objects.select_related("user").filter(pk=pk).first()


def profile_of(user) -> ExpertProfile | None:
    """This person's expert profile, if they have one."""
    return ExpertProfile.objects.filter(user=user).first()


def newest_near(
    since, *, hub_ids: set[int], area_ids: set[int], per_group: int
) -> list[ExpertProfile]:
    """
    The newest new-or-refreshed visible experts of each hub and of each area (``per_group``
    of each), for a batch of people at once (the termly digest): whoever is among a person's
    newest "in my hub or my areas" is among these. Each profile found through an area carries
    those areas in ``digest_areas``. Two queries for the batch, however many people.
    """
    recent = (
        ExpertProfile.objects.visible()
        .filter(Q(created_at__gte=since) | Q(last_confirmed_at__gte=since))
        .select_related("user__school")
        .defer("search_document", "search_vector", "bio")
    )
    newest = [F("created_at").desc(), F("pk").asc()]
    by_hub = recent.filter(user__school__hub_id__in=hub_ids).annotate(
        rank=Window(RowNumber(), partition_by=F("user__school__hub_id"), order_by=newest)
    )
    offers = ProfileArea.objects.filter(area_id__in=area_ids, profile__in=recent.values("pk"))
    by_area = (
        offers.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("area_id"),
                order_by=[F("profile__created_at").desc(), F("profile_id").asc()],
            )
        )
        .filter(rank__lte=per_group)
        .values_list("profile_id", "area_id")
    )
    area_rows = list(by_area) if area_ids else []
    profiles = {p.pk: p for p in by_hub.filter(rank__lte=per_group)} if hub_ids else {}
    missing = {pk for pk, _ in area_rows} - profiles.keys()
    profiles |= {p.pk: p for p in recent.filter(pk__in=missing)} if missing else {}
    for pk, area_id in area_rows:
        profiles[pk].digest_areas = {*getattr(profiles[pk], "digest_areas", set()), area_id}
    return list(profiles.values())


def respelled(search, query: str) -> tuple[str, QuerySet[ExpertProfile]] | None:
    """
    When nobody has the words of ``query``: the words they were probably meant to be, and the
    profiles the directory filter ``search`` selects for those, ranked. None if no correction.
    The directory, its printable list and its CSV all search again this way.
    """
    correction = search_corrected(query) if query else ""
    if not correction:
        return None
    return correction, ranked(search.searching_for(correction), correction)


def live_experts_by_area(schools, *, per_area: int = 3) -> list[dict]:
    """
    Live experts at ``schools`` (a queryset or ids), by area: for each area its number of live
    experts there and the first ``per_area`` of them by name. Two queries whatever the number
    of schools or profiles: the database ranks each area's offers with a window over narrow
    rows (ids and names), then only the chosen few are loaded with their people.
    """
    chosen = dict(
        ProfileArea.objects.filter(
            profile__in=ExpertProfile.objects.visible().values("pk"),
            profile__user__school__in=schools,
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("area_id")],
                order_by=[F("profile__sort_name").asc(), F("pk").asc()],
            ),
            in_area=Window(Count("pk"), partition_by=[F("area_id")]),
        )
        .filter(rank__lte=per_area)
        .values_list("pk", "in_area")
    )
    if not chosen:
        return []
    offers = (
        ProfileArea.objects.filter(pk__in=list(chosen))
        .select_related("area", "profile__user__school")
        .defer(
            "profile__bio",
            "profile__bio_html",
            "profile__search_document",
            "profile__search_vector",
        )
        .order_by("area__name", "profile__sort_name", "pk")
    )
    groups: list[dict] = []
    for offer in offers:
        if not groups or groups[-1]["area"].pk != offer.area_id:
            groups.append({"area": offer.area, "count": chosen[offer.pk], "offers": []})
        groups[-1]["offers"].append(offer)
    return groups
