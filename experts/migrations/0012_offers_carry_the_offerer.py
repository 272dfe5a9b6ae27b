# The suggestions' walks check the offerer's school and phases on the offer rows.

from collections import defaultdict

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_offerers(apps, schema_editor):
    """Each offer takes its offerer's school and phases (kept since by experts/search.py's
    copy_to_offers): one UPDATE for the schools, one for each set of phases."""
    ExpertProfile = apps.get_model("experts", "ExpertProfile")
    ProfileArea = apps.get_model("experts", "ProfileArea")
    profile = ExpertProfile.objects.filter(pk=OuterRef("profile_id"))
    ProfileArea.objects.update(offerer_school=Subquery(profile.values("user__school")[:1]))
    phases = defaultdict(list)
    rows = ExpertProfile.phases.through.objects.values_list("expertprofile_id", "phase_id")
    for pk, phase_id in rows.iterator(chunk_size=5000):
        phases[pk].append(phase_id)
    by_key = defaultdict(list)
    for pk, ids in phases.items():
        by_key["|" + "|".join(map(str, sorted(set(ids)))) + "|"].append(pk)
    for key, pks in by_key.items():
        for start in range(0, len(pks), 5000):
            ProfileArea.objects.filter(profile_id__in=pks[start : start + 5000]).update(
                offerer_phases=key
            )


class Migration(migrations.Migration):
    dependencies = [
        ("experts", "0011_contact_request_kept_when_erased"),
        ("hubs", "0011_throttledrequest_moves_to_ratelimit"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="profilearea",
            name="expert_offer_walk_idx",
        ),
        migrations.AddField(
            model_name="profilearea",
            name="offerer_phases",
            field=models.CharField(blank=True, default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="profilearea",
            name="offerer_school",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="hubs.school",
            ),
        ),
        migrations.AddIndex(
            model_name="profilearea",
            index=models.Index(
                fields=["area", "sort_name", "profile"],
                include=(
                    "is_hidden",
                    "user_is_active",
                    "last_confirmed_at",
                    "offerer_school",
                    "offerer_phases",
                    "advice",
                    "coaching",
                    "session",
                    "visit",
                ),
                name="expert_offer_walk_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="profilearea",
            index=models.Index(fields=["offerer_school", "area"], name="expert_offer_school_idx"),
        ),
        # Last: an UPDATE of the new foreign key leaves deferred checks that a later index creation
        # on the table would refuse ("pending trigger events") within the migration's transaction.
        migrations.RunPython(copy_offerers, migrations.RunPython.noop),
    ]
