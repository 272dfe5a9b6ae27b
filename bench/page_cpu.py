"""
Where a request's CPU goes, page by page: the load mix's pages (bench/load.py) requested in this
process through Django's test client with DEBUG off, on the database `bench/load.py setup`
prepared. For each kind of request it prints the Python CPU (this process: views, templates,
forms, the ORM building SQL and reading rows), the time spent waiting on Postgres, the queries,
and the kind's share of the mix's CPU weighted as bench/load.py weights its tasks.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_load REDIS_URL=redis://127.0.0.1:6379/3
    .venv/bin/python bench/load.py setup          # once: the bench people and their pages
    .venv/bin/python bench/page_cpu.py            # the table
    .venv/bin/python bench/page_cpu.py "goal page"   # and cProfile's top functions for one kind

PAGE_CPU_ROUNDS (default 20) requests of each kind; the first round warms caches and is left out.
"""

from __future__ import annotations

import cProfile
import json
import os
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
os.environ.update(
    {
        "DEBUG": "false",
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "page-cpu-bench-only-not-secret",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
    }
)

import django  # noqa: E402

django.setup()

from common import deeper, machine_speed, teacher_queries, teacher_search  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from hubs.models import User  # noqa: E402

DATA = ROOT / "bench" / "out" / "load_data.json"
ROUNDS = int(os.environ.get("PAGE_CPU_ROUNDS", "20"))
CALL_ROUNDS = min(ROUNDS, 5)  # requests of each kind made again under cProfile, to count calls

# The kinds of GET in bench/load.py's mix, with its task weights (a member's tasks; the
# coordinators' three are weighted as three people among a hundred).
WEIGHTS = {
    "dashboard": 4,
    "directory: other words": 2,
    "directory": 8,
    "goal page": 3,
    "need page": 1,
    "my sessions": 2,
    "sessions list: filter": 1,
    "log entry form": 1,
    "profile": 4,
    "sessions list": 3,
    "session page": 3,
    "portfolio": 3,
    "coordinator: dashboard": 0.1,
    "coordinator: needs": 0.07,
    "coordinator: lone rangers": 0.03,
}


TICK = os.sysconf("SC_CLK_TCK")


def backend_cpu() -> float:
    """Seconds of CPU the Postgres backend serving this process has used (from /proc: the
    database runs on this machine, as in bench/load.py)."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


class DatabaseTime:
    """Wall time spent inside cursor.execute: Postgres working plus the round trip."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def urls(data: dict, email: str, rng: random.Random) -> dict:
    pages = data["pages"][email]
    queries = teacher_queries()

    def search() -> str:
        _, query = rng.choice(queries)
        params, _ = deeper(
            teacher_search(query, names=data["names"], hubs=data["hubs"], rng=rng), rng
        )
        return "/experts/?" + "&".join(f"{k}={v}" for k, v in params.items())

    filters = ["suits_me=true", "format=online", "kind=workshop", "q=reading"]
    return {
        "dashboard": lambda: "/",
        "directory: other words": lambda: f"/experts/?q={rng.choice(data['words'])}",
        "directory": search,
        "goal page": lambda: f"/portfolio/goals/{rng.choice(pages['goals'])}/",
        "need page": lambda: f"/portfolio/needs/{rng.choice(pages['needs'])}/",
        "my sessions": lambda: "/sessions/mine/",
        "sessions list: filter": lambda: f"/sessions/?{rng.choice(filters)}",
        "log entry form": lambda: "/portfolio/log/new/",
        "profile": lambda: f"/experts/{rng.choice(data['profiles'])}/",
        "sessions list": lambda: "/sessions/",
        "session page": lambda: f"/sessions/{rng.choice(data['sessions'])}/",
        "portfolio": lambda: "/portfolio/",
    }


def main() -> None:
    if not DATA.exists():
        raise SystemExit("Run `bench/load.py setup` first.")
    data = json.loads(DATA.read_text())
    rng = random.Random(7)
    member = Client()
    email = data["emails"][0]
    member.force_login(User.objects.get(email=email))
    coordinator = Client()
    coordinator.force_login(User.objects.get(email=data["coordinators"][0]))
    kinds = urls(data, email, rng)
    for name, path in (
        ("coordinator: dashboard", "/coordinator/"),
        ("coordinator: needs", "/coordinator/needs/"),
        ("coordinator: lone rangers", "/coordinator/lone-rangers/"),
    ):
        kinds[name] = (lambda p: lambda: p)(path)
    only = sys.argv[1] if len(sys.argv) > 1 else None
    if only and only not in kinds:
        raise SystemExit(f"Unknown kind {only!r}: one of {', '.join(kinds)}")

    rows = []
    for name, make in kinds.items():
        if only and name != only:
            continue
        client = coordinator if name.startswith("coordinator") else member
        cpu, db, queries = [], [], []
        pg_started = backend_cpu()
        # Python function calls per request (cProfile's count): a measure of the work that does
        # not move with the machine's load, unlike the times.
        profiler = cProfile.Profile()
        for round_ in range(ROUNDS + 1):
            path = make()
            meter = DatabaseTime()
            with connection.execute_wrapper(meter):
                started = time.process_time()
                response = client.get(path)
                spent = time.process_time() - started
            if round_ and round_ <= CALL_ROUNDS:
                profiler.enable()
                client.get(path)
                profiler.disable()
            if response.status_code != 200:
                raise SystemExit(f"{name}: {path} answered {response.status_code}")
            if round_:
                cpu.append(spent * 1000)
                db.append(meter.seconds * 1000)
                queries.append(meter.queries)
        pg = (backend_cpu() - pg_started) * 1000 / (ROUNDS + CALL_ROUNDS + 1)
        mean = sum(cpu) / len(cpu)
        calls = pstats.Stats(profiler).total_calls / CALL_ROUNDS
        rows.append(
            (name, mean, sorted(cpu)[len(cpu) // 2], sum(db) / len(db), max(queries), calls, pg)
        )
        if only:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)

    total_weight = sum(WEIGHTS[name] for name, *_ in rows)
    weighted = sum(WEIGHTS[name] * mean for name, mean, *_ in rows) / total_weight
    weighted_calls = sum(WEIGHTS[row[0]] * row[5] for row in rows) / total_weight
    weighted_pg = sum(WEIGHTS[row[0]] * row[6] for row in rows) / total_weight
    print(
        f"\n{'kind':<28} {'CPU mean':>9} {'CPU p50':>8} {'PG CPU':>7} {'DB wait':>8} "
        f"{'queries':>7} {'calls':>8} {'share':>6}"
    )
    for name, mean, p50, db, q, calls, pg in sorted(rows, key=lambda r: -WEIGHTS[r[0]] * r[1]):
        share = WEIGHTS[name] * mean / (weighted * total_weight) * 100
        print(
            f"{name:<28} {mean:8.1f}  {p50:7.1f}  {pg:6.1f}  {db:7.1f}  {q:7d} {calls:8.0f} "
            f"{share:5.1f}%"
        )
    print(
        f"\nWeighted mean per GET of the mix: {weighted:.1f} ms of Python CPU, "
        f"{weighted_pg:.1f} ms of Postgres CPU, "
        f"{weighted_calls:,.0f} function calls ({ROUNDS} of each kind; load average "
        f"{os.getloadavg()[0]:.1f}; machine speed {machine_speed():.0f} ms, bench/common.py)"
    )


if __name__ == "__main__":
    main()
