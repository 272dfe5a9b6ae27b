"""The spelling vocabulary counts only live profiles: each word's number of live profiles using
it, and on each profile whether its words are counted. Rebuilt here exactly, as the nightly
task does (experts.search.rebuild_vocabulary), with the models as they are at this point."""

import datetime
import re
from collections import Counter

from django.db import migrations, models
from django.utils import timezone

WORD = re.compile(r"[^\W\d_]+(?:['\u2019-][^\W\d_]+)*")


def rebuild(apps, schema_editor):
    ExpertProfile = apps.get_model("experts", "ExpertProfile")
    SearchWord = apps.get_model("experts", "SearchWord")
    Term = apps.get_model("hubs", "Term")
    today = timezone.localdate()
    starts = list(
        Term.objects.filter(start__lte=today).order_by("-start").values_list("start", flat=True)[:2]
    )
    since = starts[-1] if starts else datetime.date.min
    live = ExpertProfile.objects.filter(
        is_hidden=False, user_is_active=True, last_confirmed_at__date__gte=since
    )
    live.update(in_vocabulary=True)
    uses = Counter()
    for text in live.values_list("search_document", flat=True).iterator(chunk_size=2000):
        uses.update({w for w in WORD.findall(text.lower()) if 4 <= len(w) <= 40})
    SearchWord.objects.all().delete()
    SearchWord.objects.bulk_create(
        [SearchWord(word=w, uses=n) for w, n in uses.items()], batch_size=2000
    )


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0005_bounded_texts_and_bio_html"),
        ("hubs", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="expertprofile",
            name="in_vocabulary",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="searchword",
            name="uses",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop),
    ]
