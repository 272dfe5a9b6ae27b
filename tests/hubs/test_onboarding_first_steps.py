"""
From an empty start to schools in several hubs: the setting-up list ticks nothing about schools
before there are any and points at the register import; the schools preview shows the schools,
not only counts; one file fills several hubs (a Hub column, or hubs by local authority); and
after the import the next step, the staff, is offered.
"""

import csv
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.urls import reverse

from hubs.models import COORDINATORS_GROUP, School
from hubs.onboarding.gias import MAX_ROWS_SHOWN, REQUIRED, gias_import
from tests.conftest import verified
from tests.factories import HubFactory, SchoolFactory, SubjectNetworkFactory, UserFactory
from tests.webtest import form_for, text_of

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent.parent / "data" / "gias_sample.csv"


def gias_csv(rows: list[dict], extra: tuple[str, ...] = ()) -> io.BytesIO:
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=[*REQUIRED, *extra])
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return io.BytesIO(text.getvalue().encode())


def school_row(urn: int, la: str = "Hillingdon", **extra) -> dict:
    return {
        "URN": str(urn),
        "EstablishmentName": f"School {urn}",
        "TypeOfEstablishment (name)": "Community school",
        "PhaseOfEducation (name)": "Primary",
        "LA (name)": la,
        "Postcode": "UB3 1AA",
        "NumberOfPupils": "210",
        "PercentageFSM": "20.0",
        "EstablishmentStatus (name)": "Open",
        **extra,
    }


@pytest.fixture(autouse=True)
def _imports_dir(settings, tmp_path):
    settings.IMPORTS_DIR = tmp_path / "imports"


def test_an_empty_dashboard_ticks_nothing_about_schools_and_points_at_the_import(client):
    helen = verified(UserFactory(first_name="Helen", school=None, is_staff=True))
    helen.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    client.force_login(helen)
    page = client.get(reverse("coordination:dashboard")).content.decode()
    assert "Every school has a CPD leader" not in page
    assert "Every school has an email domain" not in page
    assert "No schools yet" in page
    assert f'href="{reverse("hubs:import_schools")}"' in page
    assert reverse("admin:hubs_school_add") not in page
    assert "Every subject network has a lead" not in page
    assert "No subject networks yet" in page


def test_a_community_with_schools_hubs_and_networks_is_not_told_it_has_none(client):
    school = SchoolFactory()
    SubjectNetworkFactory()
    helen = verified(UserFactory(first_name="Helen", school=None, is_staff=True))
    helen.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    client.force_login(helen)
    page = client.get(reverse("coordination:dashboard")).content.decode()
    assert school.hub is not None
    for none_yet in ("No schools yet", "No hubs yet", "No subject networks yet"):
        assert none_yet not in page
    assert "Networks without a lead" in page


def test_a_hub_column_fills_several_hubs_from_one_file():
    north, south = HubFactory(name="North", slug="north"), HubFactory(name="South", slug="south")
    raw = gias_csv(
        [school_row(100001, Hub="North"), school_row(100002, Hub="south"), school_row(100003)],
        extra=("Hub",),
    )
    kept = SchoolFactory(urn=100003, hub=north, name="School 100003")
    result = gias_import(raw=raw, dry_run=False)
    assert result.ok, result.errors
    assert School.objects.get(urn=100001).hub == north
    assert School.objects.get(urn=100002).hub == south
    kept.refresh_from_db()
    assert kept.hub == north  # a row naming no hub keeps the school's hub


def test_a_hub_the_file_names_that_does_not_exist_is_an_error_and_nothing_is_written():
    HubFactory(name="North", slug="north")
    raw = gias_csv([school_row(100001, Hub="Nowhere")], extra=("Hub",))
    result = gias_import(raw=raw, dry_run=False)
    assert "Line 2: there is no hub “Nowhere” (hubs: North)." in result.errors
    assert not School.objects.exists()


def test_hubs_by_local_authority_from_the_command():
    north, south = HubFactory(name="North", slug="north"), HubFactory(name="South", slug="south")
    call_command(
        "import_gias",
        str(SAMPLE),
        "--hub-for-la",
        "Hillingdon=north",
        "--hub-for-la",
        "Ealing=South",
        stdout=io.StringIO(),
    )
    assert School.objects.get(urn=102401).hub == north  # Hillingdon
    assert School.objects.get(urn=101930).hub == south  # Ealing
    with pytest.raises(CommandError, match="there is no hub “east”"):
        call_command("import_gias", str(SAMPLE), "--hub-for-la", "Ealing=east")


def test_the_preview_lists_the_schools_capped():
    rows = [school_row(100000 + n) for n in range(MAX_ROWS_SHOWN + 3)]
    result = gias_import(raw=gias_csv(rows), dry_run=True)
    assert len(result.rows) == MAX_ROWS_SHOWN
    assert result.rows_more == 3
    assert result.rows[0] == {
        "line": 2,
        "urn": "100000",
        "name": "School 100000",
        "hub": "",
        "outcome": "new",
    }


def test_the_coordinator_previews_the_schools_by_hub_then_is_offered_the_staff(
    app, personas, django_capture_on_commit_callbacks
):
    north, south = (
        HubFactory(name="Hillside", slug="hillside"),
        HubFactory(name="Vale", slug="vale"),
    )
    page = app.sign_in(personas.coordinator).get(reverse("hubs:import_schools"))
    form = form_for(page, "")
    form["file"] = ("gias.csv", SAMPLE.read_bytes())
    form["hub_by_la"] = "Hillingdon: Hillside\nEaling: vale"
    with django_capture_on_commit_callbacks(execute=True):
        started = form.submit()
    preview = started.follow()
    assert "would be added" in preview.text, text_of(preview)[-1500:]
    table = text_of(preview.html.select_one("#import-result table"))
    assert "Ashgrove Primary School" in table
    assert "Hillside" in table
    assert "Vale" in table
    assert "New" in table
    assert not School.objects.filter(urn=102401).exists()
    with django_capture_on_commit_callbacks(execute=True):
        confirmed = form_for(preview, "hubs:import_schools").submit()
    done = confirmed.follow()
    assert School.objects.get(urn=102401).hub == north
    assert School.objects.get(urn=101930).hub == south
    assert "Next: import each school's staff" in done.text
    assert f'href="{reverse("hubs:import_staff")}"' in done.text


def test_a_bad_hub_mapping_is_a_message_and_nothing_starts(app, personas):
    page = app.sign_in(personas.coordinator).get(reverse("hubs:import_schools"))
    form = form_for(page, "")
    form["file"] = ("gias.csv", SAMPLE.read_bytes())
    form["hub_by_la"] = "Hillingdon North"
    again = form.submit(status=400)
    assert "write the local authority, a colon, then the hub" in text_of(again)
