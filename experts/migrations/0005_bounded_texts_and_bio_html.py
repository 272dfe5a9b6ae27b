"""Bounded texts (bio, contact message, thank-you) checked by the database, and the bio's HTML
rendered once and stored (filled here for every existing profile)."""

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

from cpdhub.markup import render_markdown
from cpdhub.textbounds import shorten_over_long


def shorten(apps, schema_editor):
    shorten_over_long(apps.get_model("experts", "ExpertProfile"), {"bio": 5000})
    shorten_over_long(
        apps.get_model("experts", "ContactRequest"), {"message": 2000, "thank_you": 1000}
    )


def render_bios(apps, schema_editor):
    ExpertProfile = apps.get_model("experts", "ExpertProfile")
    rows = ExpertProfile.objects.exclude(bio="").values_list("pk", "bio").iterator(chunk_size=1000)
    batch = []
    for pk, bio in rows:
        batch.append(ExpertProfile(pk=pk, bio_html=render_markdown(bio)))
        if len(batch) == 1000:
            ExpertProfile.objects.bulk_update(batch, ["bio_html"])
            batch = []
    ExpertProfile.objects.bulk_update(batch, ["bio_html"])


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0004_listing_order"),
        ("hubs", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="expertprofile",
            name="bio_html",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AlterField(
            model_name="contactrequest",
            name="message",
            field=models.TextField(max_length=2000),
        ),
        migrations.AlterField(
            model_name="contactrequest",
            name="thank_you",
            field=models.TextField(blank=True, max_length=1000),
        ),
        migrations.AlterField(
            model_name="expertprofile",
            name="bio",
            field=models.TextField(
                blank=True,
                help_text="What you have done and what colleagues can ask you about. Markdown is allowed. Up to 5,000 characters.",
                max_length=5000,
            ),
        ),
        migrations.RunPython(shorten, migrations.RunPython.noop),
        migrations.RunPython(render_bios, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="contactrequest",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("message"), 2000
                ),
                name="contact_message_length",
                violation_error_message="Keep this to 2,000 characters or fewer.",
            ),
        ),
        migrations.AddConstraint(
            model_name="contactrequest",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("thank_you"), 1000
                ),
                name="contact_thank_you_length",
                violation_error_message="Keep this to 1,000 characters or fewer.",
            ),
        ),
        migrations.AddConstraint(
            model_name="expertprofile",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("bio"), 5000
                ),
                name="expert_bio_length",
                violation_error_message="Keep this to 5,000 characters or fewer.",
            ),
        ),
    ]
