from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "portfolios"
    verbose_name = "Portfolios"
    default_auto_field = "django.db.models.BigAutoField"
