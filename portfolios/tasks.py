"""Background work for the portfolio: Celery tasks that take ids and call a service. What
the app sends is in ``emails.py``."""

from celery import shared_task

from . import services


@shared_task(name="portfolios.ask_impact_follow_ups", acks_late=True)
def ask_impact_follow_ups() -> int:
    """Daily: email each follow-up that has come due, once (``services.follow_ups_ask``)."""
    return services.follow_ups_ask()
