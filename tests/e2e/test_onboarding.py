"""
A coordinator uploads a staff file, sees the preview, confirms and sees the result,
with the background job in between: the broker takes the job (not run in the request), the
page shows its progress and refreshes itself, and the result appears once a worker has run it.
"""

import pytest
from playwright.sync_api import expect

from cpdhub.celery import app as celery_app
from hubs.models import ImportJob, School, User
from hubs.onboarding.jobs import import_job_run

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E

STAFF = (
    "Work email,Preferred forename,Legal surname,Staff role\r\n"
    "new.teacher@gmail.test,Siobhán,O'Neill,Class teacher\r\n"
).encode("cp1252")


@pytest.fixture
def queued():
    """Tasks go to the (in-memory) broker instead of running in the request, as with Redis."""
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = before


def work_the_queue() -> None:
    """What a Celery worker does with the queued job (the broker here is in memory)."""
    job = ImportJob.objects.get(state=ImportJob.State.QUEUED)
    assert import_job_run(job_id=job.pk)


@pytest.mark.parametrize("width", [1280, 390])
def test_coordinator_imports_staff_from_a_file(page, demo, settings, tmp_path, width, queued):
    settings.IMPORTS_DIR = tmp_path
    page.set_viewport_size({"width": width, "height": 900})
    school = School.objects.get(name="Ashgrove Primary School")
    sign_in(page, "coordinator@demo.test")
    page.goto(page.base_url + "/coordinator/")
    page.get_by_role("link", name="import staff").click()
    page.get_by_label("School").select_option(label=school.name)
    page.get_by_label("CSV file").set_input_files(
        {"name": "staff.csv", "mimeType": "text/csv", "buffer": STAFF}
    )
    page.get_by_role("button", name="Upload and preview").click()
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Checking the file: staff.csv")).to_be_visible()
    expect(main).to_contain_text("Waiting to start")
    expect(main.get_by_role("progressbar")).to_be_visible()
    work_the_queue()
    # No click: the page refreshes itself until the preview is there.
    expect(main).to_contain_text("Preview: nothing is saved yet", timeout=15_000)
    expect(main).to_contain_text("Siobhán O'Neill")
    expect(main).to_contain_text("an invitation is sent")
    # The job's page once finished (it no longer refreshes itself): the permission matrix's axe
    # run has no import job in the demo community, so it is checked here.
    assert axe_violations(page) == []
    assert not school.invitations.exists()
    page.get_by_role("button", name="Confirm the import").click()
    expect(main.get_by_role("heading", name="Importing: staff.csv")).to_be_visible()
    page.reload()  # a refresh shows the same job; it starts nothing new
    assert ImportJob.objects.filter(dry_run=False).count() == 1
    work_the_queue()
    expect(main.get_by_role("heading", name="Imported")).to_be_visible(timeout=15_000)
    expect(main).to_contain_text("1 invited")
    assert axe_violations(page) == []
    assert school.invitations.get().email == "new.teacher@gmail.test"
    assert not User.objects.filter(email="new.teacher@gmail.test").exists()


def fits_the_screen(page, width: int) -> None:
    """Nothing on the page's own part (the site's navigation is not this page's) but a table's
    own scrolling box reaches past the screen's edge."""
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => !e.closest('.table-scroll')"
        " && e.getBoundingClientRect().right > innerWidth + 1).map(e => e.tagName + '.'"
        " + e.className + '#' + e.id + ' ' + Math.round(e.getBoundingClientRect().right))"
    )
    assert not wide, f"wider than {width} px: {wide}"


@pytest.mark.parametrize("width", [1280, 390])
def test_leader_maps_a_title_imports_the_good_rows_and_welcomes_staff(
    page, demo, settings, tmp_path, width
):
    """The preview with errors, as a CPD leader sees it on a laptop and on a phone: the title
    mapping, the download of the rows left out and the confirm choices fit the screen."""
    settings.IMPORTS_DIR = tmp_path
    page.set_viewport_size({"width": width, "height": 900})
    school = School.objects.get(urn=148101)
    domain = school.domains.values_list("domain", flat=True).first()
    staff = (
        "Email,Forename,Surname,Role\r\n"
        f"nia.jones@{domain},Nia,Jones,SENCo\r\n"
        f"cy.ng@{domain},Cy,Ng,Pastoral Wizard\r\n"
        "not-an-address,Bad,Row,Teacher\r\n"
    ).encode()
    sign_in(page, "leader@demo.test")
    page.goto(page.base_url + f"/schools/{school.urn}/import/")
    page.get_by_label("CSV file").set_input_files(
        {"name": "staff.csv", "mimeType": "text/csv", "buffer": staff}
    )
    page.get_by_role("button", name="Upload and preview").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Preview: some rows have errors", timeout=15_000)
    expect(main.get_by_role("link", name="Download the 2 rows with errors")).to_be_visible()
    mapping = main.get_by_label("“pastoral wizard” (1 row)")
    expect(mapping).to_be_visible()
    fits_the_screen(page, width)
    assert axe_violations(page) == []
    mapping.select_option(label="Support staff")
    page.get_by_role("button", name="Preview again with these roles").click()
    expect(main).to_contain_text("Download the 1 row with errors", timeout=15_000)
    good_rows = main.get_by_label("Import the 2 good rows and leave out the 1 with errors")
    welcome = main.get_by_label("Email each person imported", exact=False)
    expect(good_rows).to_be_visible()
    expect(welcome).to_be_visible()
    fits_the_screen(page, width)
    assert axe_violations(page) == []
    good_rows.check()
    welcome.check()
    page.get_by_role("button", name="Import the good rows").click()
    expect(main.get_by_role("heading", name="Imported")).to_be_visible(timeout=15_000)
    expect(main).to_contain_text("1 row(s) with errors were left out")
    assert User.objects.get(email=f"cy.ng@{domain}").job_role == User.JobRole.SUPPORT_STAFF
    assert User.objects.get(email=f"nia.jones@{domain}").responsibilities.exists()
