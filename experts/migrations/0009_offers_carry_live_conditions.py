# The directory's walks check the live conditions on the offer rows.

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_live_conditions(apps, schema_editor):
    """Each offer takes its profile's live conditions (kept since by refresh_documents)."""
    ExpertProfile = apps.get_model("experts", "ExpertProfile")
    ProfileArea = apps.get_model("experts", "ProfileArea")
    profile = ExpertProfile.objects.filter(pk=OuterRef("profile_id"))
    ProfileArea.objects.update(
        **{
            field: Subquery(profile.values(field)[:1])
            for field in ("is_hidden", "user_is_active", "last_confirmed_at")
        }
    )


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0008_filter_pair_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="profilearea",
            name="expert_offer_order_idx",
        ),
        migrations.AddField(
            model_name="profilearea",
            name="is_hidden",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="profilearea",
            name="last_confirmed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="profilearea",
            name="user_is_active",
            field=models.BooleanField(default=True, editable=False),
        ),
        migrations.RunPython(copy_live_conditions, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="profilearea",
            index=models.Index(
                fields=["area", "sort_name", "profile"],
                include=("is_hidden", "user_is_active", "last_confirmed_at"),
                name="expert_offer_walk_idx",
            ),
        ),
    ]
