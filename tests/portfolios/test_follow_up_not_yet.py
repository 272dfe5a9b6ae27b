"""Answering "Not yet" to a six-week follow-up asks nothing that only fits "Yes"."""

import pytest
from django.core.exceptions import ValidationError

from portfolios import needs, services

from .factories import EntryFactory, follow_up_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def follow_up(personas):
    entry = EntryFactory(owner=personas.owner, title="Hinge questions", will_try="Whiteboards")
    return follow_up_for(entry, days_ago=2)


def test_not_yet_is_saved_from_the_rendered_form_without_a_level(django_app, personas, follow_up):
    page = django_app.get(follow_up.get_absolute_url(), user=personas.owner)
    # The questions only "Yes" needs are grouped so the page's CSS hides them after "Not yet".
    assert page.html.select_one(".if-tried [name=level]") is not None
    assert page.html.select_one(".if-tried [name=what_happened]") is not None
    form = next(f for f in page.forms.values() if "tried" in f.fields)
    form["tried"] = "no"
    response = form.submit()
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.answered_at is not None
    assert follow_up.tried is False
    assert follow_up.level == ""
    assert follow_up.what_happened == ""


def test_yes_still_needs_a_level_and_what_happened(django_app, personas, follow_up):
    page = django_app.get(follow_up.get_absolute_url(), user=personas.owner)
    form = next(f for f in page.forms.values() if "tried" in f.fields)
    form["tried"] = "yes"
    response = form.submit(status=400)
    assert "Choose how far the impact has gone." in response.text
    assert "Say what happened for pupils." in response.text
    follow_up.refresh_from_db()
    assert follow_up.answered_at is None


def test_not_yet_drops_a_level_sent_anyway_so_the_impact_figures_do_not_count_it(
    personas, follow_up
):
    services.follow_up_answer(
        follow_up=follow_up, tried=False, level="pupils", what_happened="Nothing yet"
    )
    follow_up.refresh_from_db()
    assert (follow_up.tried, follow_up.level, follow_up.what_happened) == (False, "", "")
    with pytest.raises(ValidationError):
        services.follow_up_answer(follow_up=follow_up, tried=True, level="", what_happened="x")


def test_a_not_yet_answer_is_left_out_of_the_statement_and_the_impact_figures(
    client, personas, follow_up
):
    services.follow_up_answer(follow_up=follow_up, tried=False, level="", what_happened="")
    client.force_login(personas.owner)
    response = client.get("/portfolio/statement/", follow=True)
    assert response.status_code == 200
    assert "Six weeks on" not in response.content.decode()
    impact = needs.impact_this_year([personas.school.pk])
    assert impact.answered == 0
