"""ThrottledRequest moves here from hubs: the same table, so only Django's record of where the
model lives changes (and its content type, so permissions and admin history follow it)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import cpdhub.singleline


def content_type_follows(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="hubs", model="throttledrequest").update(
        app_label="ratelimit"
    )


def content_type_returns(apps, schema_editor):
    content_types = apps.get_model("contenttypes", "ContentType")
    content_types.objects.filter(app_label="ratelimit", model="throttledrequest").update(
        app_label="hubs"
    )


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("hubs", "0010_community_contact_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ThrottledRequest",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("key", cpdhub.singleline.SingleLineCharField(max_length=80)),
                        (
                            "group",
                            cpdhub.singleline.SingleLineCharField(
                                max_length=40, verbose_name="limit"
                            ),
                        ),
                        ("hour", models.DateTimeField()),
                        ("refused", models.PositiveIntegerField(default=0)),
                        (
                            "last_path",
                            cpdhub.singleline.SingleLineCharField(blank=True, max_length=200),
                        ),
                        ("last_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "user",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "request over a rate limit",
                        "verbose_name_plural": "requests over a rate limit",
                        "db_table": "hubs_throttledrequest",
                        "ordering": ["-last_at"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("key", "group", "hour"), name="throttle_one_per_hour"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_follows, content_type_returns),
    ]
