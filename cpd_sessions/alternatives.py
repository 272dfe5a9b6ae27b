"""
Before a CPD leader pays for an external course: colleagues in the community who offer help in
the same areas ("Grace at Millbrook offers this: ask her first?"). The course's areas are the
areas of its private session (``session_changes.private_session_create``); the offers are the
directory's live ones (``ProfileArea``, which carries its profile's live conditions).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from django.db.models import Q

from experts.models import ProfileArea, term_window_start

from .models import DevelopmentSession, ReleaseRequest

# At most this many colleagues named on one request.
OFFERS_SHOWN = 2
# The offers read for the whole page: enough for a page of requests in a few areas.
OFFERS_READ = 60


def _live() -> Q:
    since = term_window_start()
    confirmed = (
        Q(last_confirmed_at__date__gte=since) if since else Q(last_confirmed_at__isnull=False)
    )
    return Q(is_hidden=False, user_is_active=True) & confirmed


def community_offers(releases: Sequence[ReleaseRequest]) -> None:
    """
    Sets ``r.community_offers`` (a list of ``ProfileArea``, with profile, person, school and
    area) on each request for an external course: live offers in the course's areas, never the
    requester's own, other schools first. Two queries for the page, none without such a request.
    """
    courses = [
        r for r in releases if r.booking.session.kind == DevelopmentSession.Kind.EXTERNAL_COURSE
    ]
    for r in releases:
        r.community_offers = []
    if not courses:
        return
    areas_of: dict[int, set[int]] = defaultdict(set)
    through = DevelopmentSession.areas.through
    for session_id, area_id in through.objects.filter(
        developmentsession_id__in={r.booking.session_id for r in courses}
    ).values_list("developmentsession_id", "expertisearea_id"):
        areas_of[session_id].add(area_id)
    wanted = set().union(*areas_of.values()) if areas_of else set()
    if not wanted:
        return
    offers = list(
        ProfileArea.objects.filter(_live(), area_id__in=wanted)
        .select_related("profile__user__school", "area")
        .order_by("sort_name", "pk")[:OFFERS_READ]
    )
    for r in courses:
        areas = areas_of.get(r.booking.session_id, set())
        person, school = r.booking.user_id, r.booking.user.school_id
        mine = [o for o in offers if o.area_id in areas and o.profile.user_id != person]
        mine.sort(key=lambda o: o.offerer_school_id == school)  # other schools first
        seen, chosen = set(), []
        for offer in mine:
            if offer.profile_id not in seen:
                seen.add(offer.profile_id)
                chosen.append(offer)
        r.community_offers = chosen[:OFFERS_SHOWN]
