"""
gunicorn's settings for the web process (Dockerfile and docker-compose.yml run
``gunicorn -c gunicorn.conf.py cpdhub.wsgi:application``). The reasoning is in README.md,
"Production deployment"; every number can be overridden from the environment.

- Processes: one per core plus one. A Django request is Python (templates, forms), which holds
  the GIL, so one process uses at most one core; the extra process keeps the cores busy while
  another is between requests or collecting garbage.
- Threads: each process runs a few requests at once (``gthread``), so the time a request waits
  for Postgres or Redis is used by another thread instead of leaving a core idle. Few, because
  more threads in one process only queue for the same GIL, and every thread holds its own
  database connection (CONN_MAX_AGE keeps it open between requests): processes times threads
  connections per web container, well under Postgres's default max_connections of 100.
- Timeout: a page that takes 30 s is a bug; the worker is restarted rather than left stuck
  (exports stream, so they are not long single responses). Graceful timeout: a restart or deploy
  lets requests under way finish.
- max_requests with jitter: each process is replaced after a few thousand requests, so slow memory
  growth cannot accumulate, and the jitter keeps the processes from restarting all at once.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


cores = multiprocessing.cpu_count()

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "gthread"
workers = _int("WEB_CONCURRENCY", cores + 1)
threads = _int("GUNICORN_THREADS", 4)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# The heartbeat file in memory, not on the container's overlay disk (a slow disk would look like
# a stuck worker).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 -- memory, not disk
# "-" is standard output; an empty GUNICORN_ACCESSLOG turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
