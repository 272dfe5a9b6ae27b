"""Bounded texts in the portfolio (goals, reviews, entries, follow-ups, needs, statements),
checked by the database. Texts already over a limit (only hostile input) are cut first."""

import django.db.models.functions.text
import django.db.models.lookups
from django.conf import settings
from django.db import migrations, models

from cpdhub.textbounds import shorten_over_long


def shorten(apps, schema_editor):
    def model(name):
        return apps.get_model("portfolios", name)

    entry_texts = ("learned", "will_try", "impact_practice", "impact_pupils", "evidence")
    shorten_over_long(model("Goal"), {"description": 2000, "success_criteria": 2000})
    shorten_over_long(model("GoalReview"), {"note": 2000})
    shorten_over_long(model("Entry"), {**dict.fromkeys(entry_texts, 5000), "links": 2000})
    shorten_over_long(model("ImpactFollowUp"), {"what_happened": 5000})
    shorten_over_long(model("Need"), {"description": 2000})
    shorten_over_long(model("Statement"), {"text": 20000})


class Migration(migrations.Migration):
    dependencies = [
        ("cpd_sessions", "0001_initial"),
        ("experts", "0004_listing_order"),
        ("portfolios", "0002_entry_session"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="entry",
            name="evidence",
            field=models.TextField(
                blank=True,
                help_text="What shows the impact: pupils' work, data, an observation…",
                max_length=5000,
            ),
        ),
        migrations.AlterField(
            model_name="entry",
            name="impact_practice",
            field=models.TextField(
                blank=True, max_length=5000, verbose_name="impact on my practice"
            ),
        ),
        migrations.AlterField(
            model_name="entry",
            name="impact_pupils",
            field=models.TextField(blank=True, max_length=5000, verbose_name="impact on pupils"),
        ),
        migrations.AlterField(
            model_name="entry",
            name="learned",
            field=models.TextField(blank=True, max_length=5000, verbose_name="what I learned"),
        ),
        migrations.AlterField(
            model_name="entry",
            name="links",
            field=models.TextField(
                blank=True, help_text="Web addresses, one a line.", max_length=2000
            ),
        ),
        migrations.AlterField(
            model_name="entry",
            name="will_try",
            field=models.TextField(
                blank=True,
                help_text="Six weeks later we will ask you whether you tried it and what happened.",
                max_length=5000,
                verbose_name="what I will try",
            ),
        ),
        migrations.AlterField(
            model_name="goal",
            name="description",
            field=models.TextField(
                blank=True, help_text="Up to 2,000 characters.", max_length=2000
            ),
        ),
        migrations.AlterField(
            model_name="goal",
            name="success_criteria",
            field=models.TextField(
                blank=True,
                help_text="What will be different for pupils when you have achieved this? Up to 2,000 characters.",
                max_length=2000,
                verbose_name="success criteria",
            ),
        ),
        migrations.AlterField(
            model_name="goalreview",
            name="note",
            field=models.TextField(max_length=2000),
        ),
        migrations.AlterField(
            model_name="impactfollowup",
            name="what_happened",
            field=models.TextField(blank=True, max_length=5000),
        ),
        migrations.AlterField(
            model_name="need",
            name="description",
            field=models.TextField(
                help_text="What you need and why, in a sentence or two (up to 2,000 characters).",
                max_length=2000,
            ),
        ),
        migrations.AlterField(
            model_name="statement",
            name="text",
            field=models.TextField(max_length=20000),
        ),
        migrations.RunPython(shorten, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("learned"), 5000
                ),
                name="entry_learned_length",
                violation_error_message="Keep this to 5,000 characters or fewer.",
            ),
        ),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("will_try"), 5000
                ),
                name="entry_will_try_length",
                violation_error_message="Keep this to 5,000 characters or fewer.",
            ),
        ),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("impact_practice"), 5000
                ),
                name="entry_impact_practice_length",
                violation_error_message="Keep this to 5,000 characters or fewer.",
            ),
        ),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("impact_pupils"), 5000
                ),
                name="entry_impact_pupils_length",
                violation_error_message="Keep this to 5,000 characters or fewer.",
            ),
        ),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("evidence"), 5000
                ),
                name="entry_evidence_length",
                violation_error_message="Keep this to 5,000 characters or fewer.",
            ),
        ),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("links"), 2000
                ),
                name="entry_links_length",
                violation_error_message="Keep this to 2,000 characters or fewer.",
            ),
        ),
        migrations.AddConstraint(
            model_name="goal",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("description"), 2000
                ),
                name="goal_description_length",
                violation_error_message="Keep this to 2,000 characters or fewer.",
            ),
        ),
        migrations.AddConstraint(
            model_name="goal",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("success_criteria"), 2000
                ),
                name="goal_success_criteria_length",
                violation_error_message="Keep this to 2,000 characters or fewer.",
            ),
        ),
        migrations.AddConstraint(
            model_name="goalreview",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("note"), 2000
                ),
                name="goal_review_note_length",
                violation_error_message="Keep this to 2,000 characters or fewer.",
            ),
        ),
        migrations.AddConstraint(
            model_name="impactfollowup",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("what_happened"), 5000
                ),
                name="follow_up_what_happened_length",
                violation_error_message="Keep this to 5,000 characters or fewer.",
            ),
        ),
        migrations.AddConstraint(
            model_name="need",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("description"), 2000
                ),
                name="need_description_length",
                violation_error_message="Keep this to 2,000 characters or fewer.",
            ),
        ),
        migrations.AddConstraint(
            model_name="statement",
            constraint=models.CheckConstraint(
                condition=django.db.models.lookups.LessThanOrEqual(
                    django.db.models.functions.text.Length("text"), 20000
                ),
                name="statement_text_length",
                violation_error_message="Keep this to 20,000 characters or fewer.",
            ),
        ),
    ]
