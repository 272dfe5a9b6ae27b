"""Hubs and subject networks that meet: a hub's sessions and recordings, a network's meetings, and
the networks with none planned this academic year (their leads are prompted, ``emails``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import (
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils import timezone

from cpdhub.academic_year import current_academic_year, year_dates, year_label
from hubs.models import Hub, SubjectNetwork, User

from .listing import recordings
from .models import (
    DevelopmentSession,
)


def _of_hub(hub: Hub) -> Q:
    return Q(scope=DevelopmentSession.Scope.HUB, hub=hub) | Q(
        scope=DevelopmentSession.Scope.NETWORK, network__hub=hub
    )


def hub_upcoming(user: User, hub: Hub, limit: int = 5) -> list[DevelopmentSession]:
    """The hub's own upcoming sessions and its networks' (as this person may see them)."""
    return list(
        DevelopmentSession.objects.visible_to(user)
        .upcoming()
        .filter(_of_hub(hub))
        .select_related("venue_school", "network")[:limit]
    )


def hub_recordings(user: User, hub: Hub, limit: int = 5) -> list[DevelopmentSession]:
    # Title, date and link only: none of the bank's prefetches.
    return list(recordings(user).filter(_of_hub(hub)).prefetch_related(None)[:limit])


@dataclass(frozen=True)
class NetworkMeetings:
    next: DevelopmentSession | None
    past: list[DevelopmentSession]
    planned_this_year: bool
    academic_year: int

    @property
    def year_label(self) -> str:
        return year_label(self.academic_year)


def _meetings_this_year(today: datetime.date) -> QuerySet[DevelopmentSession]:
    """Sessions of any network (proposed, published or held: not cancelled) this academic year."""
    return DevelopmentSession.objects.filter(
        network__isnull=False, start__date__range=year_dates(current_academic_year(today))
    ).exclude(status=DevelopmentSession.Status.CANCELLED)


def network_planned_this_year(network: SubjectNetwork, today: datetime.date | None = None) -> bool:
    """Whether a meeting (proposed or published, or already held) falls in this academic year."""
    return _meetings_this_year(today or timezone.localdate()).filter(network=network).exists()


def networks_without_meeting(today: datetime.date | None = None) -> QuerySet[SubjectNetwork]:
    """Networks with a lead and no meeting this academic year (networks meet once or twice a
    year: seed 003), with their leads. Two queries, whatever the number of networks."""
    planned = _meetings_this_year(today or timezone.localdate()).filter(network=OuterRef("pk"))
    return (
        SubjectNetwork.objects.filter(leads__isnull=False)
        .exclude(Exists(planned))
        .distinct()
        .prefetch_related("leads")
        .order_by("name")
    )


def network_meetings(user: User, network: SubjectNetwork, past: int = 10) -> NetworkMeetings:
    """A network's next meeting and its past ones (newest first, with recordings). 3 queries."""
    visible = DevelopmentSession.objects.visible_to(user).filter(network=network)
    upcoming = visible.upcoming().select_related("venue_school").first()
    held = list(
        visible.filter(
            end__lt=timezone.now(),
            status__in=[DevelopmentSession.Status.PUBLISHED, DevelopmentSession.Status.COMPLETED],
        )
        .select_related("venue_school")
        .order_by("-start", "pk")[:past]
    )
    today = timezone.localdate()
    return NetworkMeetings(
        next=upcoming,
        past=held,
        planned_this_year=network_planned_this_year(network, today),
        academic_year=current_academic_year(today),
    )
