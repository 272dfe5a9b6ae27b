from django.core.management.base import BaseCommand

from privacy.forget import imports_expire
from privacy.services import retention_apply


class Command(BaseCommand):
    help = (
        "Delete the accounts past the retention periods (CPDHUB_RETENTION_REMOVED_MONTHS after "
        "their school removed them; CPDHUB_RETENTION_INACTIVE_MONTHS without signing in), and "
        "imports with their uploaded files CPDHUB_RETENTION_IMPORT_DAYS after they were made. "
        "--dry-run lists them and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, dry_run: bool, **options) -> None:
        found = retention_apply(dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        labels = {
            "removed": "removed by their school",
            "inactive": "not signed in for the retention period",
        }
        for group, people in found.items():
            self.stdout.write(f"{verb} {len(people)} account(s) {labels[group]}")
            if dry_run:
                for _pk, email in people:
                    self.stdout.write(f"  {email}")
        imports = imports_expire(dry_run=dry_run)
        self.stdout.write(
            f"{verb} {imports['jobs']} import(s) and {imports['files']} uploaded file(s) "
            "past the retention period"
        )
