from django.core.management.base import BaseCommand

from coaching.library import starter_steps_load


class Command(BaseCommand):
    help = (
        "Add the starter step library (42 community steps across 8 categories, each with "
        "success criteria and a written model) to the community's coaching library. Safe to run "
        "again: a step already there by its title is left as the coordinator keeps it."
    )

    def handle(self, *args, **options) -> None:
        added = starter_steps_load()
        self.stdout.write(
            f"{added} starter step{'s' if added != 1 else ''} added to the community's library."
        )
