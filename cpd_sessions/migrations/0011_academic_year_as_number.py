"""
The academic year of a CPD budget and of a ledger row becomes a number, as in every other model:
2026 is 2026/27 (``cpdhub.academic_year``). Stored labels are rewritten to their first year
before the column changes type, and back again on the way down.
"""

from django.conf import settings
from django.db import migrations, models

MODELS = ("CpdBudget", "BudgetEntry")


def labels_to_years(apps, schema_editor):
    """ "2026/27" → "2026", still as text: the column's type change then reads it as a number."""
    for name in MODELS:
        model = apps.get_model("cpd_sessions", name)
        for label in model.objects.values_list("academic_year", flat=True).distinct():
            first = label.strip().partition("/")[0]
            model.objects.filter(academic_year=label).update(academic_year=first)


def years_to_labels(apps, schema_editor):
    """ "2026" → "2026/27", once the column is text again."""
    for name in MODELS:
        model = apps.get_model("cpd_sessions", name)
        for year in model.objects.values_list("academic_year", flat=True).distinct():
            first = int(year)
            label = f"{first}/{str(first + 1)[-2:]}"
            model.objects.filter(academic_year=year).update(academic_year=label)


class Migration(migrations.Migration):
    dependencies = [
        ("cpd_sessions", "0010_proposal_declined"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(labels_to_years, years_to_labels),
        migrations.AlterField(
            model_name="budgetentry",
            name="academic_year",
            field=models.PositiveSmallIntegerField(),
        ),
        migrations.AlterField(
            model_name="cpdbudget",
            name="academic_year",
            field=models.PositiveSmallIntegerField(),
        ),
        migrations.AddConstraint(
            model_name="budgetentry",
            constraint=models.CheckConstraint(
                condition=models.Q(("academic_year__gte", 1990), ("academic_year__lte", 2100)),
                name="budget_entry_academic_year_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="cpdbudget",
            constraint=models.CheckConstraint(
                condition=models.Q(("academic_year__gte", 1990), ("academic_year__lte", 2100)),
                name="budget_academic_year_range",
            ),
        ),
    ]
