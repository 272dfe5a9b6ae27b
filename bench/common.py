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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


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
