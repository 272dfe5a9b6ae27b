"""
The directory's speed, measured through Django's request handling (the test Client runs
the full middleware stack, URL routing, view, template), on the database in DATABASE_URL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_bench \\
        .venv/bin/python manage.py seed_scale --profiles 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_bench .venv/bin/python bench/directory.py

Prints p50 and p95 per kind of search over a representative mix, and page 50 against page 1.
"""

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

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from experts.models import ExpertProfile  # noqa: E402
from hubs.models import User  # noqa: E402

MIX = {
    "one word": {"q": "questioning"},
    "two words": {"q": "retrieval practice"},
    "one word + hub": {"q": "feedback", "hub": "scale-hub-1"},
    "two words + offer": {"q": "phonics reading", "offer": "coaching"},
    "typo": {"q": "questionning"},
    "typo, trigram": {"q": "retreival"},
    "area filter alone": {"area": "questioning"},
    "name": {"q": "Priya Patel"},
}
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))


def timed(client: Client, params: dict) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get("/experts/", params)
        elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{params}: HTTP {response.status_code}")
    return elapsed, len(queries)


def main() -> None:
    user = User.objects.filter(email="bench@bench.test").first() or User.objects.create_user(
        "bench@bench.test", first_name="Bench", last_name="Mark"
    )
    client = Client()
    client.force_login(user)
    print(
        f"{ExpertProfile.objects.count():,} profiles on {connection.vendor}; {ROUNDS} rounds each"
    )
    all_times = []
    for label, params in MIX.items():
        timed(client, params)  # warm up
        runs = [timed(client, params) for _ in range(ROUNDS)]
        times = sorted(t for t, _ in runs)
        all_times += times
        p95 = times[int(len(times) * 0.95) - 1]
        p50 = statistics.median(times)
        print(f"  {label:<20} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   {runs[0][1]} queries")
    all_times.sort()
    mix_p50 = statistics.median(all_times)
    mix_p95 = all_times[int(len(all_times) * 0.95) - 1]
    print(f"  {'whole mix':<20} p50 {mix_p50:7.1f} ms   p95 {mix_p95:7.1f} ms")
    first = statistics.median(timed(client, {"q": "help"})[0] for _ in range(ROUNDS))
    deep = statistics.median(timed(client, {"q": "help", "page": 50})[0] for _ in range(ROUNDS))
    print(f"  broad search page 1 {first:.1f} ms, page 50 {deep:.1f} ms: ratio {deep / first:.2f}")


if __name__ == "__main__":
    main()
