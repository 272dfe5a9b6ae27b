"""
Faults, each as a scripted check with its figures:

- worker-killed: the termly digest to N people; the Celery worker is killed (SIGKILL) a third
  of the way through; a new worker starts and the day's planner runs again, as the next daily
  run would. Everyone gets exactly one digest?
- beat-twice: the digest planner enqueued twice at the same moment (what two beat processes
  started by mistake would do), with two workers. Anyone twice?
- web: a gunicorn (2 workers, DEBUG off) against a Postgres cluster and a Redis of this
  script's own, signed-in page loads running throughout: Redis (cache, broker, rate limits)
  stopped for 20 s, then Postgres restarted. Pages served while Redis is down? The app back
  after Postgres returns, with the same worker processes, and no error after its first answer?

    createdb -h 127.0.0.1 -U postgres cpdhub_faults
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_faults
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/faults.py                 # all three; or name some
    .venv/bin/python bench/faults.py web --recipients 2000

The first two use DATABASE_URL and this script's Redis (port 6393); "web" creates its own
Postgres cluster (port 5439, `pg_createcluster`, run as root) so that restarting it disturbs
nobody else, and removes it afterwards. A row being sent when its worker died may be claimed
again after CPDHUB_MAIL_SENDING_STALE_SECONDS, shortened here to 20 s (15 minutes in
production) so the check sees it go.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from common import PYTHON, ROOT, Sink, celery_worker, manage, redis_start, redis_stop, wait_until

REDIS_PORT = int(os.environ.get("BENCH_REDIS_PORT", "6393"))
SMTP_PORT = int(os.environ.get("BENCH_SMTP_PORT", "8028"))
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "5439"))
WEB_PORT = int(os.environ.get("BENCH_WEB_PORT", "8191"))
CLUSTER = "cpdhub-faults"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
os.environ["REDIS_URL"] = f"redis://127.0.0.1:{REDIS_PORT}/0"
os.environ["CACHE_URL"] = "locmemcache://"
os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{SMTP_PORT}"
os.environ["BENCH_SMTP_PORT"] = str(SMTP_PORT)  # bench/digest.py, imported below, reads it
os.environ["CPDHUB_MAIL_SENDING_STALE_SECONDS"] = "20"
os.environ.setdefault("LOG_LEVEL", "WARNING")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from digest import prepare as digest_community  # noqa: E402  (bench/digest.py)
from django.db import connection  # noqa: E402

from hubs.models import User  # noqa: E402
from notifications.models import Delivery  # noqa: E402


def recipients() -> list[str]:
    return list(User.objects.filter(is_active=True).values_list("email", flat=True))


def ledger() -> dict[str, int]:
    return dict(
        collections.Counter(Delivery.objects.filter(kind="digest").values_list("status", flat=True))
    )


def plan() -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own manage.py
        [PYTHON, str(ROOT / "manage.py"), "send_termly_digest"],
        cwd=ROOT,
        env=os.environ,
        stdout=subprocess.DEVNULL,
    )


def settle(sink: Sink, people: list[str], timeout: float) -> float:
    """Wait until everyone has had one (or the timeout), then a little more for any second."""
    started = time.monotonic()
    wait_until(lambda: sink.reached(people) == len(people), timeout=timeout, every=0.5)
    done = time.monotonic() - started
    time.sleep(5)
    return done


def worker_killed(sink: Sink, n: int) -> str:
    digest_community(n)
    people = recipients()
    schedule = Path(tempfile.mkdtemp()) / "beat"
    first = celery_worker()
    time.sleep(4)  # connected to the broker
    before = sink.total()
    started = time.monotonic()
    plan().wait()
    wait_until(lambda: sink.total() - before >= len(people) // 3, timeout=600, every=0.05)
    first.send_signal(signal.SIGKILL)
    first.wait()
    killed_at = sink.total() - before
    at_kill = ledger()
    second = celery_worker(beat_schedule=schedule)  # with its beat: the sweep every minute
    try:
        time.sleep(4)
        plan().wait()  # the next daily run (or the coordinator's "send again")
        done = settle(sink, people, timeout=900)
    finally:
        second.terminate()
        second.wait(timeout=30)
    lost, twice = sink.lost_and_twice(people)
    return (
        f"worker killed mid-digest: {len(people):,} recipients; killed after {killed_at:,} sent "
        f"(ledger then {at_kill}); a new worker and the planner again: all in "
        f"{done:.0f} s after the restart ({time.monotonic() - started:.0f} s in all); "
        f"{lost} lost, {twice} twice; ledger now {ledger()}"
    )


def beat_twice(sink: Sink, n: int) -> str:
    digest_community(n)
    people = recipients()
    workers = [celery_worker(), celery_worker()]
    try:
        time.sleep(4)
        planners = [plan(), plan()]  # the same day's planner, twice at once
        for planner in planners:
            planner.wait()
        done = settle(sink, people, timeout=900)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
    lost, twice = sink.lost_and_twice(people)
    return (
        f"planner twice at once, two workers: {len(people):,} recipients in {done:.0f} s; "
        f"{lost} lost, {twice} twice; ledger {ledger()}"
    )


# --- The web tier: Redis stopped, Postgres restarted --------------------------------------


def _cluster(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=False, capture_output=True, text=True)  # noqa: S603


def web() -> str:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    _cluster("pg_dropcluster", "--stop", version, CLUSTER)
    made = _cluster(
        "pg_createcluster", version, CLUSTER, "--port", str(PG_PORT), "--start",
        "--", "--auth-local=trust", "--auth-host=trust",
    )  # fmt: skip
    if made.returncode:
        raise SystemExit(f"Could not create the Postgres cluster: {made.stderr}")
    url = f"postgres://postgres@127.0.0.1:{PG_PORT}/cpdhub_faults"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "CACHE_URL": f"redis://127.0.0.1:{REDIS_PORT}/1",
        "DEBUG": "false",
        "SECRET_KEY": "faults-bench-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SITE_URL": f"http://127.0.0.1:{WEB_PORT}",
    }
    server = None
    try:
        wait_until(
            lambda: _cluster("pg_isready", "-h", "127.0.0.1", "-p", str(PG_PORT)).returncode == 0
        )
        _cluster(
            "createdb", "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", "cpdhub_faults"
        )
        manage("migrate", "-v0", env=env)
        manage("seed_demo", env=env)
        manage("collectstatic", "--noinput", "-v0", env=env)
        session = manage(
            "shell",
            "-c",
            "from django.contrib.sessions.backends.db import SessionStore\n"
            "from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY\n"
            "from hubs.models import User\n"
            "u = User.objects.get(email='teacher@demo.test')\n"
            "s = SessionStore(); s[SESSION_KEY] = str(u.pk)\n"
            "s[BACKEND_SESSION_KEY] = 'hubs.backends.ModelBackend'\n"
            "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)",
            env=env,
        ).stdout.split()[-1]  # fmt: skip (the shell prints its own line first)
        server = subprocess.Popen(  # noqa: S603 - our own app server
            [
                PYTHON, "-m", "gunicorn", "cpdhub.wsgi:application", "--bind",
                f"127.0.0.1:{WEB_PORT}", "--workers", "2", "--timeout", "30",
                "--log-level", "warning",
            ],
            cwd=ROOT, env=env,
        )  # fmt: skip
        wait_until(lambda: _get("/healthz", "")[0] == 200, timeout=30)
        workers_before = _children(server.pid)
        log: list[tuple[float, str, int | str]] = []
        stop = threading.Event()

        def load() -> None:
            pages = ["/", "/experts/?q=questioning", "/sessions/", "/portfolio/", "/experts/"]
            i = 0
            while not stop.is_set():
                status = _get(pages[i % len(pages)], session)[0]
                log.append((time.monotonic(), pages[i % len(pages)], status))
                i += 1
                time.sleep(0.05)

        thread = threading.Thread(target=load, daemon=True)
        thread.start()
        marks = {"start": time.monotonic()}
        time.sleep(10)
        redis_stop(REDIS_PORT)
        marks["redis down"] = time.monotonic()
        time.sleep(20)
        redis_start(REDIS_PORT)
        marks["redis up"] = time.monotonic()
        time.sleep(10)
        marks["pg restart"] = time.monotonic()
        _cluster("pg_ctlcluster", version, CLUSTER, "restart", "-m", "fast")
        marks["pg up"] = time.monotonic()
        time.sleep(20)
        stop.set()
        thread.join()
        workers_after = _children(server.pid)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        _cluster("pg_dropcluster", "--stop", version, CLUSTER)

    def phase(start: float, end: float) -> tuple[int, int]:
        rows = [status for t, _page, status in log if start <= t < end]
        return len(rows), sum(1 for s in rows if not (isinstance(s, int) and s < 500))

    normal = phase(marks["start"], marks["redis down"])
    redis_down = phase(marks["redis down"], marks["redis up"])
    restart = phase(marks["pg restart"], marks["pg up"])
    first_ok = next(
        (t for t, _p, s in log if t >= marks["pg up"] and isinstance(s, int) and s < 500), None
    )
    after = phase(first_ok or marks["pg up"], float("inf"))
    recovered = f"{first_ok - marks['pg up']:.2f} s" if first_ok else "never"
    return (
        f"web: normal {normal[0]} requests, {normal[1]} errors; Redis stopped 20 s: "
        f"{redis_down[0]} requests, {redis_down[1]} errors; Postgres restart took "
        f"{marks['pg up'] - marks['pg restart']:.1f} s ({restart[0]} requests, {restart[1]} "
        f"errors during it); first answer {recovered} after it was back; after that "
        f"{after[0]} requests, {after[1]} errors; gunicorn workers "
        f"{'unchanged' if workers_before == workers_after else 'REPLACED'} "
        f"({sorted(workers_before)} -> {sorted(workers_after)})"
    )


def _get(path: str, session: str) -> tuple[int | str, float]:
    started = time.monotonic()
    try:
        conn = http.client.HTTPConnection("127.0.0.1", WEB_PORT, timeout=10)
        headers = {"Cookie": f"sessionid={session}"} if session else {}
        conn.request("GET", path, headers=headers)
        status = conn.getresponse().status
        conn.close()
    except OSError as exc:
        status = type(exc).__name__
    return status, time.monotonic() - started


def _children(pid: int) -> set[int]:
    found = subprocess.run(  # noqa: S603 - reading the process table
        ["/usr/bin/ps", "-o", "pid=", "--ppid", str(pid)],
        capture_output=True,
        text=True,
        check=False,
    )
    return {int(p) for p in found.stdout.split()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "checks", nargs="*", default=["worker-killed", "beat-twice", "web"],
        choices=["worker-killed", "beat-twice", "web"],
    )  # fmt: skip
    parser.add_argument("--recipients", type=int, default=2000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        raise SystemExit("Set DATABASE_URL to a Postgres database of your own.")
    print(f"uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")  # noqa: S607
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=SMTP_PORT)
    controller.start()
    redis_start(REDIS_PORT)
    try:
        for check in args.checks:
            if check == "worker-killed":
                print(worker_killed(sink, args.recipients), flush=True)
            elif check == "beat-twice":
                sink.per_recipient.clear()
                print(beat_twice(sink, args.recipients), flush=True)
            else:
                print(web(), flush=True)
    finally:
        redis_stop(REDIS_PORT)
        controller.stop()


if __name__ == "__main__":
    main()
