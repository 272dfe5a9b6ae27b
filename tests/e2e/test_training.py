"""
Required training, walked in Chromium at desktop and phone widths: a CPD leader sees the
school's matrix with one person overdue, records a completion for them, and exports the
safeguarding matrix for an inspection (the CSV download and the printable page, in print
media); a teacher records their own completion with a certificate on a phone. Every page
passes axe (no serious or critical violation).
"""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hubs.models import User
from tests.conftest import verified
from tests.factories import HubFactory, SchoolFactory, UserFactory
from training.models import Completion, Requirement

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E

PASSWORD = "training-journey-2026"


def _person(school, first: str, last: str) -> User:
    user = UserFactory(school=school, first_name=first, last_name=last)
    user.set_password(PASSWORD)
    user.save()
    return verified(user)


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    hub = HubFactory(name="Riverside", slug="riverside")
    school = SchoolFactory(name="Meadowbank Primary", hub=hub)
    teacher = _person(school, "Tom", "Ellis")
    colleague = _person(school, "Nadia", "Rahman")
    leader = _person(school, "Grace", "Mensah")
    school.cpd_leaders.add(leader)
    safeguarding = Requirement.objects.create(title="Safeguarding level 1", valid_months=36)
    Requirement.objects.create(title="First aid", valid_months=36)
    long_ago = timezone.localdate() - datetime.timedelta(days=4 * 365)
    Completion.objects.create(
        requirement=safeguarding, user=teacher, completed_on=long_ago,
        expires_on=safeguarding.expiry_for(long_ago),
    )  # fmt: skip
    recent = timezone.localdate() - datetime.timedelta(days=30)
    for person in (colleague, leader):
        Completion.objects.create(
            requirement=safeguarding, user=person, completed_on=recent,
            expires_on=safeguarding.expiry_for(recent),
        )  # fmt: skip
    return {"teacher": teacher, "leader": leader, "school": school, "safeguarding": safeguarding}


def _clean(tab) -> None:
    serious = [v for v in axe_violations(tab) if "(serious)" in v or "(critical)" in v]
    assert serious == [], (tab.url, serious)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_leader_records_an_overdue_completion_and_exports_the_matrix(page, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, world["leader"].email, PASSWORD)
    page.goto(page.base_url + "/training/")
    page.get_by_role("link", name="Meadowbank Primary: staff training").click()
    row = page.get_by_role("row").filter(has_text="Tom Ellis")
    assert "Overdue" in row.inner_text()
    _clean(page)
    page.get_by_role("link", name="Tom Ellis").click()
    page.get_by_role("combobox", name="Training").select_option(label="Safeguarding level 1")
    page.get_by_label("Date completed").fill((timezone.localdate()).isoformat())
    page.get_by_label("Provider (optional)").fill("Local authority")
    _clean(page)
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("Training recorded for Tom Ellis")).to_be_visible()
    page.get_by_role("link", name="Meadowbank Primary: staff training").click()
    row = page.get_by_role("row").filter(has_text="Tom Ellis")
    assert "Overdue" not in row.inner_text()
    assert "In date" in row.inner_text()
    # The safeguarding matrix for an inspection.
    page.get_by_role("combobox", name="Training").select_option(label="Safeguarding level 1")
    page.get_by_role("button", name="Filter").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Name,Email,Job role,Safeguarding level 1: status")
    assert "First aid" not in text
    assert any("Tom Ellis" in line and "In date" in line for line in text.splitlines())
    page.get_by_role("link", name="Printable page for an inspection").click()
    expect(
        page.get_by_role("heading", name="Meadowbank Primary: staff training record")
    ).to_be_visible()
    assert "Safeguarding level 1" in page.inner_text("main")
    _clean(page)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).not_to_be_visible()
    expect(page.get_by_role("cell", name="In date").first).to_be_visible()
    page.emulate_media(media="screen")


def test_a_teacher_records_their_own_completion_with_a_certificate_on_a_phone(
    page, world, tmp_path
):
    page.set_viewport_size({"width": 390, "height": 844})
    certificate = tmp_path / "first-aid-certificate.pdf"
    certificate.write_bytes(b"%PDF-1.4 first aid certificate")
    sign_in(page, world["teacher"].email, PASSWORD)
    page.goto(page.base_url + "/training/")
    expect(page.get_by_text("Overdue").first).to_be_visible()
    _clean(page)
    page.get_by_role("combobox", name="Training").select_option(label="First aid")
    page.get_by_label("Date completed").fill(timezone.localdate().isoformat())
    page.get_by_label("Provider (optional)").fill("St John Ambulance")
    page.get_by_label("Certificate (optional)").set_input_files(str(certificate))
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("Your training is recorded")).to_be_visible()
    _clean(page)
    made = Completion.objects.get(user=world["teacher"], requirement__title="First aid")
    assert made.original_name == "first-aid-certificate.pdf"
    with page.expect_download() as download:
        page.get_by_role("link", name="Download first-aid-certificate.pdf").click()
    assert Path(download.value.path()).read_bytes() == b"%PDF-1.4 first aid certificate"
    # Nothing sideways on a phone: the page is no wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
