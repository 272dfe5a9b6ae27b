from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand
from django.utils.module_loading import module_has_submodule

from hubs.demo import DEMO_ACCOUNTS, DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Create or refresh the demo community (idempotent) and print the demo logins. "
        "Each app may add to it with a demo.py module that has seed()."
    )

    def handle(self, *args, **options) -> None:
        for app_config in apps.get_app_configs():
            if app_config.name.startswith(("django.", "allauth")):
                continue
            if module_has_submodule(app_config.module, "demo"):
                module = import_module(f"{app_config.name}.demo")
                module.seed()
                self.stdout.write(f"Seeded {app_config.verbose_name}.")
        self.stdout.write(self.style.SUCCESS("\nThe demo community is ready. Sign in with:"))
        for email, first, last, *_ in DEMO_ACCOUNTS:
            self.stdout.write(f"  {email:<24} {first} {last}")
        self.stdout.write(f"Password for all four: {DEMO_PASSWORD}")
