"""
The phase and subject filters as index-only lookups: each many-to-many table gets an index led
by the phase (subject) and holding the profile, so "offers this area, in this phase" builds its
set of the phase's profiles from the index alone, without visiting the table. (Django creates
these tables itself, so the indexes are plain SQL.)
"""

from django.db import migrations

PAIRS = [
    ("experts_expertprofile_phases", "phase_id", "expert_phase_profile_idx"),
    ("experts_expertprofile_subjects", "subject_id", "expert_subject_profile_idx"),
]


class Migration(migrations.Migration):
    dependencies = [("experts", "0007_directory_walks")]

    operations = [
        migrations.RunSQL(
            f"CREATE INDEX {name} ON {table} ({column}, expertprofile_id)",
            f"DROP INDEX {name}",
        )
        for table, column, name in PAIRS
    ]
