"""Sort name and the person's active flag kept on the profile: the directory orders and
counts without joining every matching profile to its user."""

from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):
    ExpertProfile = apps.get_model("experts", "ExpertProfile")
    rows = ExpertProfile.objects.values_list(
        "pk", "user__first_name", "user__last_name", "user__is_active"
    )
    batch = [
        ExpertProfile(
            pk=pk, sort_name=f"{last} {first}".strip().lower()[:150], user_is_active=active
        )
        for pk, first, last, active in rows.iterator()
    ]
    ExpertProfile.objects.bulk_update(batch, ["sort_name", "user_is_active"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0003_stored_search"),
        ("hubs", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="expertprofile",
            options={"ordering": ["sort_name", "pk"]},
        ),
        migrations.AddField(
            model_name="expertprofile",
            name="sort_name",
            field=models.CharField(blank=True, default="", editable=False, max_length=150),
        ),
        migrations.AddField(
            model_name="expertprofile",
            name="user_is_active",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.AddIndex(
            model_name="expertprofile",
            index=models.Index(
                condition=models.Q(("is_hidden", False)),
                fields=["sort_name", "id"],
                name="expert_sort_idx",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
