"""The Celery app. Broker from REDIS_URL; without it, tasks run in-process (see settings)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cpdhub.settings")

app = Celery("cpdhub")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
