"""
The library's search (enquiry.selectors.library: every word in the question or the text,
case-insensitive, ``UPPER(column) LIKE UPPER('%word%')``) served on Postgres by trigram indexes
of the published write-ups' four texts, so a search does not read every write-up's text (up to
15,000 characters each). SQLite (the embedded demo) scans, as before.
"""

from django.db import migrations

COLUMNS = ("question", "tried", "happened", "next_steps")


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in COLUMNS:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS enquiry_writeup_{column}_trgm ON enquiry_writeup "
            f"USING gin ((UPPER({column}::text)) gin_trgm_ops) WHERE status = 'published'"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"DROP INDEX IF EXISTS enquiry_writeup_{column}_trgm")


class Migration(migrations.Migration):
    dependencies = [
        ("enquiry", "0006_group_finished_at_for_retention"),
        ("experts", "0002_search_document"),  # pg_trgm
    ]

    operations = [migrations.RunPython(create, drop)]
