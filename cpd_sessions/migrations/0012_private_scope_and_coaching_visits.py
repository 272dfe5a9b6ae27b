"""
A session may be private ("Only the people taking part": no hub, network or school), and a
session may be a coaching visit: what coaching makes when a coach travels to another school
and needs release time through the usual approval.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cpd_sessions", "0011_academic_year_as_number"),
        ("experts", "0011_contact_request_kept_when_erased"),
        ("hubs", "0011_throttledrequest_moves_to_ratelimit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="developmentsession",
            name="session_scope_has_target",
        ),
        migrations.AlterField(
            model_name="developmentsession",
            name="kind",
            field=models.CharField(
                choices=[
                    ("workshop", "Workshop"),
                    ("webinar", "Webinar"),
                    ("network_meeting", "Subject network meeting"),
                    ("hub_meeting", "Hub meeting"),
                    ("peer_visit", "Peer visit or observation"),
                    ("coaching_group", "Coaching group"),
                    ("consultant_led", "Consultant-led"),
                    ("lesson_study", "Lesson study"),
                    ("speed_networking", "Speed networking"),
                    ("coaching_visit", "Coaching visit"),
                ],
                default="workshop",
                max_length=20,
            ),
        ),
        migrations.AlterField(
            model_name="developmentsession",
            name="scope",
            field=models.CharField(
                choices=[
                    ("community", "The whole community"),
                    ("hub", "A hub"),
                    ("network", "A subject network"),
                    ("school", "One school"),
                    ("private", "Only the people taking part"),
                ],
                default="community",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="developmentsession",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("scope", "community"),
                    models.Q(("hub__isnull", False), ("scope", "hub")),
                    models.Q(("network__isnull", False), ("scope", "network")),
                    models.Q(("school__isnull", False), ("scope", "school")),
                    models.Q(
                        ("hub__isnull", True),
                        ("network__isnull", True),
                        ("school__isnull", True),
                        ("scope", "private"),
                    ),
                    _connector="OR",
                ),
                name="session_scope_has_target",
            ),
        ),
    ]
