"""
Enquiry at trust scale, measured through Django's request handling (the test Client runs the
middleware, routing, view and template) on the database in DATABASE_URL.

    createdb cpdhub_enqbench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_enqbench \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_enqbench \\
        .venv/bin/python manage.py seed_scale --profiles 20000 --enquiry-groups 2000
    psql cpdhub_enqbench -c "VACUUM ANALYZE"
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_enqbench \\
        .venv/bin/python bench/enquiry.py

``seed_scale --profiles 20000 --enquiry-groups 2000`` makes 20,000 staff and (enquiry/scale.py)
2,000 groups at work with about 20,000 memberships, their logs, reading lists and lesson-study
cycles, one big group (200 members, 2,000 log entries), and 5,000 finished groups whose
write-ups are published in the library. This times, in BENCH_ROUNDS (5) interleaved rounds, as
a teacher of the community: the library (``/enquiries/library/``) for every query of QUERIES
(broad words, typos, two words, phrases, an area alone and with words, pages 2 to 5, the empty
query); the big group's page and its log's pages 2 and 10, as one of its members; the pages of
BENCH_PEOPLE (20) other groups, as a member; "my enquiries" (``/enquiries/``) of those members.
Prints the load average at the start and the end, p50, p95 and max in ms and the most queries
of each kind of page, against the targets (library p95 <= 100 ms, group pages p95 <= 150 ms,
<= 12 queries each), and the library's query count with one result and with many (flat).
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
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from enquiry.models import Group, LogEntry, Membership, WriteUp  # noqa: E402
from experts.models import ExpertiseArea  # noqa: E402
from hubs.models import User  # noqa: E402

PEOPLE = int(os.environ.get("BENCH_PEOPLE", "20"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
TARGETS = {"library": 100.0, "group": 150.0}
TARGET_QUERIES = 12

# What people type into the library's search: broad words, typos, two words, phrases.
WORDS = [
    "fractions", "phonics", "oracy", "vocabulary", "feedback", "year", "pupils", "reading",
    "fracions", "phonix", "vocabluary", "retreival", "bar models", "exit tickets",
    "year 5 fractions", "sentence stems oracy", "disadvantaged pupils", "worked examples",
    "cold calling questioning", "xylophone",
]  # fmt: skip


def queries(area_slug: str) -> list[str]:
    found = [f"?q={w.replace(' ', '+')}" for w in WORDS]
    found += [f"?area={area_slug}", f"?q=reading&area={area_slug}", f"?q=year&area={area_slug}"]
    found += [f"?page={n}" for n in (2, 3, 4, 5)]
    found += [f"?q=pupils&page={n}" for n in (2, 5)]
    found += ["", "?q="]
    return found


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pages() -> list[tuple[str, Client, str]]:
    if not WriteUp.objects.filter(status="published").exists():
        raise SystemExit("Seed first: manage.py seed_scale --profiles 20000 --enquiry-groups 2000")
    big = (
        LogEntry.objects.values("group_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "group_id")
        .first()["group_id"]
    )
    group = Group.objects.get(pk=big)
    member = Membership.objects.filter(group=group, left_at__isnull=True).first().user
    as_member = client_for(member)
    reader = client_for(User.objects.filter(email__endswith=".scale.test").order_by("pk").last())
    area = (
        Group.areas.through.objects.filter(group__write_up__status="published")
        .values("expertisearea_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    slug = ExpertiseArea.objects.get(pk=area["expertisearea_id"]).slug
    found = [("library", reader, "/enquiries/library/" + q) for q in queries(slug)]
    url = group.get_absolute_url()
    found += [("big group", as_member, url + suffix) for suffix in ("", "?page=2", "?page=10")]
    others = (
        Group.objects.exclude(pk=group.pk)
        .exclude(status="finished")
        .annotate(n=Count("memberships"))
        .order_by("-n", "pk")[:PEOPLE]
    )
    for other in others:
        person = other.memberships.filter(left_at__isnull=True).first().user
        client = client_for(person)
        found.append(("group", client, other.get_absolute_url()))
        found.append(("my enquiries", client, "/enquiries/"))
    return found


def timed(client: Client, url: str) -> tuple[float, int, str]:
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{url}: HTTP {response.status_code}")
    return elapsed, len(captured), response.content.decode()


def main() -> int:
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"Load average at the start: {load}")
    found = pages()
    for _, client, url in found:  # warm: connections, templates, the shared cache
        timed(client, url)
    times: dict[str, list[float]] = {}
    most: dict[str, int] = {}
    for _ in range(ROUNDS):
        for kind, client, url in found:
            elapsed, n, _ = timed(client, url)
            times.setdefault(kind, []).append(elapsed)
            most[kind] = max(most.get(kind, 0), n)
    at_work = Group.objects.exclude(status="finished")
    print(
        f"{User.objects.count():,} people, {at_work.count():,} groups at work, "
        f"{Membership.objects.filter(group__in=at_work).count():,} memberships in them, "
        f"{LogEntry.objects.count():,} log entries, "
        f"{WriteUp.objects.filter(status='published').count():,} published write-ups; "
        f"{ROUNDS} interleaved rounds"
    )
    print(f"{'page':14} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    ok = True
    for kind, values in times.items():
        values.sort()
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        print(
            f"{kind:14} {len(values):5} {statistics.median(values):8.1f} {p95:8.1f} "
            f"{values[-1]:8.1f} {most[kind]:8}"
        )
        target = TARGETS["library"] if kind == "library" else TARGETS["group"]
        ok = ok and p95 <= target and most[kind] <= TARGET_QUERIES
    # Flat with rows: the library's queries for a search with a few results and a full page.
    reader = found[0][1]
    one = WriteUp.objects.filter(status="published").order_by("pk").first()
    words = "+".join(one.question.rstrip("?").split()[2:])  # its strategy, topic and pupils
    _, few, page = timed(reader, f"/enquiries/library/?q={words}")
    _, many, _ = timed(reader, "/enquiries/library/")
    shown = page.count('class="card"')
    print(f"Library queries: {few} for {shown} result(s), {many} for a full page")
    ok = ok and few == many
    print(
        f"Targets (library p95 <= {TARGETS['library']:.0f} ms, group pages p95 <= "
        f"{TARGETS['group']:.0f} ms, <= {TARGET_QUERIES} queries, flat): "
        + ("met" if ok else "NOT met")
    )
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    print(f"Load average at the end: {load}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
