from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hubs.onboarding.community import SetupRefused, community_setup


class Command(BaseCommand):
    help = (
        "Set up an empty, real community (no demo data) with its first coordinator, who is "
        "emailed a link to choose a password. Safe to run again with the same name."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--name", required=True, help="The community's name, as members see it."
        )
        parser.add_argument("--coordinator", required=True, help="The first coordinator's email.")

    def handle(self, *args, name: str, coordinator: str, **options) -> None:
        try:
            result = community_setup(name=name, coordinator_email=coordinator)
        except SetupRefused as refusal:
            raise CommandError(str(refusal)) from None
        verb = "Set up" if result.created_community else "Already set up:"
        self.stdout.write(self.style.SUCCESS(f"{verb} {result.community.name}."))
        who = result.coordinator.email
        self.stdout.write(
            f"{who} is a coordinator"
            + (" (new account)." if result.created_coordinator else " (existing account).")
        )
        if result.emailed:
            self.stdout.write(
                f"An email with a link to choose a password is on its way to {who}. At their "
                "first visit to the admin site they set up two-factor authentication."
            )
        if result.community.name != settings.COMMUNITY_NAME:
            self.stdout.write(
                self.style.WARNING(
                    f'Pages and emails show "{settings.COMMUNITY_NAME}": set '
                    f'CPDHUB_COMMUNITY_NAME="{result.community.name}" in the environment (.env) '
                    "and restart the web and worker processes."
                )
            )
        self.stdout.write(
            "Next: python manage.py import_gias PATH --hub SLUG (see docs/deployment.md)."
        )
