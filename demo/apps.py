from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Made-up communities, on top of every app: ``seed_demo`` (the demo a person signs in to,
    from each app's ``demo.py``) and ``seed_scale`` (a community at scale for the benchmarks)."""

    name = "demo"
    verbose_name = "Demo and benchmark communities"
    default_auto_field = "django.db.models.BigAutoField"
