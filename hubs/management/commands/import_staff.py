from django.core.management.base import BaseCommand, CommandError

from hubs.models import School
from hubs.onboarding.files import ImportFileError
from hubs.onboarding.staff import Outcome, staff_import


class Command(BaseCommand):
    help = (
        "Import staff from an MIS or spreadsheet CSV: each row is checked and listed; a file "
        "with any error imports nothing. Addresses outside the school's domains are invited. An "
        "optional Department (or Team) column puts each person in the school's team of that name."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The CSV file exported from the MIS.")
        parser.add_argument(
            "--school", type=int, help="The school's URN (else a School URN column)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Check the file; write nothing.")

    def handle(self, *args, path: str, school: int | None, dry_run: bool, **options) -> None:
        school_obj = None
        if school is not None:
            school_obj = School.objects.filter(urn=school).first()
            if school_obj is None:
                raise CommandError(f"No member school has the URN {school}.")
        try:
            with open(path, "rb") as raw:
                result = staff_import(raw=raw, by=None, school=school_obj, dry_run=dry_run)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None
        except ImportFileError as error:
            raise CommandError(str(error)) from None
        for row in result.rows:
            if row.outcome == Outcome.ERROR or options["verbosity"] > 1:
                self.stdout.write(f"Line {row.line}: {row.email} {row.outcome} {row.message}")
        if result.not_listed:
            self.stdout.write(f"… and {result.not_listed} more row(s), not listed.")
        if not result.ok:
            raise CommandError(result.summary())
        self.stdout.write(self.style.SUCCESS(("Dry run: " if dry_run else "") + result.summary()))
