import factory
from django.utils import timezone

from experts.models import ExpertiseArea, ExpertProfile, ProfileArea
from tests.factories import UserFactory


class ExpertProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExpertProfile

    user = factory.SubFactory(UserFactory)
    headline = "Happy to help"
    bio = ""
    contact_preference = ExpertProfile.Contact.FORM
    last_confirmed_at = factory.LazyFunction(timezone.now)


def offer(profile, slug: str, **offers) -> ProfileArea:
    return ProfileArea.objects.create(
        profile=profile, area=ExpertiseArea.objects.get(slug=slug), **({"advice": True} | offers)
    )
