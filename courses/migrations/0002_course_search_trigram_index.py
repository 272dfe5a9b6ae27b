"""
The catalogue's search (``courses.selectors._matching``: every word in the course's
``search_text``, lower-cased title, provider, areas and description, ``LIKE '%word%'``) served on
Postgres by a trigram index, so "questioning" finds courses without reading every course's text
(the /courses/ search box and the directory's "Courses" block alike). SQLite (the embedded demo)
scans, as before. The description joins the search text here, so existing courses are
reindexed.
"""

from django.db import migrations


def reindex(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    for course in Course.objects.select_related("provider").prefetch_related("areas"):
        words = [course.title, course.provider.name, *(a.name for a in course.areas.all())]
        words.append(course.description)
        Course.objects.filter(pk=course.pk).update(search_text=" ".join(words).lower())


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS course_search_text_trgm ON courses_course "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS course_search_text_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("experts", "0002_search_document"),  # pg_trgm
    ]

    operations = [
        migrations.RunPython(reindex, migrations.RunPython.noop),
        migrations.RunPython(create, drop),
    ]
