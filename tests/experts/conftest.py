import datetime

import pytest
from django.utils import timezone

from tests.factories import TermFactory


@pytest.fixture
def terms_around_today():
    """Last term and this term, so "confirmed this term or last" has a real window."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    TermFactory(name="Last term", start=today - 200 * day, end=today - 120 * day)
    TermFactory(name="This term", start=today - 30 * day, end=today + 30 * day)
