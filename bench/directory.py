"""
The directory's speed, measured through Django's request handling (the test Client runs
the full middleware stack, URL routing, view, template), on the database in DATABASE_URL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_bench \\
        .venv/bin/python manage.py seed_scale --profiles 10000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_bench .venv/bin/python bench/directory.py

Prints p50 and p95 per kind of search over a representative mix (topic searches, broad words,
filters without text, browsing and a deep page), deep page against page 1, then one profile's
page, the printable list, the stale list, and the CSV of every profile: its first byte, its
total time and how much the process's resident memory grew while it streamed.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
# The search itself, not the directory's kept result pages (which would answer every round after
# the first from the cache: docs/performance.md, "Kept result pages").
os.environ.setdefault("CPDHUB_DIRECTORY_CACHE_SECONDS", "0")

import django

django.setup()

from django.conf import settings  # noqa: E402

# One bench person makes hundreds of searches a minute: the rate limits
# (cpdhub/ratelimit/limits.py), made for people, would refuse them; they are measured in
# bench/load.py instead.
settings.CPDHUB_RATE_LIMITS = {}

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from experts.models import ExpertProfile  # noqa: E402
from hubs.models import User  # noqa: E402

TOPICS = {
    "one word": {"q": "questioning"},
    "two words": {"q": "retrieval practice"},
    "one word + hub": {"q": "feedback", "hub": "scale-hub-1"},
    "two words + offer": {"q": "phonics reading", "offer": "coaching"},
    "typo": {"q": "questionning"},
    "typo, trigram": {"q": "retreival"},
    "area filter alone": {"area": "questioning"},
    "name": {"q": "Priya Patel"},
}
BROAD = {
    "broad word, ~50% (classroom)": {"q": "classroom"},
    "broad word, ~35% (mentor)": {"q": "mentor"},
    "word in every profile (help)": {"q": "help"},
    "word in every profile (school)": {"q": "school"},
    "area + phase, no text": {"area": "questioning", "phase": "primary"},
    "hub, no text": {"hub": "scale-hub-1"},
    "browsing, page 1": {},
    "browsing, page 50": {"page": "50"},
    "broad word, page 50": {"q": "help", "page": "50"},
}
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "20"))


def timed(client: Client, url: str, params: dict) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url, params)
        elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} {params}: HTTP {response.status_code}")
    return elapsed, len(queries)


def p95(times: list[float]) -> float:
    times = sorted(times)
    return times[max(int(len(times) * 0.95) - 1, 0)]


def mix(client: Client, title: str, searches: dict, name: str) -> list[float]:
    print(title)
    all_times = []
    for label, params in searches.items():
        timed(client, "/experts/", params)  # warm up
        runs = [timed(client, "/experts/", params) for _ in range(ROUNDS)]
        times = [t for t, _ in runs]
        all_times += times
        print(
            f"  {label:<32} p50 {statistics.median(times):7.1f} ms   p95 {p95(times):7.1f} ms"
            f"   {max(q for _, q in runs)} queries"
        )
    print(f"  {name:<32} p50 {statistics.median(all_times):7.1f} ms   p95 {p95(all_times):7.1f} ms")
    return all_times


def page(client: Client, label: str, url: str, params: dict | None = None) -> None:
    timed(client, url, params or {})
    runs = [timed(client, url, params or {}) for _ in range(ROUNDS)]
    times = [t for t, _ in runs]
    print(
        f"  {label:<32} p50 {statistics.median(times):7.1f} ms   p95 {p95(times):7.1f} ms"
        f"   {max(q for _, q in runs)} queries"
    )


def rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def csv_export(client: Client) -> None:
    """The whole directory as CSV: first byte, total, rows, peak resident memory growth."""
    Path("/proc/self/clear_refs").write_text("5")  # the peak (VmHWM) restarts from here
    before = rss_kib("VmRSS")
    start = time.perf_counter()
    response = client.get("/experts/directory.csv")
    chunks = iter(response.streaming_content)
    size = len(next(chunks))
    first = time.perf_counter() - start
    lines = 0
    for chunk in chunks:
        size += len(chunk)
        lines += chunk.count(b"\n")
    total = time.perf_counter() - start
    response.close()
    growth = (rss_kib("VmHWM") - before) / 1024
    print(
        f"  CSV of every profile: first byte {first * 1000:.0f} ms, all {total:.1f} s, "
        f"{lines:,} rows, {size / 1e6:.1f} MB, peak memory growth {growth:.1f} MB"
    )


def main() -> None:
    user = User.objects.filter(email="bench@bench.test").first() or User.objects.create_user(
        "bench@bench.test", first_name="Bench", last_name="Mark"
    )
    user.is_staff = user.is_superuser = True  # the stale list is the coordinator's
    user.save(update_fields=["is_staff", "is_superuser"])
    client = Client()
    client.force_login(user)
    print(
        f"{ExpertProfile.objects.count():,} profiles on {connection.vendor}; {ROUNDS} rounds each"
    )
    topics = mix(client, "Topic searches", TOPICS, "topic mix")
    broad = mix(client, "Broad words, filters without text, browsing", BROAD, "broad mix")
    every = sorted(topics + broad)
    print(
        f"  {'everything above':<32} p50 {statistics.median(every):7.1f} ms"
        f"   p95 {p95(every):7.1f} ms"
    )
    for label, params in (("broad", {"q": "help"}), ("browsing", {})):
        first = statistics.median(timed(client, "/experts/", params)[0] for _ in range(ROUNDS))
        deep = statistics.median(
            timed(client, "/experts/", {**params, "page": 50})[0] for _ in range(ROUNDS)
        )
        print(f"  {label}: page 1 {first:.1f} ms, page 50 {deep:.1f} ms: ratio {deep / first:.2f}")
    print("Other pages")
    one = ExpertProfile.objects.visible().order_by("pk")[ExpertProfile.objects.count() // 2]
    page(client, "one profile's page", f"/experts/{one.pk}/")
    page(
        client,
        "printable list, one hub + area",
        "/experts/print/",
        {"hub": "scale-hub-1", "area": "questioning"},
    )
    page(client, "printable list, everyone", "/experts/print/")
    page(client, "stale list", "/experts/stale/")
    csv_export(client)


if __name__ == "__main__":
    main()
