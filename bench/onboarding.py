"""
Onboarding a real community, measured: a GIAS-format file of 2,000 schools and an
MIS-style file of 20,000 staff, each imported as a dry run and for real, timed, with the peak
RSS growth of the process doing it; then the "Setting up a real community" path of
docs/deployment.md as a script from an empty database (setup_community, import_gias,
import_staff with invitations).

    createdb -h 127.0.0.1 -U postgres cpdhub_h7     # a database of your own: it is EMPTIED
    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_h7
    .venv/bin/python manage.py migrate
    .venv/bin/python bench/onboarding.py --empty-my-database [--schools 2000 --staff 20000]

Each phase runs in its own process (``manage.py``), so its peak RSS is its own; growth is the
peak minus the process's RSS once Django is loaded. The phases run with
CELERY_TASK_ALWAYS_EAGER=false, as a real install with a broker does: the invitations are
"queued" (a pending row each on the email ledger, handed to the broker after commit), not sent
in the import's own process. The last phase previews the first digest as the coordinator sees
it in the admin (termly's digest for the first imported person, rendered).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GIAS_HEADER = [
    "URN", "LA (code)", "LA (name)", "EstablishmentNumber", "EstablishmentName",
    "TypeOfEstablishment (code)", "TypeOfEstablishment (name)", "EstablishmentStatus (code)",
    "EstablishmentStatus (name)", "PhaseOfEducation (code)", "PhaseOfEducation (name)",
    "StatutoryLowAge", "StatutoryHighAge", "NumberOfPupils", "PercentageFSM", "Street", "Town",
    "Postcode", "SchoolWebsite", "TelephoneNum", "HeadFirstName", "HeadLastName", "EmailDomain",
]  # fmt: skip
TYPES = ["Community school", "Academy converter", "Voluntary aided school", "Free schools"]

PHASE = """
import json, resource, sys, time
import django
django.setup()
from django.core.management import call_command
def rss_kb():
    with open("/proc/self/status") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("VmRSS"))
def preview_digest():
    from hubs.models import User
    from notifications.models import Delivery
    from notifications.rendering import render_email
    from termly import digest
    coordinator = User.objects.get(email="lead@bench.test")
    person = User.objects.filter(school__isnull=False).order_by("pk").first()
    subject, text, html = render_email(
        "digest", digest.context_for(coordinator, f"test:{person.pk}:preview")
    )
    queued = Delivery.objects.filter(kind="invitation", status="pending").count()
    print(f"invitations queued on the ledger: {queued}; digest previewed: {subject!r}",
          file=sys.stderr)
    assert queued and subject and html
base = rss_kb()
start = time.perf_counter()
if sys.argv[1] == "preview_digest":
    preview_digest()
else:
    call_command(*sys.argv[1:])
took = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": round(took, 1), "rss_growth_mb": round((peak - base) / 1024, 1)}))
"""


def write_gias(path: Path, schools: int) -> None:
    with path.open("w", encoding="cp1252", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(GIAS_HEADER)
        for i in range(schools):
            urn = 200000 + i
            status = "Closed" if i % 50 == 49 else "Open"
            name = (
                f"St Mary's C of E Primary School {i}" if i % 3 else f"Ruislip Gardens \u2013 {i}"
            )
            writer.writerow([
                urn, "312", "Hillingdon", 2000 + i, name, "1", TYPES[i % 4], "1", status, "2",
                "Primary" if i % 5 else "Secondary", 4, 11, 100 + i % 900, f"{i % 60}.{i % 10}",
                "1 School Lane", "Uxbridge", "UB8 1AA", "http://example.sch.uk", "02080000000",
                "Ms", "O'Neill", f"s{urn}.sch.uk",
            ])  # fmt: skip


def write_staff(path: Path, staff: int, schools: int) -> None:
    open_schools = [200000 + i for i in range(schools) if i % 50 != 49]
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(
            ["Work email", "Preferred forename", "Legal surname", "Staff role", "School URN"]
        )
        for i in range(staff):
            urn = open_schools[i % len(open_schools)]
            domain = "gmail.test" if i % 10 == 0 else f"s{urn}.sch.uk"
            writer.writerow([f"person{i}@{domain}", "Zoë", f"O'Brien{i}", "Class teacher", urn])


def phase(*args: str) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cpdhub.settings",
        "LOG_LEVEL": "WARNING",
        "CELERY_TASK_ALWAYS_EAGER": "false",
    }
    done = subprocess.run(  # noqa: S603 -- our own interpreter and arguments
        [PYTHON, "-c", PHASE, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stderr[-3000:]}")
    if args[0] == "preview_digest":
        print(done.stderr.strip().splitlines()[-1])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--empty-my-database", action="store_true", required=True)
    parser.add_argument("--schools", type=int, default=2000)
    parser.add_argument("--staff", type=int, default=20000)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        gias, staff = Path(folder) / "gias.csv", Path(folder) / "staff.csv"
        write_gias(gias, options.schools)
        write_staff(staff, options.staff, options.schools)
        print(
            f"GIAS file {gias.stat().st_size / 1e6:.1f} MB, "
            f"staff file {staff.stat().st_size / 1e6:.1f} MB"
        )
        phase("flush", "--no-input")
        total = time.perf_counter()
        setup = (
            "setup_community",
            *("--name", "Bench CPD", "--coordinator", "lead@bench.test"),
            *("--coordinator-name", "Bench Lead"),
        )
        n, m = options.schools, options.staff
        rows = [
            ("setup_community", phase(*setup)),
            (f"import_gias {n} dry run", phase("import_gias", str(gias), "--dry-run")),
            (f"import_gias {n}", phase("import_gias", str(gias))),
            (f"import_staff {m} dry run", phase("import_staff", str(staff), "--dry-run")),
            (f"import_staff {m}", phase("import_staff", str(staff))),
            ("first digest previewed", phase("preview_digest")),
        ]
        total = time.perf_counter() - total
        rows += [  # next term: the same files again (every row known: refreshed or unchanged)
            (f"import_gias {n} again (refresh)", phase("import_gias", str(gias))),
            (f"import_staff {m} again", phase("import_staff", str(staff))),
        ]
    for name, figures in rows:
        print(
            f"{name:<32} {figures['seconds']:>7.1f} s  "
            f"peak RSS growth {figures['rss_growth_mb']:>6.1f} MB"
        )
    print(f"Set up your community as a script, from empty: {total:.0f} s")


if __name__ == "__main__":
    main()
