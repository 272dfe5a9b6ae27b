import datetime

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from cpdhub.celery import app
from hubs.tasks import clear_expired_sessions

pytestmark = pytest.mark.django_db


def test_beat_schedule_names_only_registered_tasks():
    app.loader.import_default_modules()
    assert settings.CELERY_BEAT_SCHEDULE
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks, entry["task"]


def test_expired_sessions_are_cleared_by_the_nightly_task():
    old, fresh = SessionStore(), SessionStore()
    old.create()
    fresh.create()
    Session.objects.filter(session_key=old.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(days=1)
    )
    assert clear_expired_sessions.delay().get() == 1  # runs in-process on embedded defaults
    assert list(Session.objects.values_list("session_key", flat=True)) == [fresh.session_key]
