"""
What the coordinator's dashboard and the needs page are narrowed to: an academic year, perhaps a
term, perhaps a hub, read from the query string through a form (``DashboardQuery``), so a value
that is not usable (a NUL byte, "²", a year nobody offered) is left out and its default used,
never an error page.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone

from cpdhub import querystring
from cpdhub.academic_year import academic_year_of, year_dates, year_label
from hubs.models import Hub, Term

# An id or a year: digits that fit a bigint (``querystring.MAX_ID_DIGITS``).
ID_MAX = 10**querystring.MAX_ID_DIGITS - 1


class DashboardQuery(forms.Form):
    """The query string's ``year``, ``term`` (an id) and ``hub`` (a slug); each one not usable
    is an error of its own field, and only the usable ones reach ``cleaned_data``."""

    year = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    term = forms.IntegerField(required=False, min_value=1, max_value=ID_MAX)
    hub = forms.SlugField(required=False, max_length=querystring.SLUG_MAX)


@dataclass(frozen=True)
class Filters:
    """What the dashboard is narrowed to: an academic year, perhaps a term, perhaps a hub."""

    year: int
    term: Term | None
    hub: Hub | None
    years: list[int]
    terms: list[Term]
    hubs: list[Hub]
    later_terms: list[Term] = field(default_factory=list)  # those not yet over, by start

    @property
    def start(self) -> datetime.date:
        return self.term.start if self.term else year_dates(self.year)[0]

    @property
    def end(self) -> datetime.date:
        return self.term.end if self.term else year_dates(self.year)[1]

    @property
    def period(self) -> str:
        if self.term:
            return self.term.name
        return year_label(self.year)

    @property
    def moments(self) -> tuple[datetime.datetime, datetime.datetime]:
        """The period as [local midnight of its first day, local midnight after its last day):
        a plain range on a timestamp column, which its index can serve (no cast per row)."""
        zone = timezone.get_current_timezone()
        first = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        after = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        return first, after

    def query(self) -> str:
        parts = [f"year={self.year}"]
        if self.term:
            parts.append(f"term={self.term.pk}")
        if self.hub:
            parts.append(f"hub={self.hub.slug}")
        return "&".join(parts)


def offered_years() -> list[int]:
    """The academic years the dashboard offers: this one and the three before it."""
    this_year = academic_year_of(timezone.localdate())
    return list(range(this_year - 3, this_year + 1))


def offered_periods() -> list[Filters]:
    """Every period the dashboard offers, for the whole community: each offered academic year
    (with its terms, which its release is counted by) and each term of those years (one query
    for the terms)."""
    years = offered_years()
    first, last = year_dates(years[0])[0], year_dates(years[-1])[1]
    terms = list(Term.objects.filter(start__lte=last, end__gte=first).order_by("start"))
    periods = []
    for year in years:
        start, end = year_dates(year)
        of_year = [t for t in terms if t.start <= end and t.end >= start]  # as filters_from's
        periods.append(Filters(year=year, term=None, hub=None, years=years, terms=of_year, hubs=[]))
        periods.extend(
            Filters(year=year, term=t, hub=None, years=years, terms=[], hubs=[])
            for t in terms
            if t.start <= end and t.end >= start
        )
    return periods


def filters_from(params, *, with_hubs: bool = True, only_hubs: list[int] | None = None) -> Filters:
    """The filters asked for in the query string; anything unknown or malformed is ignored.
    ``only_hubs``: a hub leader's hubs, the only ones offered; one of them is always chosen."""
    asked = DashboardQuery(params)
    asked.is_valid()  # a value that is not usable is left out of cleaned_data: its default then
    year = asked.cleaned_data.get("year")
    years = offered_years()
    if year not in years:
        year = years[-1]
    start, end = year_dates(year)
    today = timezone.localdate()
    # One query for the year's terms and for the current and next term (setting up).
    known = list(Term.objects.filter(end__gte=min(start, today)).order_by("start"))
    terms = [t for t in known if t.start <= end and t.end >= start]
    term_id = asked.cleaned_data.get("term")
    term = next((t for t in terms if t.pk == term_id), None)
    hubs = (
        list(
            Hub.objects.annotate(
                has_leader=Exists(Hub.leaders.through.objects.filter(hub=OuterRef("pk")))
            ).order_by("name")
        )
        if with_hubs
        else []
    )
    if only_hubs is not None:
        hubs = [h for h in hubs if h.pk in only_hubs]
    hub = next((h for h in hubs if h.slug == asked.cleaned_data.get("hub")), None)
    if only_hubs is not None and hub is None and hubs:
        hub = hubs[0]
    return Filters(
        year=year,
        term=term,
        hub=hub,
        years=years,
        terms=terms,
        hubs=hubs,
        later_terms=[t for t in known if t.end >= today],
    )
