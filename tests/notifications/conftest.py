import datetime

import pytest
from django.utils import timezone

from termly.planning import subtract_school_days
from tests.factories import TermFactory

from .backends import FlakyBackend


@pytest.fixture
def digest_term(db, settings):
    """A term whose digest day (five school days in) is today."""
    settings.DIGEST_SCHOOL_DAYS_AFTER_TERM_START = 5
    today = timezone.localdate()
    TermFactory(
        name="Summer 2026",
        start=today - datetime.timedelta(days=200),
        end=today - datetime.timedelta(days=120),
    )
    return TermFactory(
        name="Autumn 2026",
        start=subtract_school_days(today, 5),
        end=today + datetime.timedelta(days=60),
    )


@pytest.fixture
def flaky(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.attempts = 0
    FlakyBackend.fail_on = set()
    yield FlakyBackend
    FlakyBackend.fail_on = set()


@pytest.fixture
def https(settings):
    settings.SITE_URL = "https://cpd.example.org"
