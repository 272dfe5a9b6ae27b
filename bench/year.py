"""
The school's year at the size of a large secondary school, measured through Django's request
handling (the test Client runs the middleware, routing, view and template) on the database in
DATABASE_URL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_year .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_year .venv/bin/python bench/year.py

Makes (once, kept for the next run) the school "Year Bench Academy" with 200 staff, 30 teams
of 7 (every member of staff in one team, some in two) each with a fortnightly series across
the academic year (about 600 meetings), six INSET days, three twilights, a protected week, a
coaching window and two priorities, published; and the current academic year's terms when
there are none. Times, in BENCH_ROUNDS (10) rounds: the planner (``/schools/<urn>/year/``) as
the CPD leader (the draft view, with clashes and the coaching counted in each window), and as
a member of staff (published view); a person's calendar feed
(``/sessions/feed/<token>.ics``) for a member of three teams. Prints the load average, p50,
p95 and max in ms and the most queries of each, against the targets (planner p95 <= 300 ms
and <= 15 queries; the feed p95 <= 100 ms).
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from cpd_sessions.models import CalendarFeed  # noqa: E402
from cpdhub.academic_year import current_academic_year  # noqa: E402
from hubs.models import School, Term, User  # noqa: E402
from schoolyear import meetings, plan  # noqa: E402
from schoolyear.models import (  # noqa: E402
    MeetingSeries,
    PlanDate,
    Team,
    TeamMeeting,
    TeamMembership,
)

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))
URN = 999101
STAFF, TEAMS, TEAM_SIZE = 200, 30, 7


def _terms(year: int) -> None:
    d = datetime.date
    wanted = [
        (f"Autumn {year} (bench)", d(year, 9, 2), d(year, 12, 18)),
        (f"Spring {year + 1} (bench)", d(year + 1, 1, 5), d(year + 1, 3, 26)),
        (f"Summer {year + 1} (bench)", d(year + 1, 4, 12), d(year + 1, 7, 21)),
    ]
    for name, start, end in wanted:
        if not Term.objects.filter(start__lte=end, end__gte=start).exists():
            Term.objects.create(name=name, start=start, end=end)


@transaction.atomic
def build(year: int) -> School:
    school = School.objects.filter(urn=URN).first()
    if school is not None and Team.objects.filter(school=school).count() == TEAMS:
        return school
    _terms(year)
    school, _ = School.objects.get_or_create(urn=URN, defaults={"name": "Year Bench Academy"})
    User.objects.bulk_create(
        [
            User(
                email=f"year-bench-{i}@bench.test",
                first_name="Bench",
                last_name=f"Person {i:03d}",
                school=school,
            )
            for i in range(STAFF)
        ],
        ignore_conflicts=True,
    )
    staff = list(User.objects.filter(school=school).order_by("pk"))
    leader = staff[0]
    school.cpd_leaders.add(leader)
    leader = User.objects.get(pk=leader.pk)  # led_school_ids afresh
    first, last = datetime.date(year, 9, 2), datetime.date(year + 1, 7, 20)
    for kind, title, day in [
        ("inset", "INSET 1", first), ("inset", "INSET 2", datetime.date(year, 11, 2)),
        ("inset", "INSET 3", datetime.date(year + 1, 1, 5)),
        ("inset", "INSET 4", datetime.date(year + 1, 2, 23)),
        ("inset", "INSET 5", datetime.date(year + 1, 4, 12)),
        ("inset", "INSET 6", datetime.date(year + 1, 6, 1)),
    ]:  # fmt: skip
        plan.date_add(school=school, by=leader, kind=kind, title=title, start=day)
    for month in (10, 1, 5):
        y = year if month >= 8 else year + 1
        plan.date_add(
            school=school, by=leader, kind="twilight", title=f"Twilight {month}",
            start=datetime.date(y, month, 13), start_time=datetime.time(15, 45),
            end_time=datetime.time(17, 15),
        )  # fmt: skip
    plan.date_add(
        school=school, by=leader, kind="protected", title="Reporting week",
        start=datetime.date(year + 1, 3, 1), end=datetime.date(year + 1, 3, 5),
    )  # fmt: skip
    for title in ("Questioning", "Reading"):
        plan.priority_create(school=school, by=leader, year=year, title=title)
    for t in range(TEAMS):
        members = [staff[(t * TEAM_SIZE + k) % STAFF] for k in range(TEAM_SIZE)]
        team = Team.objects.create(school=school, name=f"Team {t:02d}", leader=members[0])
        TeamMembership.objects.bulk_create(
            [TeamMembership(team=team, user=m) for m in members], ignore_conflicts=True
        )
        meetings.series_create(
            team=team, by=leader, first_date=first + datetime.timedelta(days=t % 5),
            last_date=last, start_time=datetime.time(15, 30), end_time=datetime.time(16, 30),
        )  # fmt: skip
    # Staff member 7 is in three teams (their feed is timed).
    person = staff[7]
    for team in Team.objects.filter(school=school).order_by("name")[2:4]:
        TeamMembership.objects.get_or_create(team=team, user=person)
    plan.plan_publish(school=school, by=leader, year=year)
    return school


def coaching_window(school: School, year: int) -> None:
    """A coaching window (added to a bench school made before there were any)."""
    if not PlanDate.objects.filter(plan__school=school, kind=PlanDate.Kind.COACHING).exists():
        leader = school.cpd_leaders.order_by("pk").first()
        plan.date_add(
            school=school, by=leader, kind=PlanDate.Kind.COACHING, title="Coaching cycle 1",
            start=datetime.date(year, 11, 2), end=datetime.date(year, 12, 11),
        )  # fmt: skip


def time_page(client: Client, url: str) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    return elapsed, len(ctx.captured_queries)


def main() -> None:
    year = current_academic_year()
    school = build(year)
    coaching_window(school, year)
    staff = list(User.objects.filter(school=school).order_by("pk"))
    leader, person = staff[0], staff[7]
    feed, _ = CalendarFeed.objects.get_or_create(user=person)
    clients = {}
    for who, user in (("leader", leader), ("staff", person)):
        clients[who] = Client()
        clients[who].force_login(user)
    anonymous = Client()
    planner = f"/schools/{school.urn}/year/?year={year}"
    feed_url = f"/sessions/feed/{feed.token}.ics"
    cases = [
        ("planner as CPD leader (draft view, clashes)", clients["leader"], planner, 300.0, 15),
        ("planner as staff (published)", clients["staff"], planner, 300.0, 15),
        ("feed of a member of three teams", anonymous, feed_url, 100.0, None),
    ]
    meetings_count = TeamMeeting.objects.filter(team__school=school).count()
    print(
        f"load average {os.getloadavg()[0]:.2f}; {len(staff)} staff, "
        f"{Team.objects.filter(school=school).count()} teams, {meetings_count} meetings, "
        f"{MeetingSeries.objects.filter(team__school=school).count()} series; {ROUNDS} rounds"
    )
    for _, client, url, _, _ in cases:  # warm up
        client.get(url)
    times: dict[str, list[float]] = {c[0]: [] for c in cases}
    queries: dict[str, int] = dict.fromkeys(times, 0)
    for _ in range(ROUNDS):
        for name, client, url, _, _ in cases:
            elapsed, count = time_page(client, url)
            times[name].append(elapsed)
            queries[name] = max(queries[name], count)
    body = anonymous.get(f"/sessions/feed/{feed.token}.ics").content
    print(f"the feed holds {body.count(b'BEGIN:VEVENT')} events")
    for name, _, _, target_ms, target_queries in cases:
        ms = sorted(times[name])
        p95 = ms[max(0, round(0.95 * len(ms)) - 1)]
        verdict = (
            "ok"
            if p95 <= target_ms and (target_queries is None or queries[name] <= target_queries)
            else "OVER"
        )
        print(
            f"{name}: p50 {statistics.median(ms):.1f} ms, p95 {p95:.1f} ms, max {ms[-1]:.1f} ms, "
            f"{queries[name]} queries (target p95 <= {target_ms:.0f} ms"
            f"{f', <= {target_queries} queries' if target_queries else ''}): {verdict}"
        )
    print(f"measured {timezone.now():%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()
