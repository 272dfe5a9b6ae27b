"""ThrottledRequest lives in cpdhub.ratelimit now; its table stays as it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("hubs", "0010_community_contact_email"),
        ("ratelimit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ThrottledRequest")],
            database_operations=[],
        ),
    ]
