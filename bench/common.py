"""
What the benchmarks share: an SMTP sink that counts per recipient, a private Redis on a port of
the benchmark's own, and a real Celery worker process. No Django here: each script sets its
environment first, then sets Django up itself.
"""

from __future__ import annotations

import collections
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

# What teachers type into the directory (bench/load.py's mix, bench/directory.py's teacher mix):
# a long list of their own kinds of query, one in four at a deeper page (2-5).
TEACHER_QUERIES = ROOT / "bench" / "teacher_queries.tsv"
DEEP_PAGES = 0.25


def teacher_queries() -> list[tuple[str, str]]:
    """bench/teacher_queries.tsv: (kind, query string with blanks), in the file's order."""
    rows = []
    for line in TEACHER_QUERIES.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            kind, query = line.split("\t", 1)
            rows.append((kind, query))
    return rows


def teacher_search(query: str, *, names: list, hubs: list[str], rng) -> dict[str, str]:
    """One of the teachers' query strings as request parameters, its blanks ({name}, {last},
    {name_typo}: a letter of the surname left out; {hub}) filled from the seeded community by
    ``rng`` (``random`` or a seeded ``random.Random``). No page: the caller chooses it."""
    first, last = rng.choice(names)
    cut = rng.randrange(1, len(last)) if len(last) > 2 else 0
    query = query.format(
        name=f"{first} {last}",
        last=last,
        name_typo=f"{first} {last[:cut]}{last[cut + 1 :]}",
        hub=rng.choice(hubs),
    )
    return dict(urllib.parse.parse_qsl(query))


def deeper(params: dict[str, str], rng) -> tuple[dict[str, str], bool]:
    """One in four (DEEP_PAGES) at a random page from 2 to 5: (params, whether deeper)."""
    if rng.random() < DEEP_PAGES:
        return {**params, "page": str(rng.randint(2, 5))}, True
    return params, False


class Sink:
    """An SMTP server (for aiosmtpd's Controller) that accepts everything and counts it."""

    def __init__(self) -> None:
        self.per_recipient: collections.Counter[str] = collections.Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.per_recipient[rcpt.lower()] += 1
        return "250 OK"

    def total(self) -> int:
        with self.lock:
            return sum(self.per_recipient.values())

    def reached(self, addresses: list[str]) -> int:
        with self.lock:
            return sum(1 for a in addresses if self.per_recipient[a.lower()])

    def lost_and_twice(self, addresses: list[str]) -> tuple[int, int]:
        with self.lock:
            counts = [self.per_recipient[a.lower()] for a in addresses]
        return sum(1 for c in counts if c == 0), sum(1 for c in counts if c > 1)


def machine_speed() -> float:
    """Milliseconds of CPU this machine takes to add up ten million integers in a Python loop:
    printed beside every CPU figure, because the machines these benchmarks run on differ (one
    took 560 ms, another 940 ms), and a figure in milliseconds is only comparable with one
    measured at the same speed."""
    started = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return (time.process_time() - started) * 1000


def _quiet(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, check=False, capture_output=True, text=True)  # noqa: S603


def redis_start(port: int) -> None:
    _quiet(
        "redis-server", "--port", str(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--daemonize", "yes",
    )  # fmt: skip
    if not wait_until(
        lambda: _quiet("redis-cli", "-p", str(port), "ping").stdout.strip() == "PONG"
    ):
        raise SystemExit(f"redis-server on port {port} did not start")


def redis_stop(port: int) -> None:
    _quiet("redis-cli", "-p", str(port), "shutdown", "nosave")


def wait_until(condition, timeout: float = 5.0, every: float = 0.1) -> bool:
    """Poll ``condition`` until it is true (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())


def celery_worker(*, beat_schedule: Path | None = None, env=None) -> subprocess.Popen:
    """A real worker process (solo pool: one task at a time), with its beat when asked."""
    beat = ["--beat", "-s", str(beat_schedule)] if beat_schedule else []
    return subprocess.Popen(  # noqa: S603 - our own worker
        [
            PYTHON, "-m", "celery", "-A", "cpdhub", "worker", *beat,
            "--pool=solo", "--without-heartbeat", "--without-gossip", "--without-mingle",
            "-l", "WARNING",
        ],
        cwd=ROOT,
        env=env or os.environ,
    )  # fmt: skip


def manage(*args: str, env=None, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own manage.py
        [PYTHON, str(ROOT / "manage.py"), *args],
        check=check,
        capture_output=True,
        text=True,
        env=env or os.environ,
    )
