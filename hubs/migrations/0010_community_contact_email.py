"""
The community's contact address joins its name in the database. An install that set the
retired CPDHUB_COMMUNITY_NAME / CPDHUB_COORDINATOR_EMAIL variables keeps what they said: the
values are copied into the community's row (created if the install had none), once.
"""

import os

from django.db import migrations, models


def copy_retired_settings(apps, schema_editor):
    Community = apps.get_model("hubs", "Community")
    name = " ".join(os.environ.get("CPDHUB_COMMUNITY_NAME", "").split())[:120]
    contact = os.environ.get("CPDHUB_COORDINATOR_EMAIL", "").strip().lower()
    community = Community.objects.filter(pk=1).first()
    if community is None:
        if name:
            Community.objects.create(pk=1, name=name, contact_email=contact)
        return
    if contact and not community.contact_email:
        community.contact_email = contact
        community.save(update_fields=["contact_email"])


class Migration(migrations.Migration):
    dependencies = [
        ("hubs", "0009_staff_import_choices_and_remembered_mappings"),
    ]

    operations = [
        migrations.AddField(
            model_name="community",
            name="contact_email",
            field=models.EmailField(
                blank=True,
                help_text="Whom staff ask when they cannot sign up or need help (shown on every page).",
                max_length=254,
            ),
        ),
        migrations.AddField(
            model_name="community",
            name="is_demo",
            field=models.BooleanField(
                default=False,
                help_text="Made by seed_demo: the demo's own *.demo.test school domains are accepted.",
            ),
        ),
        migrations.RunPython(copy_retired_settings, migrations.RunPython.noop),
    ]
