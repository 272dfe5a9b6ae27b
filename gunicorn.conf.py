"""
gunicorn's settings for the web process (Dockerfile and docker-compose.yml run
``gunicorn -c gunicorn.conf.py cpdhub.wsgi:application``). The reasoning is in docs/deployment.md,
"The web tier"; every number can be overridden from the environment.

- Processes: two per core plus one (5 on this 2-core machine). A Django request is mostly Python
  (templates, forms, the ORM building SQL), which holds the GIL, so a process runs on one core
  at a time; with more processes than cores a core is never idle while one process waits for
  Postgres or Redis, and a slow request holds up only its own process. Measured with
  bench/load.py (docs/performance.md, "Load"): at 50 people, 3 processes x 4 threads gave p95
  378-396 ms at 48 requests/s (threads queueing for one GIL); 5 processes x 2 threads gave p95
  256 ms at 51/s.
- Threads: two per process, so the time a request waits for the database is used by the other
  thread. Not more: more threads in one process only queue for the same GIL, and each holds its
  own database connection (CONN_MAX_AGE keeps it open): processes x threads connections per web
  container (10 here), well under Postgres's default max_connections of 100.
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
workers = _int("WEB_CONCURRENCY", cores * 2 + 1)
threads = _int("GUNICORN_THREADS", 2)
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
