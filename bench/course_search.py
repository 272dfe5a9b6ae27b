"""
The catalogue's search on Postgres: does "questioning" find courses through the trigram index
(courses migration 0002, ``course_search_text_trgm``) on a catalogue of BENCH_COURSES (5,000)?

    createdb cpdhub_coursebench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_coursebench \\
        .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cpdhub_coursebench \\
        .venv/bin/python bench/course_search.py

Adds BENCH_COURSES courses (once; they are titled "Bench …") whose titles and descriptions
(about 1,000 characters) are ordinary English words, one in 250 about questioning; ANALYZEs,
then prints EXPLAIN ANALYZE of the page of ``/courses/?q=questioning`` and of the directory's
"Courses" block (``courses.selectors``), and of the page again with the index dropped inside a
transaction that is rolled back (the seq scan it saves).
"""

import os
import random
import re
import sys
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")

import django

django.setup()

from django.db import connection, transaction  # noqa: E402

from courses import selectors  # noqa: E402
from courses.models import Course, Provider  # noqa: E402

COURSES = int(os.environ.get("BENCH_COURSES", "5000"))


class Teacher:
    """A member of staff: hidden courses are not searched."""

    is_coordinator = False


def vocabulary() -> list[str]:
    text = " ".join(
        p.read_text(errors="ignore") for p in sorted(Path(django.__file__).parent.rglob("*.py"))
    )
    return sorted(set(re.findall(r"\b[a-z]{4,12}\b", text)) - {"questioning", "question"})


def populate() -> None:
    if Course.objects.filter(title__startswith="Bench ").exists():
        return
    rng = random.Random(7)
    words = vocabulary()
    providers = [Provider.objects.get_or_create(name=f"Bench provider {i}")[0] for i in range(60)]
    rows = []
    for i in range(COURSES):
        title_words = rng.sample(words, 4) + (["questioning"] if i % 250 == 0 else [])
        title = "Bench " + " ".join(title_words).capitalize()
        description = " ".join(rng.choices(words, k=120))
        provider = rng.choice(providers)
        search = " ".join([title, provider.name, description]).lower()
        rows.append(
            Course(
                title=title,
                provider=provider,
                description=description,
                cost=Decimal(rng.randint(0, 600)),
                on_demand=True,
                search_text=search,
            )
        )
    Course.objects.bulk_create(rows, batch_size=500)


def explain(label: str, queryset) -> None:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN ANALYZE " + sql, params)
        print(f"== {label}")
        print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> int:
    if connection.vendor != "postgresql":
        print("Postgres only: set DATABASE_URL.")
        return 1
    populate()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE courses_course")
    found = selectors.course_list(Teacher(), q="questioning")
    print(f"{Course.objects.count()} courses, {found.count()} about questioning")
    explain("/courses/?q=questioning, its first page", found[:20])
    block = (
        Course.objects.filter(is_hidden=False, search_text__contains="questioning")
        .select_related("provider")
        .order_by("-recommended_by", "title", "id")[: selectors.DIRECTORY_LIMIT]
    )
    explain("the directory's Courses block for 'questioning'", block)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX course_search_text_trgm")
        explain("the same page without the index (rolled back)", found[:20])
        transaction.set_rollback(True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
