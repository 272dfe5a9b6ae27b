"""Rebuild the directory's spelling vocabulary from the live profiles (also run nightly)."""

from django.core.management.base import BaseCommand

from experts.search import rebuild_vocabulary


class Command(BaseCommand):
    help = "Rebuild the spelling vocabulary exactly from the live profiles' search documents."

    def handle(self, *args, **options):
        words = rebuild_vocabulary()
        self.stdout.write(f"The vocabulary has {words:,} words from live profiles.")
