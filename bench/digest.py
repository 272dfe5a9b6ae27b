"""
The termly digest at scale: N personalised digests planned, queued on Redis, sent by ONE
Celery worker process (solo pool) on Postgres to a local SMTP sink (aiosmtpd), counted as
they arrive.

    createdb -h 127.0.0.1 -U postgres cpdhub_digest
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_digest
    export REDIS_URL=redis://127.0.0.1:6379/14
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/digest.py --recipients 2000 20000

For each N: builds a community of N staff with `seed_scale` (every one an expert, so the
digest has experts to show), a current term, sessions and goals; clears earlier digest rows;
starts the sink and the worker; runs the planner (`manage.py send_termly_digest`) as its own
process; waits until N messages have reached the sink. Prints digests a second, time per
recipient, and the peak resident memory (VmHWM) of the planner and of the worker.
"""

from __future__ import annotations

import argparse
import datetime
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
PORT = int(os.environ.get("BENCH_SMTP_PORT", "8025"))
os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{PORT}"
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402
from common import PYTHON, ROOT, Sink, celery_worker, manage  # noqa: E402  (bench/common.py)

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from cpd_sessions.models import DevelopmentSession, SessionDate  # noqa: E402
from experts.models import ExpertiseArea  # noqa: E402
from hubs.models import Term, User  # noqa: E402
from notifications.models import Delivery  # noqa: E402
from portfolios.models import Goal  # noqa: E402


def prepare(n: int) -> None:
    """A community of n staff, a term containing today, and some sessions and goals."""
    manage("seed_scale", "--profiles", str(n))
    today = timezone.localdate()
    if Term.objects.current(today) is None:
        Term.objects.filter(name="Bench term").delete()
        Term.objects.create(
            name="Bench term",
            start=today - datetime.timedelta(days=20),
            end=today + datetime.timedelta(days=40),
        )
    Delivery.objects.filter(kind="digest").delete()
    DevelopmentSession.objects.filter(title__startswith="Bench session").delete()
    areas = list(ExpertiseArea.objects.all())
    for i, area in enumerate(areas[:12]):
        start = timezone.now() + datetime.timedelta(days=7 + i)
        session = DevelopmentSession.objects.create(
            title=f"Bench session {i}: {area.name}",
            status=DevelopmentSession.Status.PUBLISHED,
            start=start,
            end=start + datetime.timedelta(hours=1),
        )
        SessionDate.objects.create(session=session, start=session.start, end=session.end)
        session.areas.add(area)
    # One person in ten has an active goal, so the digest looks for experts in its area.
    people = list(User.objects.filter(email__endswith=".scale.test").values_list("pk", flat=True))
    year = today.year if today.month >= 9 else today.year - 1
    goals = Goal.objects.bulk_create(
        [Goal(owner_id=pk, title="Better questioning", academic_year=year) for pk in people[::10]]
    )
    through = Goal.areas.through
    through.objects.bulk_create(
        [
            through(goal_id=g.pk, expertisearea_id=areas[i % len(areas)].pk)
            for i, g in enumerate(goals)
        ]
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def run(n: int, sink: Sink) -> dict:
    recipients = User.objects.filter(is_active=True).count()
    worker = celery_worker()
    time.sleep(4)  # the worker connects to the broker
    before = sink.total()
    started = time.perf_counter()
    planner = subprocess.run(  # noqa: S603 - this script, planning only
        [PYTHON, __file__, "--plan-only"],
        cwd=ROOT,
        env=os.environ,
        check=True,
        capture_output=True,
        text=True,
    )
    planned = time.perf_counter() - started
    planner_peak = float(planner.stdout.split("PEAK_KB ")[1]) / 1024
    deadline = started + 1800
    while sink.total() - before < recipients and time.perf_counter() < deadline:
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    worker_peak = peak_rss_mb(worker.pid)
    worker.terminate()
    worker.wait(timeout=30)
    sent = sink.total() - before
    return {
        "recipients": recipients,
        "sent": sent,
        "seconds": elapsed,
        "planner_seconds": planned,
        "rate": sent / elapsed,
        "ms_each": elapsed * 1000 / max(sent, 1),
        "planner_mb": planner_peak,
        "worker_mb": worker_peak,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--plan-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plan_only:  # the planner, as its own process so its peak memory is its own
        call_command("send_termly_digest")
        print(f"PEAK_KB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}")
        return
    if connection.vendor != "postgresql" or not settings.CELERY_BROKER_URL.startswith("redis"):
        raise SystemExit("Set DATABASE_URL to Postgres and REDIS_URL to a Redis database.")
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=PORT)
    controller.start()
    results = []
    try:
        for n in args.recipients:
            prepare(n)
            result = run(n, sink)
            results.append(result)
            print(
                f"{result['recipients']:>6,} recipients: {result['sent']:,} digests in "
                f"{result['seconds']:.1f} s = {result['rate']:.0f} a second "
                f"({result['ms_each']:.2f} ms each; planning {result['planner_seconds']:.1f} s); "
                f"peak memory: planner {result['planner_mb']:.0f} MB, "
                f"worker {result['worker_mb']:.0f} MB",
                flush=True,
            )
    finally:
        controller.stop()
    if len(results) >= 2:
        small, large = results[0], results[-1]
        print(
            f"time per recipient {large['ms_each']:.2f} / {small['ms_each']:.2f} ms = "
            f"{large['ms_each'] / small['ms_each']:.2f}x; peak memory growth: planner "
            f"{large['planner_mb'] - small['planner_mb']:+.0f} MB, worker "
            f"{large['worker_mb'] - small['worker_mb']:+.0f} MB"
        )


if __name__ == "__main__":
    main()
