"""
Load: signed-in people using the site at once, through gunicorn with DEBUG off, on Postgres and
Redis, at the scale of the database in DATABASE_URL (100,000 profiles). Needs the
`load` dependency group (locust): `.venv/bin/uv sync --frozen --group load`.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_load
    export REDIS_URL=redis://127.0.0.1:6379/3
    createdb -h 127.0.0.1 -U postgres cpdhub_load
    .venv/bin/python manage.py migrate --noinput
    .venv/bin/python manage.py seed_scale --profiles 100000
    .venv/bin/python bench/load.py setup   # bench users with a password, sessions, portfolios
    .venv/bin/python bench/load.py run     # collectstatic, gunicorn (gunicorn.conf.py), locust

Two instances (the web tier is stateless): `LOAD_INSTANCES=2 bench/load.py run` starts two
gunicorn instances (ports LOAD_PORT and LOAD_PORT+1) on the same Postgres and Redis, and every
simulated person alternates between them request by request (signed in on one, the next page from
the other; a form read from one is posted to the other). After the run, `check` verifies the
invariants on the database and across the instances: nobody has two places on one session, no
session holds more confirmed places than it has seats, waitlist positions are unique, and the
directory's rate limit is one counter for both instances (a probe person gets exactly the
limit's number of answers, alternating between instances, then 429s).

The mix: the dashboard, the directory (queries drawn from bench/teacher_queries.tsv, 270 of the
kinds teachers type: topics, typos, two words, names of the seeded people, subject + phase,
hub filters; one in four at page 2-5; and words of the community's own vocabulary), profiles,
the sessions list (plain and filtered), a session page, /sessions/mine/, the portfolio, goal
pages and need pages (which suggest colleagues and sessions), the log entry form and its POST,
bookings and their cancellation, messages to experts; and three coordinators (among LOAD_USERS)
on /coordinator/, /coordinator/needs/ and /coordinator/lone-rangers/ throughout.

`run` prints, per kind of request and in all: requests, failures, requests a second, mean, p50, p95
and p99 in ms; then the steady state (every request after the last sign-in) against the targets
(>= 60 requests a second, p95 <= 300 ms, no failures); then the CPU each request costs, in ms,
of the web tier (every process of the gunicorn instances) and of Postgres (every postgres
process on the machine, and apart the backends serving the bench database), sampled from
/proc once a second, over the whole run and over the steady state; then, when the cluster
loads pg_stat_statements, the statements that took the most time during the run (the counts
are reset at its start). Without it, `run` prints how to enable it:

    psql -h 127.0.0.1 -U postgres \\
        -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
    pg_ctlcluster 15 main restart      # a restart of the cluster: not while others use it
    psql -h 127.0.0.1 -U postgres -d cpdhub_load -c "CREATE EXTENSION pg_stat_statements"

Settings:
LOAD_USERS (50), LOAD_TIME (2m), LOAD_PORT (8130); gunicorn's own from the environment
(WEB_CONCURRENCY, GUNICORN_THREADS: gunicorn.conf.py). Each simulated person signs in through the
real sign-in form once, then waits 0.5-1.5 s (1 s on average) between requests.

locust imports this same file as its locustfile (the classes at the bottom); Django is set up only
by the `setup` step, in its own process.
"""

from __future__ import annotations

import csv
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from common import deeper, machine_speed, teacher_queries, teacher_search  # bench/common.py

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DATA = OUT / "load_data.json"
PASSWORD = "bench-load-2026"  # noqa: S105 -- the bench database's own users
USERS = int(os.environ.get("LOAD_USERS", "50"))
RUN_TIME = os.environ.get("LOAD_TIME", "2m")
PORT = int(os.environ.get("LOAD_PORT", "8130"))
INSTANCES = int(os.environ.get("LOAD_INSTANCES", "1"))
SESSIONS = 20
COORDINATORS = 3  # coordinators on their pages throughout the run
SMALL_CAPACITY = 8  # the first bench session: full quickly, so bookings race for its seats
TARGET_RPS, TARGET_P95_MS = 60.0, 300.0

# What teachers type into the directory: a long list of their own kinds of query (topics,
# typos, two words, subject + phase, hub filters, names of the seeded people), one in four at
# a deeper page (2-5): bench/common.py, teacher_queries (bench/teacher_queries.tsv).
# Besides those, searches nobody else makes (so the directory's kept result pages do not
# flatter the figures): a word of the community's own vocabulary, at random, with a random page.
OTHER_WORDS = 600


# --- setup (Django) ---------------------------------------------------------------------


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
    import django  # noqa: PLC0415 -- only the setup step runs Django; locust imports this file

    django.setup()
    from allauth.account.models import EmailAddress  # noqa: PLC0415 -- after django.setup()
    from django.contrib.auth.hashers import make_password  # noqa: PLC0415 -- idem
    from django.contrib.auth.models import Group  # noqa: PLC0415 -- idem
    from django.db import transaction  # noqa: PLC0415 -- idem
    from django.utils import timezone  # noqa: PLC0415 -- idem

    from cpd_sessions.models import DevelopmentSession, SessionDate  # noqa: PLC0415 -- idem
    from cpdhub.academic_year import current_academic_year  # noqa: PLC0415
    from experts import models as experts  # noqa: PLC0415 -- idem
    from hubs.models import COORDINATORS_GROUP, Hub, School, User  # noqa: PLC0415 -- idem
    from portfolios.models import Entry, Goal, Need  # noqa: PLC0415

    ContactRequest, ExpertiseArea = experts.ContactRequest, experts.ExpertiseArea
    ExpertProfile, SearchWord = experts.ExpertProfile, experts.SearchWord

    started = time.perf_counter()
    # One more than the simulated people: the rate-limit probe of `check`, signed in by nobody else.
    people = list(
        User.objects.filter(is_active=True, school__isnull=False).order_by("pk")[: USERS + 1]
    )
    if len(people) < USERS + 1:
        raise SystemExit(f"Only {len(people)} active staff in the database: seed it first.")
    ids = [p.pk for p in people]
    with transaction.atomic():
        User.objects.filter(pk__in=ids).update(password=make_password(PASSWORD))
        EmailAddress.objects.filter(user_id__in=ids).delete()
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=p, email=p.email, verified=True, primary=True) for p in people]
        )
        # Repeatable: last run's requests would count against the daily contact limit.
        ContactRequest.objects.filter(sender_id__in=ids).delete()

        DevelopmentSession.objects.filter(title__startswith="Load bench").delete()
        leads = list(User.objects.filter(is_active=True).exclude(pk__in=ids).order_by("pk")[:5])
        today = timezone.localdate()
        session_ids = []
        for i in range(SESSIONS):
            day = today + timezone.timedelta(days=14 + i)
            while day.weekday() >= 5:
                day += timezone.timedelta(days=1)
            start = timezone.make_aware(
                timezone.datetime.combine(day, timezone.datetime.min.time())
            ) + timezone.timedelta(hours=16, minutes=30)
            session = DevelopmentSession.objects.create(
                title=f"Load bench twilight {i + 1}",
                description="Retrieval practice across the curriculum.",
                kind=DevelopmentSession.Kind.WORKSHOP,
                format=DevelopmentSession.Format.ONLINE,
                join_link="https://meet.example.test/load-bench",
                status=DevelopmentSession.Status.PUBLISHED,
                capacity=SMALL_CAPACITY if i == 0 else 400,
                start=start,
                end=start + timezone.timedelta(hours=1),
            )
            SessionDate.objects.create(session=session, start=session.start, end=session.end)
            session.leads.set([leads[i % len(leads)]])
            session_ids.append(session.pk)

        year = current_academic_year(today)
        Goal.objects.filter(owner_id__in=ids).delete()
        Entry.objects.filter(owner_id__in=ids).delete()
        Need.objects.filter(owner_id__in=ids).delete()
        areas = list(ExpertiseArea.objects.order_by("pk").values_list("pk", flat=True))
        rng = random.Random(7)
        pages: dict[str, dict[str, list[int]]] = {}
        for person in people:
            goals = Goal.objects.bulk_create(
                [
                    Goal(owner=person, title=f"Goal {n}: better questioning", academic_year=year)
                    for n in range(3)
                ]
            )
            # Each goal in one or two areas (its page suggests experts and sessions in them).
            Goal.areas.through.objects.bulk_create(
                [
                    Goal.areas.through(goal=goal, expertisearea_id=area)
                    for goal in goals
                    for area in rng.sample(areas, rng.choice([1, 2]))
                ]
            )
            needs = Need.objects.bulk_create(
                [Need(owner=person, area_id=rng.choice(areas), description="Ideas, please.")]
            )
            pages[person.email] = {"goals": [g.pk for g in goals], "needs": [n.pk for n in needs]}
            entries = Entry.objects.bulk_create(
                [
                    Entry(
                        owner=person,
                        date=today - timezone.timedelta(days=3 * n),
                        kind="reading",
                        title=f"Read about retrieval practice, part {n}",
                        hours="1.0",
                    )
                    for n in range(12)
                ]
            )
            Entry.goals.through.objects.bulk_create(
                [Entry.goals.through(entry=e, goal=goals[n % 3]) for n, e in enumerate(entries)]
            )

    # Coordinators on their pages during the run: the first active members of the group, or
    # people of the community who are not bench users, made coordinators for the bench.
    group = Group.objects.get(name=COORDINATORS_GROUP)
    coordinators = list(
        User.objects.filter(is_active=True, groups=group)
        .exclude(pk__in=ids)
        .order_by("pk")[:COORDINATORS]
    )
    if len(coordinators) < COORDINATORS:
        more = User.objects.filter(is_active=True).exclude(pk__in=ids).exclude(groups=group)
        coordinators += list(more.order_by("-pk")[: COORDINATORS - len(coordinators)])
    with transaction.atomic():
        for person in coordinators:
            person.groups.add(group)
        User.objects.filter(pk__in=[c.pk for c in coordinators]).update(
            password=make_password(PASSWORD), is_staff=True
        )
        EmailAddress.objects.filter(user__in=coordinators).delete()
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=c, email=c.email, verified=True, primary=True) for c in coordinators]
        )
    # People to search for by name (the community's own, not the bench users).
    names = list(
        User.objects.filter(is_active=True, expert_profile__isnull=False)
        .exclude(pk__in=ids)
        .order_by("pk")
        .values_list("first_name", "last_name")[:20000:97]
    )
    profiles = list(
        ExpertProfile.objects.visible()
        .exclude(user_id__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)[:100000:337]
    )
    OUT.mkdir(parents=True, exist_ok=True)
    DATA.write_text(
        json.dumps(
            {
                "emails": [p.email for p in people[:USERS]],
                "probe": people[USERS].email,
                "words": list(
                    SearchWord.objects.filter(word__regex=r"^[a-z]{4,}$")
                    .order_by("-uses", "word")
                    .values_list("word", flat=True)[:OTHER_WORDS]
                ),
                "profiles": profiles,
                "sessions": session_ids,
                "pages": pages,
                "coordinators": [c.email for c in coordinators],
                "names": names,
                "hubs": list(Hub.objects.order_by("pk").values_list("slug", flat=True)[:50]),
                "schools": list(
                    School.objects.filter(staff__in=ids).values_list("urn", flat=True).distinct()
                ),
            }
        )
    )
    print(
        f"{USERS} bench users and a probe (password {PASSWORD}), {len(session_ids)} sessions, "
        f"{len(profiles)} profiles to visit; {time.perf_counter() - started:.1f} s. Wrote {DATA}."
    )


# --- run: gunicorn and locust -----------------------------------------------------------


def _server_env(port: int = PORT) -> dict:
    env = dict(os.environ)
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to the Postgres database `setup` prepared.")
    if not env.get("REDIS_URL"):
        raise SystemExit("Set REDIS_URL (e.g. redis://127.0.0.1:6379/3): production has Redis.")
    env.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": env.get("SECRET_KEY") or "load-bench-only-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "false",
            "STATIC_ROOT": str(OUT / "static"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESSLOG": "",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


# --- where the CPU goes: /proc and pg_stat_statements ------------------------------------

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
STATEMENTS = 12  # the top statements by total time printed after a run
ENABLE_STATEMENTS = """pg_stat_statements is not loaded in this cluster; to see the top statements:
    psql -h 127.0.0.1 -U postgres \\
      -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
    pg_ctlcluster 15 main restart   # the cluster's version; a restart, so not during a run
    psql -h 127.0.0.1 -U postgres -d <the bench database> \\
      -c "CREATE EXTENSION pg_stat_statements"
  bench/load.py run then resets the counts at the start of each run and prints them after it."""


def _cpu_ticks(pid: int) -> tuple[str, int] | None:
    """A process's name and CPU so far (user + system, in clock ticks), from /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat[stat.rindex(")") + 2 :].split()
    return name, int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


class CpuMeter:
    """
    Samples, once a second, the CPU of the web tier (every process of the gunicorn instances'
    process groups: master and workers) and of Postgres (every postgres process; apart, the
    backends serving the bench database, whose process title names it). A process seen for the
    first time counts from zero, and one that exits keeps its last sample, so workers replaced
    under max_requests and short-lived backends are counted too (to within a second).
    """

    def __init__(self, groups: list[int], database: str) -> None:
        self.groups, self.database = set(groups), database
        self.samples: list[tuple[float, dict[str, dict[int, int]]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _sample(self) -> dict[str, dict[int, int]]:
        found: dict[str, dict[int, int]] = {"web": {}, "postgres": {}, "backends": {}}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            pid = int(entry.name)
            got = _cpu_ticks(pid)
            if got is None:
                continue
            name, ticks = got
            try:
                group = os.getpgid(pid)
            except OSError:
                continue
            if group in self.groups:
                found["web"][pid] = ticks
            elif name == "postgres" or name.startswith("postgres"):
                found["postgres"][pid] = ticks
                if f" {self.database} " in _cmdline(pid):
                    found["backends"][pid] = ticks
        return found

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.time(), self._sample()))
            self._stop.wait(1.0)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((time.time(), self._sample()))

    def seconds(self, kind: str, start: float, end: float) -> float:
        """CPU seconds of one kind of process between two moments of the run."""
        before: dict[int, int] = {}
        after: dict[int, int] = {}
        for at, found in self.samples:
            if at <= start:
                before = {**before, **found[kind]}
            if at <= end:
                after = {**after, **found[kind]}
        return sum(ticks - before.get(pid, 0) for pid, ticks in after.items()) / TICK


def _database_url() -> str:
    return os.environ["DATABASE_URL"]


def statements_start() -> bool:
    """Whether pg_stat_statements is loaded; if so, created in the bench database and reset."""
    import psycopg  # noqa: PLC0415 -- only the run step talks to Postgres directly

    with psycopg.connect(_database_url(), autocommit=True) as db:
        loaded = db.execute("SHOW shared_preload_libraries").fetchone()[0]
        if "pg_stat_statements" not in loaded:
            print(ENABLE_STATEMENTS)
            return False
        db.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        db.execute("SELECT pg_stat_statements_reset()")
    return True


def statements_report() -> None:
    import psycopg  # noqa: PLC0415 -- idem

    with psycopg.connect(_database_url(), autocommit=True) as db:
        total = db.execute(
            "SELECT coalesce(sum(total_exec_time), 0) FROM pg_stat_statements s "
            "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database()"
        ).fetchone()[0]
        rows = db.execute(
            "SELECT calls, total_exec_time, mean_exec_time, rows, query FROM pg_stat_statements s "
            "JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = current_database() "
            "ORDER BY total_exec_time DESC LIMIT %s",
            [STATEMENTS],
        ).fetchall()
    print(f"\nTop {len(rows)} statements by total time (pg_stat_statements, {total / 1000:.1f} s)")
    print(f"{'share':>6}{'total s':>9}{'calls':>8}{'mean ms':>9}{'rows':>9}  statement")
    for calls, total_ms, mean_ms, n, query in rows:
        text = " ".join(query.split())[:150]
        share = 100 * total_ms / total if total else 0
        print(f"{share:>5.1f}%{total_ms / 1000:>9.2f}{calls:>8}{mean_ms:>9.2f}{n:>9}  {text}")


def cpu_report(meter: CpuMeter) -> None:
    """CPU seconds per request of the web tier and of Postgres, over the whole run and over
    the steady state (after the last sign-in)."""
    samples = json.loads(SAMPLES.read_text())
    if not samples:
        return
    signed_in = max((t for t, name, _, _ in samples if name.startswith("sign in")), default=0)
    windows = [("whole run", samples[0][0] - 1, samples[-1][0] + 1)]
    steady = [t for t, *_ in samples if t > signed_in]
    if len(steady) > 1:
        windows.append(("steady state", steady[0], steady[-1]))
    print(
        "\nCPU per request (ms): web = the gunicorn processes; Postgres = every postgres process"
        " on the machine (shared with anything else running), bench backends = those serving"
        f" {meter.database}"
    )
    for label, start, end in windows:
        n = sum(1 for t, *_ in samples if start <= t <= end)
        web, pg, backends = (meter.seconds(k, start, end) for k in ("web", "postgres", "backends"))
        print(
            f"  {label:<13} {n:>7} requests: web {1000 * web / n:.1f}, Postgres "
            f"{1000 * pg / n:.1f} (bench backends {1000 * backends / n:.1f}), together "
            f"{1000 * (web + pg) / n:.1f}; {web:.0f} s web and {pg:.0f} s Postgres CPU in "
            f"{end - start:.0f} s"
        )


def run() -> None:
    if not DATA.exists():
        raise SystemExit(f"No {DATA}: run `bench/load.py setup` first.")
    python = sys.executable
    subprocess.run(  # noqa: S603 -- our own manage.py
        [python, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=_server_env(),
        check=True,
    )
    gunicorn = Path(python).with_name("gunicorn")
    ports = [PORT + i for i in range(INSTANCES)]
    servers = [
        subprocess.Popen(  # noqa: S603 -- our own gunicorn
            [str(gunicorn), "-c", "gunicorn.conf.py", "cpdhub.wsgi:application"],
            cwd=ROOT,
            env=_server_env(port),
            start_new_session=True,
        )
        for port in ports
    ]
    try:
        for port in ports:
            _wait_for(f"http://127.0.0.1:{port}/healthz")
        prefix = OUT / "load"
        locust = Path(python).with_name("locust")
        statements = statements_start()
        database = _database_url().rsplit("/", 1)[-1].split("?")[0]
        meter = CpuMeter([server.pid for server in servers], database)
        meter.start()
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
        print(f"Load average at the start: {load}")
        print(f"Machine speed: {machine_speed():.0f} ms for the Python loop of bench/common.py")
        subprocess.run(  # noqa: S603 -- locust on this file
            [
                str(locust),
                "-f",
                str(Path(__file__).resolve()),
                "--headless",
                "--users",
                str(USERS),
                "--spawn-rate",
                "10",
                "--run-time",
                RUN_TIME,
                "--host",
                f"http://127.0.0.1:{PORT}",
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env={**os.environ, "LOAD_PORTS": ",".join(map(str, ports))},
            check=False,
        )
        meter.stop()
        report(Path(f"{prefix}_stats.csv"))
        cpu_report(meter)
        if statements:
            statements_report()
        probe(ports)
    finally:
        for server in servers:
            os.killpg(server.pid, signal.SIGTERM)
        for server in servers:
            server.wait(timeout=60)
    subprocess.run([python, __file__, "check"], cwd=ROOT, check=True)  # noqa: S603 -- this file


def probe(ports: list[int]) -> None:
    """The directory's rate limit is one counter for every instance: a person who has not used
    the directory this hour signs in on the first instance and searches, alternating between
    the instances, until refused. Each instance keeping its own count would let through the
    limit times the number of instances."""
    import requests  # noqa: PLC0415 -- locust's dependency; only the run step needs it

    limit = int(os.environ.get("LOAD_PROBE_LIMIT", "60"))  # CPDHUB_RATE_LIMITS["directory"]
    email = json.loads(DATA.read_text())["probe"]
    from http.cookiejar import DefaultCookiePolicy  # noqa: PLC0415 -- only here

    # Secure cookies over the bench's plain HTTP, as the locust side does (see below).
    DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True
    web = requests.Session()
    base = [f"http://127.0.0.1:{port}" for port in ports]
    page = web.get(f"{base[0]}/accounts/login/", timeout=30)
    signed_in = web.post(
        f"{base[0]}/accounts/login/",
        {"login": email, "password": PASSWORD, "csrfmiddlewaretoken": _token(page)},
        allow_redirects=False,
        timeout=30,
    )
    if signed_in.status_code != 302:
        raise SystemExit(f"The probe could not sign in: {signed_in.status_code}")
    answers = [
        web.get(f"{base[n % len(base)]}/experts/", params={"q": f"probe {n}"}, timeout=30)
        for n in range(limit + 5)
    ]
    served = sum(a.status_code == 200 for a in answers)
    refused = sum(a.status_code == 429 for a in answers)
    print(
        f"Rate limit across {len(base)} instance(s): {served} searches served, then {refused} "
        f"refused (limit {limit} a minute): "
        + ("one shared counter" if served == limit and refused == 5 else "NOT shared")
    )
    if served != limit or refused != 5:
        raise SystemExit(1)


def check() -> None:
    """The database after a run: the bench sessions' places are whole."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
    import django  # noqa: PLC0415 -- Django only in this step

    django.setup()
    from django.db.models import Count, Q  # noqa: PLC0415 -- after django.setup()

    from cpd_sessions.models import Booking, DevelopmentSession  # noqa: PLC0415 -- idem

    ids = json.loads(DATA.read_text())["sessions"]
    sessions = DevelopmentSession.objects.filter(pk__in=ids).annotate(
        confirmed=Count("bookings", filter=Q(bookings__status=Booking.Status.CONFIRMED)),
        waiting=Count("bookings", filter=Q(bookings__status=Booking.Status.WAITLISTED)),
    )
    over = [s.pk for s in sessions if s.confirmed > s.capacity]
    twice = list(
        Booking.objects.filter(session_id__in=ids, status__in=Booking.ACTIVE)
        .values("session", "user")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    positions = list(
        Booking.objects.filter(session_id__in=ids, status=Booking.Status.WAITLISTED)
        .values("session", "waitlist_position")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    small = sessions.get(pk=ids[0])
    print(
        f"Bookings: {sum(s.confirmed for s in sessions)} confirmed and "
        f"{sum(s.waiting for s in sessions)} waiting on {len(ids)} sessions; the small session "
        f"{small.confirmed}/{small.capacity} confirmed, {small.waiting} waiting; over capacity: "
        f"{len(over)}, two places for one person: {len(twice)}, shared waitlist positions: "
        f"{len(positions)}"
    )
    if over or twice or positions:
        raise SystemExit(1)


def _wait_for(url: str) -> None:
    for _ in range(120):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 -- our server
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"gunicorn did not answer {url}")


SAMPLES = OUT / "load_samples.json"
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _token(page) -> str:
    found = _CSRF.search(page.text)
    return found.group(1) if found else ""


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def report(stats_csv: Path) -> None:
    """locust's own table (every request), then the figures the targets are about: the steady
    state, every request after the last person has signed in (a sign-in is once a session, and
    its password hash costs ~0.3 s of CPU on purpose), from each request's own record."""
    rows = list(csv.DictReader(stats_csv.open()))
    print(
        f"\n{'request':<32}{'n':>7}{'fail':>6}{'req/s':>8}{'mean':>7}{'p50':>6}{'p95':>6}{'p99':>6}"
    )
    for row in rows:
        name = row["Name"] if row["Name"] != "Aggregated" else "all (locust)"
        print(
            f"{name:<32}{int(row['Request Count']):>7}{int(row['Failure Count']):>6}"
            f"{float(row['Requests/s']):>8.1f}{float(row['Average Response Time']):>7.0f}"
            f"{row['50%']:>6}{row['95%']:>6}{row['99%']:>6}"
        )
    samples = json.loads(SAMPLES.read_text())  # [ended at, name, ms, failed]
    signed_in = max((t for t, name, _, _ in samples if name.startswith("sign in")), default=0)
    steady = [(t, ms, failed) for t, name, ms, failed in samples if t > signed_in]
    if len(steady) < 2:
        raise SystemExit("No requests after the sign-ins: run longer (LOAD_TIME).")
    seconds = steady[-1][0] - steady[0][0]
    rps = len(steady) / seconds
    times = [ms for _, ms, _ in steady]
    p95 = _percentile(times, 0.95)
    failures = sum(failed for _, _, failed in steady)
    mean = sum(times) / len(times)
    print(
        f"\nSteady state ({seconds:.0f} s after the last sign-in, {len(steady)} requests): "
        f"{rps:.1f} requests/s (target >= {TARGET_RPS:.0f}), mean {mean:.0f} ms, "
        f"p50 {_percentile(times, 0.5):.0f} ms, p95 {p95:.0f} ms (target <= {TARGET_P95_MS:.0f}), "
        f"p99 {_percentile(times, 0.99):.0f} ms, {failures} failures (target 0): "
        + ("met" if rps >= TARGET_RPS and p95 <= TARGET_P95_MS and failures == 0 else "NOT met")
    )


if __name__ == "__main__":
    steps = {"setup": setup, "run": run, "check": check}
    if len(sys.argv) != 2 or sys.argv[1] not in steps:
        raise SystemExit("usage: bench/load.py setup | run | check")
    steps[sys.argv[1]]()

else:
    # --- the simulated people (locust imports this file) ----------------------------------
    from http.cookiejar import DefaultCookiePolicy
    from itertools import count

    from locust import between, events, task
    from locust.contrib.fasthttp import FastHttpUser

    _samples: list = []

    @events.request.add_listener
    def _record(name, response_time, exception, **kwargs) -> None:
        _samples.append((time.time(), name, response_time, exception is not None))

    @events.test_stop.add_listener
    def _write_samples(**kwargs) -> None:
        SAMPLES.write_text(json.dumps(sorted(_samples)))

    _data = json.loads(DATA.read_text()) if DATA.exists() else {}
    _next_person = count()
    _next_coordinator = count()
    _queries = teacher_queries()

    def _search() -> tuple[str, dict]:
        """One of the teachers' queries, its blanks filled from the seeded community."""
        kind, query = random.choice(_queries)
        params = teacher_search(query, names=_data["names"], hubs=_data["hubs"], rng=random)
        params, deep = deeper(params, random)
        return kind + (", page 2-5" if deep else ""), params

    _instances = [
        f"http://127.0.0.1:{port}" for port in os.environ.get("LOAD_PORTS", str(PORT)).split(",")
    ]

    # DEBUG off marks the session and CSRF cookies Secure; the bench talks plain HTTP to gunicorn,
    # as the TLS-terminating proxy in front of it does, so this process sends them anyway
    # (the class's policy is what every jar consults).
    DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True

    class Person(FastHttpUser):
        """Signed in once through the real form; requests alternate between the instances.
        locust's gevent HTTP client, not `requests`: the load generator shares the two cores
        with the server, and costs a fraction of the CPU per request this way."""

        abstract = True

        def _hop(self) -> None:
            """The next request goes to the next instance (one instance: always the same)."""
            self.turn = getattr(self, "turn", -1) + 1
            self.client.base_url = _instances[self.turn % len(_instances)]

        def _get(self, url: str, name: str, params: dict | None = None) -> None:
            self._hop()
            with self.client.get(
                url, params=params, name=name, catch_response=True, allow_redirects=False
            ) as response:
                # Signed out (a session one instance cannot read) is sent to the sign-in page;
                # no page of the mix redirects otherwise.
                if response.status_code != 200:
                    where = response.headers.get("Location", "")
                    response.failure(
                        f"{name}: {response.status_code} {where} on {self.client.base_url}"
                    )

        def _sign_in(self) -> None:
            self._hop()
            page = self.client.get("/accounts/login/", name="sign in (page)")
            with self.client.post(
                "/accounts/login/",
                {"login": self.email, "password": PASSWORD, "csrfmiddlewaretoken": _token(page)},
                name="sign in (POST)",
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 302:
                    response.failure(f"{self.email} is not signed in: {response.status_code}")

        def _post(self, url: str, data: dict, name: str, page_url: str, page_name: str) -> None:
            self._hop()
            page = self.client.get(page_url, name=page_name)
            self._hop()  # the form read from one instance is posted to the other
            with self.client.post(
                url,
                {**data, "csrfmiddlewaretoken": _token(page)},
                name=name,
                allow_redirects=False,
                catch_response=True,
            ) as response:
                # Done: a redirect back to the page (a refusal renders the page with a 400).
                if response.status_code != 302:
                    response.failure(f"{name}: {response.status_code}")

    class Member(Person):
        """A signed-in member of staff: dashboard, directory, profiles, sessions, portfolio,
        goals and needs, now and then a log entry, a booking (and its cancellation) or a
        message to an expert."""

        wait_time = between(0.5, 1.5)

        def on_start(self) -> None:
            emails = _data["emails"]
            self.email = emails[next(_next_person) % len(emails)]
            self._sign_in()

        @task(4)
        def dashboard(self) -> None:
            self._get("/", "dashboard")

        @task(2)
        def directory_other(self) -> None:
            word = random.choice(_data["words"])
            params = {"q": word} if random.random() < 0.7 else {"q": word, "page": "2"}
            self._get("/experts/", "directory: other words", params=params)

        @task(8)
        def directory(self) -> None:
            kind, params = _search()
            self._get("/experts/", f"directory: {kind}", params=params)

        @task(3)
        def goal(self) -> None:
            pk = random.choice(_data["pages"][self.email]["goals"])
            self._get(f"/portfolio/goals/{pk}/", "goal page")

        @task(1)
        def need(self) -> None:
            pk = random.choice(_data["pages"][self.email]["needs"])
            self._get(f"/portfolio/needs/{pk}/", "need page")

        @task(2)
        def my_bookings(self) -> None:
            self._get("/sessions/mine/", "my sessions")

        @task(1)
        def sessions_filtered(self) -> None:
            params = random.choice(
                [{"suits_me": "true"}, {"format": "online"}, {"kind": "workshop"}, {"q": "reading"}]
            )
            self._get("/sessions/", "sessions list: filter", params=params)

        @task(1)
        def log_entry(self) -> None:
            goal = random.choice(_data["pages"][self.email]["goals"])
            self._post(
                "/portfolio/log/new/",
                {
                    "date": time.strftime("%Y-%m-%d"),
                    "kind": "reading",
                    "title": "Read about hinge questions",
                    "hours": "0.5",
                    "goals": str(goal),
                    "learned": "One question that tells me who has it before I move on.",
                },
                "log entry (POST)",
                "/portfolio/log/new/",
                "log entry form",
            )

        @task(4)
        def profile(self) -> None:
            self._get(f"/experts/{random.choice(_data['profiles'])}/", "profile")

        @task(3)
        def sessions(self) -> None:
            self._get("/sessions/", "sessions list")

        @task(3)
        def session(self) -> None:
            self._get(f"/sessions/{random.choice(_data['sessions'])}/", "session page")

        @task(3)
        def portfolio(self) -> None:
            self._get("/portfolio/", "portfolio")

        @task(1)
        def book_and_cancel(self) -> None:
            pk = random.choice(_data["sessions"])
            page = f"/sessions/{pk}/"
            self._post(f"/sessions/{pk}/book/", {}, "book (POST)", page, "session page")
            self._post(
                f"/sessions/{pk}/cancel-booking/", {}, "cancel booking (POST)", page, "session page"
            )

        @task(1)
        def contact(self) -> None:
            # At most five a day per sender (experts.services.DAILY_CONTACT_LIMIT); `setup`
            # clears the last run's, and one person sends about one in two minutes.
            if getattr(self, "contacted", 0) >= 4:
                return
            self.contacted = getattr(self, "contacted", 0) + 1
            pk = random.choice(_data["profiles"])
            self._post(
                f"/experts/{pk}/contact/",
                {"message": "Could we talk about questioning in Year 4 after half term?"},
                "contact an expert (POST)",
                f"/experts/{pk}/",
                "profile",
            )

    class Coordinator(Person):
        """A community coordinator on their own pages throughout the run (three of them)."""

        fixed_count = COORDINATORS
        wait_time = between(2, 5)

        def on_start(self) -> None:
            self.email = _data["coordinators"][next(_next_coordinator) % COORDINATORS]
            self._sign_in()

        @task(3)
        def dashboard(self) -> None:
            self._get("/coordinator/", "coordinator: dashboard")

        @task(2)
        def needs(self) -> None:
            self._get("/coordinator/needs/", "coordinator: needs")

        @task(1)
        def lone_rangers(self) -> None:
            self._get("/coordinator/lone-rangers/", "coordinator: lone rangers")
