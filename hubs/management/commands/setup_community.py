import sys

from django.core.management.base import BaseCommand, CommandError

from hubs.onboarding.community import SetupRefused, community_setup


class Command(BaseCommand):
    help = (
        "Set up an empty, real community (no demo data): its name, the contact address every "
        "page shows, and its first coordinator, who is emailed a welcome with a link to choose "
        "a password. Safe to run again with the same name."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--name", required=True, help="The community's name, as members see it."
        )
        parser.add_argument("--coordinator", required=True, help="The first coordinator's email.")
        parser.add_argument(
            "--coordinator-name",
            default="",
            help="The first coordinator's full name (asked for when missing and a person is "
            "typing).",
        )
        parser.add_argument(
            "--contact",
            default=None,
            help="The address pages give for help (default: the coordinator's).",
        )

    def handle(
        self, *args, name: str, coordinator: str, coordinator_name: str, contact, **options
    ) -> None:
        if not coordinator_name.strip() and sys.stdin.isatty():
            coordinator_name = input(f"The coordinator's full name ({coordinator}): ")
        try:
            result = community_setup(
                name=name,
                coordinator_email=coordinator,
                coordinator_name=coordinator_name,
                contact_email=contact,
            )
        except SetupRefused as refusal:
            raise CommandError(str(refusal)) from None
        verb = "Set up" if result.created_community else "Already set up:"
        self.stdout.write(self.style.SUCCESS(f"{verb} {result.community.name}."))
        who = result.coordinator.email
        self.stdout.write(
            f"{result.coordinator.get_full_name()} <{who}> is a coordinator"
            + (" (new account)." if result.created_coordinator else " (existing account).")
        )
        contact = result.community.contact_email or "none (set one at /coordinator/community/)"
        self.stdout.write(f"Contact address shown on every page: {contact}")
        if result.emailed:
            self.stdout.write(
                f"A welcome email with a link to choose a password is on its way to {who}. At "
                "their first visit to the admin site they set up two-factor authentication."
            )
        self.stdout.write(
            "Next: import the schools at /coordinator/import/schools/ (or python manage.py "
            "import_gias PATH --hub SLUG), then each school's staff."
        )
