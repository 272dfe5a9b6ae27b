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

The teacher mix (``--teacher-mix`` runs it alone; the full run ends with it): a mix the
project did not choose. Every query of bench/teacher_queries.tsv as bench/load.py makes it
(blanks filled from this community, one in four at page 2-5), words drawn at random from the
community's own vocabulary (the table the typo correction uses, ``experts.SearchWord``), and
filters alone (each area; subject + phase, hub and school at random), one in four of those
at page 2-5 too. One seeded RNG draws everything (BENCH_SEED, printed; BENCH_WORDS words,
BENCH_FILTERS of each filter). Each request runs BENCH_MIX_ROUNDS times after a warm-up pass;
prints p50/p95/max per kind and in all, the most queries, the 10 slowest requests with their
query strings, and the load average at the start and the end. ``--save FILE`` keeps the
figures; ``--against FILE`` (a run at the smaller scale) prints p95 here ÷ p95 there:

    DATABASE_URL=…/cpdhub_dir10k .venv/bin/python bench/directory.py --teacher-mix --save 10k.json
    DATABASE_URL=…/cpdhub_dir100k .venv/bin/python bench/directory.py --teacher-mix \\
        --against 10k.json
"""

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
import urllib.parse
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

from common import deeper, teacher_queries, teacher_search  # noqa: E402  (bench/common.py)
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from experts.models import ExpertiseArea, ExpertProfile, SearchWord  # noqa: E402
from hubs.models import Hub, Phase, School, Subject, User  # noqa: E402

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
SEED = int(os.environ.get("BENCH_SEED", "20261207"))
WORDS = int(os.environ.get("BENCH_WORDS", "200"))
FILTERS = int(os.environ.get("BENCH_FILTERS", "20"))
MIX_ROUNDS = int(os.environ.get("BENCH_MIX_ROUNDS", "3"))


def timed(client: Client, url: str, params: dict) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url, params)
        elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url} {params}: HTTP {response.status_code}")
    return elapsed, len(queries)


def p95(times: list[float]) -> float:
    """The nearest-rank 95th percentile (the 19th of 20; the larger of 2)."""
    times = sorted(times)
    return times[max(math.ceil(len(times) * 0.95) - 1, 0)]


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


def teacher_mix_requests(rng: random.Random) -> list[tuple[str, dict]]:
    """The teacher mix's requests, (kind, params), drawn by ``rng`` from this community."""
    names = list(
        ExpertProfile.objects.visible()
        .order_by("pk")
        .values_list("user__first_name", "user__last_name")[:20000:97]
    )
    hubs = list(Hub.objects.order_by("pk").values_list("slug", flat=True)[:50])
    requests = []
    for kind, query in teacher_queries():
        params, deep = deeper(teacher_search(query, names=names, hubs=hubs, rng=rng), rng)
        requests.append((f"teachers: {kind}" + (", page 2-5" if deep else ""), params))
    vocabulary = list(SearchWord.objects.order_by("word").values_list("word", flat=True))
    for word in rng.sample(vocabulary, min(WORDS, len(vocabulary))):
        params, deep = deeper({"q": word}, rng)
        requests.append(("vocabulary word" + (", page 2-5" if deep else ""), params))
    pairs = [
        {"subject": subject, "phase": phase}
        for subject in Subject.objects.order_by("slug").values_list("slug", flat=True)
        for phase in Phase.objects.order_by("slug").values_list("slug", flat=True)
    ]
    schools = list(
        School.objects.filter(staff__expert_profile__isnull=False)
        .order_by("urn")
        .values_list("urn", flat=True)
        .distinct()
    )
    alone = (
        [("area alone", {"area": a}) for a in ExpertiseArea.objects.values_list("slug", flat=True)]
        + [("subject + phase alone", p) for p in rng.sample(pairs, min(FILTERS, len(pairs)))]
        + [("hub alone", {"hub": rng.choice(hubs)}) for _ in range(FILTERS)]
        + [("school alone", {"school": u}) for u in rng.sample(schools, min(FILTERS, len(schools)))]
    )
    for kind, params in sorted(alone, key=lambda row: (row[0], sorted(row[1].items()))):
        params, deep = deeper(params, rng)
        requests.append((kind + (", page 2-5" if deep else ""), params))
    return requests


def load_average() -> str:
    return " ".join(f"{n:.2f}" for n in os.getloadavg())


def teacher_mix(client: Client, *, save: str | None, against: str | None) -> None:
    """The teacher mix (module docstring): figures per kind and in all, the slowest requests."""
    rng = random.Random(SEED)
    requests = teacher_mix_requests(rng)
    print(
        f"Teacher mix: {len(requests)} requests (seed {SEED}, {WORDS} vocabulary words), "
        f"{MIX_ROUNDS} rounds after a warm-up; load average at the start {load_average()}"
    )
    for _kind, params in requests:
        timed(client, "/experts/", params)  # warm up: the plans and the choices cached
    runs: list[tuple[float, int, str, str]] = []  # ms, queries, kind, query string
    for _ in range(MIX_ROUNDS):
        for kind, params in requests:
            ms, queries = timed(client, "/experts/", params)
            runs.append((ms, queries, kind, urllib.parse.urlencode(params)))
    by_kind: dict[str, list[tuple[float, int]]] = {}
    for ms, queries, kind, _query in runs:
        by_kind.setdefault(kind.split(", page")[0], []).append((ms, queries))
    for kind, rows in sorted(by_kind.items()):
        times = [ms for ms, _ in rows]
        print(
            f"  {kind:<36} p50 {statistics.median(times):7.1f} ms   p95 {p95(times):7.1f} ms"
            f"   max {max(times):7.1f} ms   {max(q for _, q in rows)} queries"
        )
    times = [ms for ms, *_ in runs]
    figures = {
        "p50": statistics.median(times),
        "p95": p95(times),
        "max": max(times),
        "queries": max(q for _, q, *_ in runs),
        "requests": len(runs),
        "profiles": ExpertProfile.objects.count(),
    }
    print(
        f"  {'teacher mix':<36} p50 {figures['p50']:7.1f} ms   p95 {figures['p95']:7.1f} ms"
        f"   max {figures['max']:7.1f} ms   {figures['queries']} queries"
        f"   ({figures['requests']} requests)"
    )
    print("  The 10 slowest requests:")
    for ms, queries, kind, query in sorted(runs, reverse=True)[:10]:
        print(f"    {ms:7.1f} ms  {queries} queries  {kind:<28} /experts/?{query}")
    if against:
        there = json.loads(Path(against).read_text())
        ratio = figures["p95"] / there["p95"]
        print(
            f"  p95 {figures['p95']:.1f} ms at {figures['profiles']:,} profiles / "
            f"{there['p95']:.1f} ms at {there['profiles']:,}: ratio {ratio:.2f}"
        )
    if save:
        Path(save).write_text(json.dumps(figures))
    print(f"  load average at the end {load_average()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--teacher-mix", action="store_true", help="only the teacher mix")
    parser.add_argument("--save", help="write the teacher mix's figures to this JSON file")
    parser.add_argument("--against", help="a saved teacher mix (smaller scale) to compare with")
    args = parser.parse_args()
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
    if args.teacher_mix:
        teacher_mix(client, save=args.save, against=args.against)
        return
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
    teacher_mix(client, save=args.save, against=args.against)


if __name__ == "__main__":
    main()
