"""
Reads of expert profiles, with their joins decided once: what a card shows, one profile's page,
requests this term, the stale list, the spreadsheet's rows, the termly digest's newest experts,
a school's experts by area, and the area a contact starts on. The directory's search and result
pages are in ``directory.py``.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from itertools import islice

from django.apps import apps
from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Window
from django.db.models.functions import Now, RowNumber
from django.utils import timezone

from cpdhub.prepared import Prepared
from cpdhub.row_counts import count_per_row
from hubs.models import Term

from .models import ExpertiseArea, ExpertProfile, ProfileArea, live_q, term_window_start


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


# A directory page's cards by id (twenty at most), and their offers, their SQL written once
# per process: the ids are padded with the first to twenty (a repeated id changes nothing in
# "IN"). Django's prefetch of the offers (a related manager and queryset per card) cost more
# than the rest of the cards together.
CARDS_A_PAGE = 20
_card_ids = tuple(-7_400_100 - i for i in range(CARDS_A_PAGE))
_cards = Prepared(
    lambda *ids: with_card_data(
        ExpertProfile.objects.filter(pk__in=ids).order_by()
    ).prefetch_related(None),
    *_card_ids,
)
_card_offers = Prepared(
    lambda *ids: (
        ProfileArea.objects.filter(profile_id__in=ids)
        .select_related("area")
        .order_by("area__name", "pk")
    ),
    *_card_ids,
)


def _with_offers(cards: list[ExpertProfile], offers: list[ProfileArea]) -> None:
    """Each card's ``offers.all()`` answered from ``offers``, as ``prefetch_related`` leaves it."""
    by_profile: dict[int, list[ProfileArea]] = defaultdict(list)
    for offer in offers:
        by_profile[offer.profile_id].append(offer)
    cache_name = ExpertProfile.offers.rel.cache_name  # "offers"
    for card in cards:
        mine = ProfileArea.objects.none()
        mine._result_cache = by_profile.get(card.pk, [])
        mine._prefetch_done = True
        card._prefetched_objects_cache = {cache_name: mine}
        for offer in mine._result_cache:
            offer.profile = card


def cards_of(ids: list[int]) -> dict[int, ExpertProfile]:
    """The cards of these profiles (whatever their state: the caller chose them), by id."""
    if not ids:
        return {}
    if len(ids) > CARDS_A_PAGE:
        found = list(with_card_data(ExpertProfile.objects.filter(pk__in=ids).order_by()))
    else:
        padded = (*ids, *ids[:1] * (CARDS_A_PAGE - len(ids)))
        found = _cards(*padded)
        _with_offers(found, _card_offers(*padded))
    return {card.pk: card for card in found}


def _profile_page_query(pk: int, viewer_pk: int, today: datetime.date) -> QuerySet:
    base = with_card_data(ExpertProfile.objects.all()).prefetch_related("subjects", "phases")
    # The list trusts the profile's copy of the person's active flag (kept by signals); a single
    # profile also checks the person's own row, so even a bulk update that bypassed the signals
    # never shows a deactivated colleague's page.
    # Plain conditions on this one row (live_q), never "pk IN (every visible profile)".
    return base.filter(live_q(today) | Q(user_id=viewer_pk), user__is_active=True, pk=pk)


# A profile page's query, its SQL written once per process (cpdhub/prepared.py).
_profile_page = Prepared(_profile_page_query, -7_400_001, -7_400_002, datetime.date(1900, 1, 4))


def profile_for(pk: int, viewer) -> ExpertProfile:
    """A profile the viewer may see: any visible one, or their own whatever its state."""
    if not -(2**63) <= pk < 2**63:  # an address no row can have (Postgres's bigint)
        raise ExpertProfile.DoesNotExist("No such profile.")
    found = _profile_page(pk, viewer.pk, timezone.localdate())
    if not found:
        raise ExpertProfile.DoesNotExist("No such profile, or not one this person may see.")
    return found[0]


def requests_this_term(profile: ExpertProfile) -> int:
    """Requests since the latest term began (a holiday counts with the term before it)."""
    latest = Term.objects.filter(start__lte=timezone.localdate()).order_by("-start").first()
    requests = profile.contact_requests.all()
    if latest is not None:
        requests = requests.filter(created_at__date__gte=latest.start)
    return requests.count()


def stale_profiles() -> QuerySet[ExpertProfile]:
    """Profiles not confirmed this term or last (the coordinator's list), oldest first, with
    only the columns the list shows (never the bio or the search text and vector)."""
    since = term_window_start()
    stale = Q(last_confirmed_at__isnull=True)
    if since is not None:
        # Before local midnight of the window's first day: a plain range on the timestamp,
        # which expert_confirmed_idx serves (no cast of every profile's to a date).
        zone = timezone.get_current_timezone()
        first = datetime.datetime.combine(since, datetime.time.min, tzinfo=zone)
        stale |= Q(last_confirmed_at__lt=first)
    return (
        ExpertProfile.objects.filter(stale, is_hidden=False, user__is_active=True)
        .select_related("user__school")
        .only(
            "headline",
            "last_confirmed_at",
            "user__first_name",
            "user__last_name",
            "user__email",
            "user__school__name",
        )
        .order_by(F("last_confirmed_at").asc(nulls_first=True), "pk")
    )


EXPORT_COLUMNS = (
    "pk",
    "user__first_name",
    "user__last_name",
    "user__job_role",
    "user__school__name",
    "user__school__hub__name",
    "headline",
    "contact_preference",
    "user__email",
)


def export_rows(profiles: QuerySet[ExpertProfile], chunk: int = 2000):
    """
    The directory's rows for a spreadsheet, a chunk at a time: plain value tuples from a
    server-side cursor (``EXPORT_COLUMNS`` plus the offers as text, "Questioning (advice by
    email, coaching or mentoring); …"), and one query for each chunk's offers. Memory stays
    that of one chunk however many profiles there are.
    """
    labels = [ProfileArea._meta.get_field(f).verbose_name for f in ProfileArea.OFFER_FIELDS]
    rows = profiles.values_list(*EXPORT_COLUMNS).iterator(chunk_size=chunk)
    while batch := list(islice(rows, chunk)):
        offers: dict[int, list[str]] = defaultdict(list)
        for profile_id, area, *flags in (
            ProfileArea.objects.filter(profile_id__in=[row[0] for row in batch])
            .order_by("area__name")
            .values_list("profile_id", "area__name", *ProfileArea.OFFER_FIELDS)
        ):
            offered = ", ".join(label for label, flag in zip(labels, flags, strict=True) if flag)
            offers[profile_id].append(f"{area} ({offered})")
        for row in batch:
            yield (*row, "; ".join(offers[row[0]]))


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


def live_experts_by_area(schools, *, per_area: int = 3) -> list[dict]:
    """
    Live experts at ``schools`` (a queryset or ids), by area: for each area its number of live
    experts there and the first ``per_area`` of them by name. Two queries whatever the number
    of schools or profiles: the database ranks each area's offers with a window over narrow
    rows (ids and names), then only the chosen few are loaded with their people.
    """
    chosen = dict(
        ProfileArea.objects.filter(live_q(prefix="profile__"), profile__user__school__in=schools)
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


def area_about(profile: ExpertProfile, about: str) -> int | None:
    """The area of ``profile``'s offers that a directory search was about (an area's slug, or
    words found in its name or synonyms), to start the contact form on: None if none is."""
    about = about.strip()[:100]
    offered = ExpertiseArea.objects.filter(offers__profile=profile)
    match = offered.filter(slug=about).values_list("pk", flat=True).first()
    if match is None and about:
        match = (
            offered.filter(Q(name__icontains=about) | Q(synonyms__icontains=about))
            .values_list("pk", flat=True)
            .first()
        )
    return match
