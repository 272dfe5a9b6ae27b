import datetime
from decimal import Decimal

import factory
from django.utils import timezone

from cpdhub.academic_year import current_academic_year
from experts.models import ExpertiseArea
from portfolios.models import Entry, Goal, ImpactFollowUp, Need
from tests.factories import UserFactory


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Goal {n}")
    success_criteria = "Pupils explain their thinking."
    academic_year = factory.LazyFunction(current_academic_year)


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    date = factory.LazyFunction(timezone.localdate)
    kind = Entry.Kind.SESSION_ATTENDED
    title = factory.Sequence(lambda n: f"Entry {n}")
    hours = Decimal("1.5")
    learned = "A private reflection"


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    owner = factory.SubFactory(UserFactory)
    area = factory.LazyFunction(lambda: ExpertiseArea.objects.get(slug="questioning"))
    description = factory.Sequence(lambda n: f"Need number {n}")


def follow_up_for(entry, *, days_ago: int = 0) -> ImpactFollowUp:
    return ImpactFollowUp.objects.create(
        entry=entry, due_on=timezone.localdate() - datetime.timedelta(days=days_ago)
    )
