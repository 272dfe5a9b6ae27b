"""
Search that stays fast at scale (bench/directory.py):

- the full-text vector stored beside the search document with a GIN index on Postgres. The
  expression index of 0002 served rare words, but a word found in most profiles made the
  planner scan the table running to_tsvector() on every document;
- a vocabulary of the documents' words with a trigram index: a misspelt word is corrected
  against it, instead of trigram-matching every long document (the index of 0002, dropped);
- each profile's count of colleagues helped, stored, so cards need no count per row.

On SQLite the vector column stays empty and no index is made (experts/search.py).
"""

import re

import django.contrib.postgres.search
from django.db import migrations, models
from django.db.models import Count, Q

WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")  # as experts.search.WORD


def postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS expert_search_fts_idx")
    schema_editor.execute("DROP INDEX IF EXISTS expert_search_trgm_idx")
    schema_editor.execute(
        "UPDATE experts_expertprofile "
        "SET search_vector = to_tsvector('english'::regconfig, COALESCE(search_document, ''))"
    )
    # Serves search_vector @@ websearch_to_tsquery(...): the directory's search box.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS expert_search_vector_idx ON experts_expertprofile "
        "USING gin (search_vector)"
    )
    # Serves word % 'retreival' (trigram similarity): correcting a misspelt search word.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS expert_searchword_trgm_idx ON experts_searchword "
        "USING gin (word gin_trgm_ops)"
    )


def drop_postgres_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS expert_search_vector_idx")
    schema_editor.execute("DROP INDEX IF EXISTS expert_searchword_trgm_idx")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS expert_search_fts_idx ON experts_expertprofile "
        "USING gin (to_tsvector('english'::regconfig, COALESCE(search_document, ''::text)))"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS expert_search_trgm_idx ON experts_expertprofile "
        "USING gin (search_document gin_trgm_ops)"
    )


def fill(apps, schema_editor):
    ExpertProfile = apps.get_model("experts", "ExpertProfile")
    SearchWord = apps.get_model("experts", "SearchWord")
    counted = ExpertProfile.objects.annotate(
        n=Count("contact_requests", filter=Q(contact_requests__helped_at__isnull=False))
    ).filter(n__gt=0)
    for profile in counted.only("pk").iterator():
        ExpertProfile.objects.filter(pk=profile.pk).update(helped_count=profile.n)
    words: set[str] = set()
    for text in ExpertProfile.objects.values_list("search_document", flat=True).iterator():
        words |= {w for w in WORD.findall(text.lower()) if 4 <= len(w) <= 40}
    SearchWord.objects.bulk_create(
        [SearchWord(word=w) for w in words], batch_size=1000, ignore_conflicts=True
    )


class Migration(migrations.Migration):
    dependencies = [("experts", "0002_search_document")]

    operations = [
        migrations.AddField(
            model_name="expertprofile",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="expertprofile",
            name="helped_count",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("word", models.CharField(max_length=40, unique=True)),
            ],
        ),
        migrations.RunPython(postgres_indexes, drop_postgres_indexes),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
