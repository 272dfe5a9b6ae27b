"""
Matches for a need on the coordinator's needs page: upcoming sessions, recordings and people in
other schools who agreed to be suggested (names and schools only), at a cost that does not grow
with them. Forms as a browser submits them.
"""

import pytest
from django.core.cache import cache

from coordination import needs
from experts.models import ExpertiseArea
from portfolios.models import Need
from tests.cpd_sessions.factories import SessionFactory, london
from tests.factories import SchoolFactory, UserFactory
from tests.portfolios.factories import NeedFactory
from tests.webtest import form_for, text_of

pytestmark = pytest.mark.django_db


def _questioning():
    return ExpertiseArea.objects.get(slug="questioning")


def _session_in(area, *, days: int, recording: str = "", title: str = "") -> None:
    session = SessionFactory(
        title=title or f"Questioning {days}",
        start=london(days, 16, 0),
        recording_url=recording,
    )
    session.areas.add(area)


# --- Sessions, recordings and people as matches -----------------------------------------


def test_a_need_is_matched_with_sessions_recordings_and_people_who_agreed(app, personas):
    area = _questioning()
    need = NeedFactory(owner=personas.owner, area=area)
    _session_in(area, days=10, title="Hinge questions twilight")
    _session_in(area, days=-20, title="Cold calling, recorded", recording="https://v.test/1")
    _session_in(area, days=-30, title="Past, no recording")
    agreed = UserFactory(first_name="Nia", last_name="Roberts", school=personas.other_school)
    agreed.suggest_me = True
    agreed.save()
    NeedFactory(owner=agreed, area=area, description="Nia's own private words")
    silent = UserFactory(first_name="Tom", last_name="Quiet", school=SchoolFactory())
    NeedFactory(owner=silent, area=area)
    colleague = personas.colleague  # same school: not a match for Sam, even with consent
    colleague.suggest_me = True
    colleague.save()
    NeedFactory(owner=colleague, area=area)

    page = app.sign_in(personas.coordinator).get("/coordinator/needs/")
    item = page.html.select_one(f"#need-{need.pk}")
    said = text_of(item)
    assert "Hinge questions twilight" in said
    assert "Cold calling, recorded" in said
    assert "Past, no recording" not in said
    assert "Nia Roberts, Thornbury High School" in said
    assert "Tom Quiet" not in said  # did not agree to be suggested
    assert "Amelia Hughes" not in said  # in Sam's own school
    assert "Nia's own private words" not in said  # names and schools only


def test_peers_carry_names_and_schools_only():
    assert set(needs.Peer.__dataclass_fields__) == {"name", "school"}


def test_the_consent_is_off_until_ticked_in_my_details(app, personas):
    assert personas.owner.suggest_me is False
    page = app.sign_in(personas.owner).get("/me/")
    form = form_for(page, "")
    assert form["suggest_me"].checked is False
    assert "Let the coordinator suggest me to colleagues in other schools" in page.text
    form["suggest_me"].checked = True
    form.submit().follow()
    personas.owner.refresh_from_db()
    assert personas.owner.suggest_me is True


def test_the_needs_page_costs_the_same_with_many_sessions_and_people(
    client, personas, count_queries
):
    area = _questioning()
    NeedFactory(owner=personas.owner, area=area)
    client.force_login(personas.coordinator)
    cache.clear()
    one = count_queries("/coordinator/needs/")
    for n in range(15):
        _session_in(area, days=5 + n)
        _session_in(area, days=-5 - n, recording=f"https://v.test/{n}")
        person = UserFactory(school=SchoolFactory(), suggest_me=True)
        NeedFactory(owner=person, area=area, status=Need.Status.PASSED)
        NeedFactory(owner=UserFactory(school=SchoolFactory()), area=ExpertiseArea.objects.all()[n])
    cache.clear()
    assert count_queries("/coordinator/needs/") == one
    assert one <= 25
