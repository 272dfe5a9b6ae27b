"""/enquiries/, /enquiries/<id>/ and /enquiries/library/ cost at most 12 queries each, the same
with one row as with many."""

import pytest

from enquiry import services
from tests.factories import UserFactory

from .factories import group, publish, work

pytestmark = pytest.mark.django_db

BUDGET = 12


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def add(personas, mine, n: int) -> None:
    personas.owner.suggest_me = True
    personas.owner.save(update_fields=["suggest_me"])
    for i in range(n):
        member = UserFactory(school=personas.other_school)
        services.group_join(group=mine, by=member)
        work(mine, member, secret=f"Row {i}")
        services.invitation_create(group=mine, by=member, email=UserFactory().email)
        other = group(UserFactory(), UserFactory())  # open, suggested (same area)
        services.invitation_create(group=other, by=other.owner, email=personas.owner.email)
        done = group(member)
        publish(done, member, tried=f"Budget {i}")
        group(personas.owner)


def test_enquiry_pages_fit_the_budget_with_one_row_and_with_many(client, personas, count_queries):
    from experts.models import ExpertiseArea  # noqa: PLC0415 -- this test only
    from portfolios.models import Goal, Need  # noqa: PLC0415 -- this test only

    Need.objects.create(
        owner=personas.owner, area=ExpertiseArea.objects.get(slug="questioning"), description="Q"
    )
    assert Goal  # the goals' areas are read too, in the same query
    mine = group(personas.owner, personas.outsider)
    client.force_login(personas.owner)
    pages = [
        "/enquiries/",
        mine.get_absolute_url(),
        "/enquiries/library/",
        "/enquiries/library/?q=budget&area=questioning&kind=lesson_study",
    ]
    add(personas, mine, 1)
    one = {url: count_queries(url) for url in pages}
    add(personas, mine, 6)
    many = {url: count_queries(url) for url in pages}
    assert many == one
    assert max(many.values()) <= BUDGET
    html = client.get("/enquiries/").content.decode()
    assert "Suggested for you" in html
    assert "Invitations" in html
    assert client.get("/enquiries/library/").content.decode().count('class="card"') >= 7
