import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from experts.models import ExpertProfile
from tests.factories import UserFactory

from .factories import ExpertProfileFactory, offer

pytestmark = pytest.mark.django_db
URL = reverse("experts:directory")


@pytest.fixture
def experts(personas):
    questioner = ExpertProfileFactory(
        user=personas.outsider,
        headline="Questioning that gets every pupil thinking",
        bio="I also run the chess club.",
    )
    offer(questioner, "questioning", coaching=True)
    mention = ExpertProfileFactory(
        user=personas.colleague, headline="Reading for pleasure", bio="Good questioning helps too."
    )
    offer(mention, "reading-fluency")
    afl = ExpertProfileFactory(user=personas.other_leader, headline="Formative assessment")
    offer(afl, "assessment-for-learning", session=True)
    return questioner, mention, afl


def names(response) -> list[str]:
    return [p.user.full_name for p in response.context["page"].object_list]


def test_directory_finds_by_area_and_ranks_an_area_above_a_passing_mention(
    client, personas, experts
):
    client.force_login(personas.owner)
    response = client.get(URL, {"q": "questioning"})
    assert names(response) == ["Owen Bell", "Amelia Hughes"]
    assert "2</strong> colleagues" in response.content.decode()


def test_synonyms_are_searchable(client, personas, experts):
    client.force_login(personas.owner)
    assert names(client.get(URL, {"q": "AfL"})) == ["Ruth Kaur"]


def test_search_by_name_and_school(client, personas, experts):
    client.force_login(personas.owner)
    assert names(client.get(URL, {"q": "owen"})) == ["Owen Bell"]
    assert set(names(client.get(URL, {"q": "Thornbury"}))) == {"Owen Bell", "Ruth Kaur"}


def test_filters_by_offer_area_and_hub(client, personas, experts):
    client.force_login(personas.owner)
    assert names(client.get(URL, {"offer": "session"})) == ["Ruth Kaur"]
    assert names(client.get(URL, {"area": "questioning"})) == ["Owen Bell"]
    assert names(client.get(URL, {"hub": "north"})) == ["Amelia Hughes"]
    assert names(client.get(URL, {"area": "questioning", "offer": "session"})) == []


def test_hidden_stale_and_deactivated_profiles_never_show(
    client, personas, experts, terms_around_today
):
    questioner, mention, afl = experts
    ExpertProfile.objects.filter(pk=questioner.pk).update(is_hidden=True)
    ExpertProfile.objects.filter(pk=mention.pk).update(
        last_confirmed_at=timezone.now() - datetime.timedelta(days=300)
    )
    afl.user.is_active = False
    afl.user.save()
    client.force_login(personas.owner)
    assert names(client.get(URL)) == []
    for profile in experts:
        assert client.get(profile.get_absolute_url()).status_code == 404


def test_empty_result_suggests_related_areas_and_the_coordinator(client, personas, experts):
    client.force_login(personas.owner)
    page = client.get(URL, {"q": "phonicsy"}).content.decode()
    assert "Nobody in the directory matches that yet" in page
    assert "Early reading and phonics" in page
    assert "mailto:" in page


def test_htmx_gets_only_the_results(client, personas, experts):
    client.force_login(personas.owner)
    html = client.get(URL, {"q": "questioning"}, HTTP_HX_REQUEST="true").content.decode()
    assert html.lstrip().startswith('<div id="results"')
    assert "<main" not in html


def test_directory_query_count_does_not_grow_with_results(client, personas, count_queries):
    client.force_login(personas.owner)
    first = ExpertProfileFactory(user=personas.colleague)
    offer(first, "questioning")
    one = count_queries(URL + "?q=questioning")
    for _ in range(25):
        profile = ExpertProfileFactory()
        offer(profile, "questioning", coaching=True)
        offer(profile, "feedback")
    assert count_queries(URL + "?q=questioning") == one


@hsettings(max_examples=40, deadline=None)
@given(
    params=st.dictionaries(
        st.sampled_from(
            ["q", "area", "subject", "phase", "hub", "school", "offer", "job_role", "page"]
        ),
        st.text(max_size=30),
        max_size=5,
    )
)
def test_any_query_string_answers_200_or_400_never_500(params):
    from django.test import Client

    from hubs.models import User

    user = User.objects.filter(email="fuzz@example.test").first() or UserFactory(
        email="fuzz@example.test"
    )
    client = Client()
    client.force_login(user)
    clean = {k: v.replace("\x00", "") for k, v in params.items()}
    assert client.get(URL, clean).status_code in {200, 400}


def test_directory_is_for_members(client):
    assert client.get(URL).status_code == 302


@pytest.mark.postgres
def test_a_typo_still_finds_the_right_people_on_postgres(client, personas, experts):
    client.force_login(personas.owner)
    assert "Owen Bell" in names(client.get(URL, {"q": "questionning"}))


@pytest.mark.parametrize("text", ["a & b", "!questioning", "question:*", "'", "(( ||", "-afl"])
def test_search_syntax_is_never_passed_through_raw(client, personas, experts, text):
    client.force_login(personas.owner)
    assert client.get(URL, {"q": text}).status_code == 200


def test_search_follows_a_rename_and_new_synonyms(client, personas, experts):
    from experts.models import ExpertiseArea

    client.force_login(personas.owner)
    personas.outsider.last_name = "Bellingham"
    personas.outsider.save()
    assert names(client.get(URL, {"q": "Bellingham"})) == ["Owen Bellingham"]
    area = ExpertiseArea.objects.get(slug="questioning")
    area.synonyms += ", socratic dialogue"
    area.save()
    assert names(client.get(URL, {"q": "socratic"})) == ["Owen Bellingham"]
