"""
The directory's and the sessions list's filters are drawn once per process for what they show
(``{% keptfields %}``, cpdhub/kept_html.py): the page is the same as drawn afresh for every
combination of filters, a change to a choice shows at the next page, and a form with errors is
never kept.
"""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError

from cpdhub import kept_html
from experts.filters import DirectoryFilter
from experts.models import ExpertiseArea
from tests.factories import HubFactory

pytestmark = pytest.mark.django_db

GRID = re.compile(r'<div class="filter-grid">.*?</details>', re.S)

DIRECTORY = [
    "",
    "?q=reading",
    "?q=phonics&hub=north",
    "?hub=south&phase=primary",
    "?area={area}&offer=coaching",
    "?q=oracy&job_role=teacher&page=2",
]
SESSIONS = ["", "?q=oracy", "?kind=workshop", "?format=online&hub=north", "?area={area}"]


def _grid(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    found = GRID.search(response.content.decode())
    assert found, url
    return found.group(0)


@pytest.mark.parametrize(
    ("page", "queries"), [("/experts/", DIRECTORY), ("/sessions/", SESSIONS)], ids=str
)
def test_the_filters_are_the_same_as_drawn_afresh_for_every_combination(
    client, personas, page, queries
):
    client.force_login(personas.owner)
    area = ExpertiseArea.objects.order_by("name").first()
    urls = [page + q.format(area=area.slug) for q in queries]
    kept_html._kept_fields.clear()
    first = {url: _grid(client, url) for url in urls}  # drawn and kept
    assert kept_html._kept_fields
    for url in reversed(urls):
        assert _grid(client, url) == first[url]  # from what was kept
        kept_html._kept_fields.clear()
        assert _grid(client, url) == first[url]  # drawn afresh
    # The chosen filter is the one selected, and each combination has its own.
    chosen = first[page + f"?area={area.slug}" + ("&offer=coaching" if page == "/experts/" else "")]
    assert f'<option value="{area.slug}" selected>' in chosen
    assert f'<option value="{area.slug}" selected>' not in first[page]


@pytest.mark.parametrize("page", ["/experts/", "/sessions/"])
def test_a_renamed_area_and_a_new_hub_show_at_the_next_page(client, personas, page):
    client.force_login(personas.owner)
    before = _grid(client, page)
    area = ExpertiseArea.objects.order_by("name").first()
    assert area.name in before
    area.name = "Questioning that makes everyone think"
    area.save()
    HubFactory(name="Riverside", slug="riverside")
    after = _grid(client, page)
    assert "Questioning that makes everyone think" in after
    assert '<option value="riverside">Riverside</option>' in after


def test_a_filter_with_an_error_is_drawn_with_its_message_and_not_kept(client, personas):
    client.force_login(personas.owner)
    kept_html._kept_fields.clear()
    response = client.get("/sessions/?date_from=not-a-date")
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    assert not kept_html._kept_fields


def test_the_block_reads_the_form_it_names_and_says_how_it_is_written():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load kept_html %}{% keptfields form q %}{% endkeptfields %}")
    template = Template(
        '{% load kept_html %}{% keptfields form without "q" %}{{ form.area }}{% endkeptfields %}'
    )
    kept_html._kept_fields.clear()
    one = template.render(Context({"form": DirectoryFilter({"q": "a"}).form}))
    other = template.render(Context({"form": DirectoryFilter({"q": "b"}).form}))
    assert one == other
    assert len(kept_html._kept_fields) == 1  # the text, left out of the key, is not in the block
