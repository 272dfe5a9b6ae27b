"""
The end-of-year statement: the year in review it is drafted from (``year_in_review``), and the
draft in the seed's words: "This year I developed my … by doing X; it has made impact Y". Plain
text, so the owner can edit it freely.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.template import Context

from cpdhub.academic_year import year_dates, year_label
from cpdhub.words import in_sentence
from experts.models import ExpertiseArea
from hubs.models import User
from notifications.rendering import text_engine

from .models import Entry, Goal, ImpactFollowUp, Statement
from .selectors import ZERO_HOURS


@dataclass
class YearInReview:
    year: int
    goals: list[Goal]
    entries: list[Entry]
    hours: Decimal
    saved: Statement | None


def year_in_review(user: User, year: int) -> YearInReview:
    start, end = year_dates(year)
    entries = list(
        Entry.objects.filter(owner=user, date__range=(start, end))
        .select_related("follow_up")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=Goal.objects.prefetch_related("areas").order_by("title"),
            )
        )
        .order_by("date", "pk")
    )
    goals = list(
        Goal.objects.filter(owner=user, academic_year=year)
        .prefetch_related(Prefetch("areas", queryset=ExpertiseArea.objects.order_by("name")))
        .order_by("title")
    )
    return YearInReview(
        year=year,
        goals=goals,
        entries=entries,
        hours=sum((e.hours for e in entries), ZERO_HOURS),
        saved=Statement.objects.filter(owner=user, academic_year=year).first(),
    )


def _hours(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return f"{text} hour{'' if value == 1 else 's'}"


def _join(words: list[str]) -> str:
    if not words:
        return ""
    if len(words) == 1:
        return words[0]
    return f"{', '.join(words[:-1])} and {words[-1]}"


TEMPLATE = "portfolios/statement.txt"

K = Entry.Kind
# What I did, as the statement says it: (once, several times).
DOING = {
    K.SESSION_ATTENDED: ("a session", "{n} sessions"),
    K.SESSION_LED: ("a session I led", "{n} sessions I led"),
    K.COACHING_RECEIVED: ("coaching", "{n} coaching conversations"),
    K.COACHING_GIVEN: ("coaching a colleague", "{n} coaching conversations I led"),
    K.MENTORING: ("mentoring", "{n} mentoring meetings"),
    K.OBSERVATION_GIVEN: ("a peer observation I made", "{n} peer observations I made"),
    K.OBSERVATION_RECEIVED: (
        "a peer observation of my teaching",
        "{n} peer observations of my teaching",
    ),
    K.RECORDING: ("a recorded session", "{n} recorded sessions"),
    K.READING: ("reading and research", "{n} pieces of reading and research"),
    K.ENQUIRY: ("a collaborative enquiry", "{n} collaborative enquiries"),
    K.VISIT: ("a visit to another school", "{n} visits to other schools"),
    K.NETWORK: ("a network meeting", "{n} network meetings"),
    K.OTHER: ("other professional learning", "other professional learning ({n} times)"),
}


def _kind_phrase(kind: str, n: int) -> str:
    once, several = DOING[Entry.Kind(kind)]
    return once if n == 1 else several.format(n=n)


def _sentence(text: str) -> str:
    """A reflection as part of a sentence: no full stop, first letter lower-cased."""
    text = text.strip().rstrip(".")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text


def draft(review: YearInReview, *, name: str = "") -> str:
    entries, goals = review.entries, review.goals
    areas: list[str] = []
    for goal in goals:
        for area in goal.areas.all():
            if in_sentence(area.name) not in areas:
                areas.append(in_sentence(area.name))
    if not areas:
        for entry in entries:
            for goal in entry.goals.all():
                for area in goal.areas.all():
                    if in_sentence(area.name) not in areas:
                        areas.append(in_sentence(area.name))
    developed = _join(areas) or _join([g.title for g in goals]) or "practice"

    kinds = Counter(e.kind for e in entries)
    doing = _join([_kind_phrase(kind, n) for kind, n in kinds.most_common()])

    impacts = [e.impact_pupils.strip() for e in entries if e.impact_pupils.strip()]
    answered = [
        e.follow_up
        for e in entries
        if _has_follow_up(e)
        and e.follow_up.answered_at
        and e.follow_up.level
        and e.follow_up.what_happened
    ]
    impact = impacts[0] if impacts else (answered[0].what_happened if answered else "")
    impact_clause = (
        f"it has made impact: {_sentence(impact)}."
        if impact
        else "its impact on pupils is still to be seen."
    )

    heading = f"End-of-year statement {year_label(review.year)}" + (f": {name}" if name else "")
    if entries:
        opening = (
            f"This year I developed my {developed} by doing {doing}, "
            f"{_hours(review.hours)} in all; {impact_clause}"
        )
    else:
        opening = (
            f"Nothing is logged for {year_label(review.year)} yet. As you add entries to your "
            "log, this statement drafts itself from them."
        )
    practice = [e.impact_practice.strip() for e in entries if e.impact_practice.strip()]
    context = {
        "heading": heading,
        "opening": opening,
        "goals": [
            {
                "title": goal.title,
                "status": Goal.Status(goal.status).label.lower(),
                "criteria": goal.success_criteria.strip().rstrip("."),
            }
            for goal in goals
        ],
        "entries": [
            {
                "date": f"{entry.date:%-d %B %Y}",
                "title": entry.title,
                "kind": Entry.Kind(entry.kind).label.lower(),
                "hours": _hours(entry.hours),
                "learned": entry.learned.strip().rstrip("."),
                "will_try": _sentence(entry.will_try) if entry.will_try.strip() else "",
            }
            for entry in entries
        ],
        "impacts": [
            *(f"On my practice: {text.rstrip('.')}." for text in practice),
            *(f"On pupils: {text.rstrip('.')}." for text in impacts),
            *(
                f"Six weeks on ({_level(f.level).lower()}): {f.what_happened.rstrip('.')}."
                for f in answered
            ),
        ],
    }
    # Plain text, laid out by its template (rendered without HTML escaping).
    return text_engine().get_template(TEMPLATE).render(Context(context)).rstrip("\n")


def _level(level: str) -> str:
    return ImpactFollowUp.Level(level).label.split(":")[0]


def _has_follow_up(entry: Entry) -> bool:
    try:
        return entry.follow_up is not None
    except ImpactFollowUp.DoesNotExist:
        return False
