"""The search document, and on Postgres its full-text and trigram GIN indexes."""

from django.db import migrations, models


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite searches the document with a plain scan (experts/search.py)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # Exactly the expression experts.search.VECTOR compiles to, so the planner uses it.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS expert_search_fts_idx ON experts_expertprofile "
        "USING gin (to_tsvector('english'::regconfig, COALESCE(search_document, ''::text)))"
    )
    # Serves search_document %> 'word' (trigram word similarity): typo tolerance.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS expert_search_trgm_idx ON experts_expertprofile "
        "USING gin (search_document gin_trgm_ops)"
    )


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS expert_search_fts_idx")
    schema_editor.execute("DROP INDEX IF EXISTS expert_search_trgm_idx")


class Migration(migrations.Migration):
    dependencies = [("experts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="expertprofile",
            name="search_document",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
