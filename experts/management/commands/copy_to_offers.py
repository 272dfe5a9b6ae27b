"""Copy every profile's order, live conditions, school and phases to its offers again."""

from django.core.management.base import BaseCommand
from django.db import transaction

from experts.models import ExpertProfile
from experts.search import copy_to_offers

CHUNK = 2000


class Command(BaseCommand):
    help = (
        "Copy each profile's sort name, live conditions, school and phases to its offers, which "
        "the directory's and the suggestions' walks read (after writes that sent no signal)."
    )

    def handle(self, *args, **options):
        ids = list(ExpertProfile.objects.order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), CHUNK):
            with transaction.atomic():
                copy_to_offers(ids[start : start + CHUNK])
        self.stdout.write(f"The offers of {len(ids):,} profiles carry their profile again.")
