"""The imports' Celery task: it takes a job's id and runs it (``jobs.import_job_run``). The
views hand a queued job to it once committed; ``HubsConfig.ready()`` imports this module so a
worker knows it (Celery's discovery finds only ``hubs/tasks.py``)."""

from celery import shared_task

from .jobs import import_job_run


# The name it had as ``hubs.tasks.run_import_job``, so a job queued before a deploy still runs.
@shared_task(name="hubs.tasks.run_import_job", acks_late=True, ignore_result=True)
def run_import_job(job_id: int) -> bool:
    """An uploaded file's preview or import: see hubs/onboarding/jobs.py."""
    return import_job_run(job_id=job_id)
