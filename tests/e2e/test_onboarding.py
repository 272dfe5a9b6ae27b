"""Issue 14: a coordinator uploads a staff file, sees the preview, confirms and sees the result."""

import pytest
from playwright.sync_api import expect

from hubs.models import School, User

from .conftest import E2E, sign_in

pytestmark = E2E

STAFF = (
    "Work email,Preferred forename,Legal surname,Staff role\r\n"
    "new.teacher@gmail.test,Siobhán,O'Neill,Class teacher\r\n"
).encode("cp1252")


@pytest.mark.parametrize("width", [1280, 390])
def test_coordinator_imports_staff_from_a_file(page, demo, settings, tmp_path, width):
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
    expect(main).to_contain_text("Preview: nothing is saved yet")
    expect(main).to_contain_text("Siobhán O'Neill")
    expect(main).to_contain_text("an invitation is sent")
    assert not school.invitations.exists()
    page.get_by_role("button", name="Confirm the import").click()
    expect(main.get_by_role("heading", name="Imported")).to_be_visible()
    expect(main).to_contain_text("1 invited")
    assert school.invitations.get().email == "new.teacher@gmail.test"
    assert not User.objects.filter(email="new.teacher@gmail.test").exists()
