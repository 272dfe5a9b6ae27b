"""Background work for the coordinator's pages: Celery tasks that call a service."""

from celery import shared_task

from .participation import figures_refresh


@shared_task(name="coordination.refresh_figures")
def refresh_figures() -> int:
    """Nightly: every school's participation figures counted again for each period offered."""
    return figures_refresh()
