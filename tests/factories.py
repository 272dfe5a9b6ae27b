"""factory-boy factories for the community's structure."""

import datetime

import factory
from django.utils import timezone

from hubs.models import Hub, Invitation, School, SchoolDomain, Subject, SubjectNetwork, Term, User


class HubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hub
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Hub {n}")
    slug = factory.Sequence(lambda n: f"hub-{n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"School {n} Primary")
    urn = factory.Sequence(lambda n: 200000 + n)
    phase = School.Phase.PRIMARY
    establishment_type = School.EstablishmentType.ACADEMY_CONVERTER
    local_authority = "Tyneside"
    postcode = "NE1 4AB"
    pupil_count = 300
    fsm_percent = "20.5"
    hub = factory.SubFactory(HubFactory)
    domain = factory.RelatedFactory(
        "tests.factories.SchoolDomainFactory",
        factory_related_name="school",
        domain=factory.LazyAttribute(lambda o: f"school{o.factory_parent.urn}.test"),
    )


class SchoolDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolDomain

    school = factory.SubFactory(SchoolFactory, domain=None)
    domain = factory.Sequence(lambda n: f"domain{n}.test")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    email = factory.Sequence(lambda n: f"person{n}@example.test")
    school = factory.SubFactory(SchoolFactory)
    job_role = User.JobRole.TEACHER
    password = factory.django.Password("correct-horse-battery")


class SubjectNetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubjectNetwork

    name = factory.Sequence(lambda n: f"Network {n}")
    slug = factory.Sequence(lambda n: f"network-{n}")
    subject = factory.LazyFunction(lambda: Subject.objects.get(slug="geography"))
    hub = None


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    name = factory.Sequence(lambda n: f"Term {n}")
    start = datetime.date(2026, 9, 2)
    end = datetime.date(2026, 12, 18)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"invitee{n}@gmail.test")
    school = factory.SubFactory(SchoolFactory)
    invited_by = None
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
