"""`make run` seeds the demo on the day a newcomer runs it, whatever day that is: a series of
twilights that meets the Christmas holiday, the last week of the school year."""

import datetime
import io
import itertools
import zoneinfo

import pytest
from django.core.management import call_command
from django.utils import timezone

from cpd_sessions.models import DevelopmentSession

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")


@pytest.mark.parametrize("day", [datetime.date(2026, 12, 8), datetime.date(2027, 7, 19)], ids=str)
def test_the_demo_seeds_on_a_day_near_the_holidays(day, monkeypatch):
    moment = datetime.datetime.combine(day, datetime.time(17, 30), LONDON)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    call_command("seed_demo", stdout=io.StringIO())
    twilights = DevelopmentSession.objects.get(title="Maths mastery twilights: bar modelling")
    days = [d.start.date() for d in twilights.dates.order_by("start")]
    assert len(days) == 4
    assert all((later - earlier).days >= 7 for earlier, later in itertools.pairwise(days))
    assert twilights.start.date() == days[0]
    assert twilights.end.date() == days[-1]
