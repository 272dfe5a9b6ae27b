"""
The directory's walks in name order that stop early (experts/directory.py): each offer carries
its profile's sort name, indexed by area (a search naming an area, or the area filter, walks that
area's offers in order); the sort-name walk and a single profile's live check read the live
predicate's columns from the index alone.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0006_vocabulary_of_live_profiles"),
        ("hubs", "0003_community"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="expertprofile",
            name="expert_sort_idx",
        ),
        migrations.AddField(
            model_name="profilearea",
            name="sort_name",
            field=models.CharField(blank=True, default="", editable=False, max_length=150),
        ),
        migrations.RunSQL(
            "UPDATE experts_profilearea AS offer SET sort_name = profile.sort_name "
            "FROM experts_expertprofile AS profile WHERE profile.id = offer.profile_id",
            migrations.RunSQL.noop,
            elidable=True,
        ),
        migrations.AddIndex(
            model_name="expertprofile",
            index=models.Index(
                condition=models.Q(("is_hidden", False)),
                fields=["sort_name", "id"],
                include=("user_is_active", "last_confirmed_at"),
                name="expert_sort_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="expertprofile",
            index=models.Index(
                condition=models.Q(("is_hidden", False)),
                fields=["id"],
                include=("user_is_active", "last_confirmed_at", "sort_name"),
                name="expert_live_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="profilearea",
            index=models.Index(
                fields=["area", "sort_name", "profile"], name="expert_offer_order_idx"
            ),
        ),
    ]
