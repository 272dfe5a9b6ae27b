import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from cpd_sessions import booking
from cpd_sessions.models import DevelopmentSession, SessionDate


def london(days: int = 7, hour: int = 16, minute: int = 30, *, weekday: bool = True):
    """An aware datetime ``days`` from today at a London wall-clock time (moved off weekends)."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    while weekday and day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class SessionFactory(factory.django.DjangoModelFactory):
    """A published twilight (after school, so no release time) unless told otherwise."""

    class Meta:
        model = DevelopmentSession
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Session {n}")
    description = "What works, and what does not."
    kind = DevelopmentSession.Kind.WORKSHOP
    format = DevelopmentSession.Format.IN_PERSON
    status = DevelopmentSession.Status.PUBLISHED
    capacity = 20
    start = factory.LazyFunction(lambda: london(7, 16, 30))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=1))

    @factory.post_generation
    def dates(self, create, extracted, **kwargs):
        if not create:
            return
        pairs = extracted or [(self.start, self.end)]
        SessionDate.objects.bulk_create(
            [SessionDate(session=self, start=s, end=e) for s, e in pairs]
        )
        self.start, self.end = pairs[0][0], pairs[-1][1]
        DevelopmentSession.objects.filter(pk=self.pk).update(start=self.start, end=self.end)

    @factory.post_generation
    def leads(self, create, extracted, **kwargs):
        if create and extracted:
            self.leads.set(extracted)


RELEASE = {
    "cover_lessons": 3,
    "cover_notes": "Year 4, periods 3 to 5",
    "supply_cost": "180.00",
    "travel_cost": "12.50",
    "fee_share": "0.00",
    "goal": "Better questioning in maths",
}


def release_data(**overrides) -> dict:
    data = RELEASE | overrides
    return {k: Decimal(v) if k.endswith(("cost", "share")) else v for k, v in data.items()}


def book(session, user, **kwargs):
    return booking.booking_create(session=session, user=user, **kwargs).booking
