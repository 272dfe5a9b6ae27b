from django.core.management.base import BaseCommand, CommandError

from hubs.models import Term
from termly import planning, services


class Command(BaseCommand):
    help = (
        "Send the current term's digest now to everyone who has not had it (normally the daily "
        "beat task does this on the digest day). Safe to run again: nobody gets it twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count, send nothing.")

    def handle(self, *args, dry_run: bool = False, **options):
        term = Term.objects.current()
        if term is None:
            raise CommandError("No term contains today: add the term dates in the admin first.")
        key = planning.digest_key(term)
        people = planning.still_to_send(planning.digest_recipients(), kind="digest", key=key)
        if dry_run:
            n = people.count()
            batches = -(-n // planning.BATCH_SIZE)
            self.stdout.write(f"{term.name} ({key}): {n} people to send to, in {batches} batches.")
            return
        n = services.plan(kind="digest", key=key, people=planning.digest_recipients())
        self.stdout.write(f"{term.name} ({key}): queued the digest for {n} people.")
