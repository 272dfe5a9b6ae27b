from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from hubs.models import Hub
from hubs.onboarding.files import ImportFileError
from hubs.onboarding.forms import parse_hub_by_la
from hubs.onboarding.gias import gias_import


class Command(BaseCommand):
    help = (
        "Import or refresh schools from a Get Information about Schools CSV extract (UTF-8 or "
        "Windows-1252), matched on URN; closed establishments are skipped."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The CSV file downloaded from the register.")
        parser.add_argument("--hub", help="Put every school in the file in this hub (its slug).")
        parser.add_argument(
            "--hub-for-la",
            action="append",
            default=[],
            metavar="LA=SLUG",
            help="Put the schools of a local authority in a hub, e.g. --hub-for-la "
            "Hillingdon=north (repeat for each). A Hub column in the file comes first.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file; write nothing.")

    def handle(
        self, *args, path: str, hub: str | None, hub_for_la: list[str], dry_run: bool, **options
    ) -> None:
        try:
            by_la = parse_hub_by_la("\n".join(item.replace("=", ":", 1) for item in hub_for_la))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        hub_obj = None
        if hub:
            hub_obj = Hub.objects.filter(slug=hub).first()
            if hub_obj is None:
                known = ", ".join(Hub.objects.values_list("slug", flat=True)) or "none yet"
                raise CommandError(f"There is no hub “{hub}”. Hubs: {known}.")
        try:
            with open(path, "rb") as raw:
                result = gias_import(raw=raw, hub=hub_obj, hub_by_la=by_la, dry_run=dry_run)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        for message in result.errors:
            self.stderr.write(message)
        if not result.ok:
            raise CommandError(result.summary())
        self.stdout.write(self.style.SUCCESS(("Dry run: " if dry_run else "") + result.summary()))
