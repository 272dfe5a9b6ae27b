"""
axe-core on every page of the permission matrix: each (pattern, role) cell
whose GET answer is 200 and an HTML page, opened in Chromium as the demo community's person in
that role, must have no serious or critical violation. Every page at 1280 px; the main ones at
390 px too. The cells come from tests/security/test_permission_matrix.py's table, so a new page
with a row there is checked here too. A cell whose object the demo community lacks is left out:
today only an import job's page (/imports/<id>/), which tests/e2e/test_onboarding.py checks
with axe once the job has finished (a page that refreshes itself cannot be checked mid-way).
"""

import io

import pytest
from django.core import signing
from django.core.management import call_command
from django.urls import reverse

from courses.models import OutsideNetwork
from cpd_sessions.models import Booking, DevelopmentSession
from cpdhub.academic_year import current_academic_year
from enquiry.demo import FRACTIONS
from enquiry.models import Group as EnquiryGroup
from enquiry.models import WriteUp
from experts.models import ExpertProfile
from hubs.models import School, SubjectNetwork, User
from notifications.services import unsubscribe_token
from portfolios.models import Entry, Goal, ImpactFollowUp, Need
from termly.links import CONFIRM_SALT
from tests.factories import InvitationFactory
from tests.security.test_permission_matrix import MATRIX, PATTERNS, expected

from .conftest import E2E, sign_in
from .test_accessibility import axe_violations

pytestmark = E2E

# The matrix's roles that the demo community has a person for.
DEMO = {
    "anonymous": None,
    "teacher_a": "teacher@demo.test",
    "leader_a": "leader@demo.test",
    "expert": "expert@demo.test",
    "coordinator": "coordinator@demo.test",
}
NOT_HTML = (".csv", ".ics", ".json", ".zip")
FILES = {"portfolios:attachment", "privacy:download", "cpd_sessions:feed", "enquiry:log_file"}
PHONE = {
    "home", "experts:directory", "experts:profile", "experts:me", "cpd_sessions:list",
    "cpd_sessions:detail", "cpd_sessions:mine", "cpd_sessions:approvals", "portfolios:home",
    "portfolios:needs", "hubs:school_detail", "coordination:dashboard",
    "coaching_activity:school", "coaching_activity:community",
    "enquiry:home", "enquiry:group", "enquiry:library",
}  # fmt: skip


def _kwargs(role: str, user: User | None) -> dict:
    """Objects of the demo community for a role's URL parameters (None: the demo has none)."""
    teacher = User.objects.get(email="teacher@demo.test")
    expert = User.objects.get(email="expert@demo.test")
    upcoming = DevelopmentSession.objects.upcoming()
    led = upcoming.filter(leads=expert).first()
    booked = Booking.objects.filter(user=teacher, session__in=upcoming).first()
    session = (
        led if role == "expert" else booked.session if booked and role == "teacher_a" else None
    )
    session = session or upcoming.first()
    profile = ExpertProfile.objects.get(user=expert)
    school = School.objects.get(urn=148101)
    entry = Entry.objects.filter(owner=teacher).first()
    # The demo teacher's lesson study (the expert's own group is finished, its write-up published).
    fractions = EnquiryGroup.objects.filter(question=FRACTIONS).first()
    return {
        "pk:enquiry": fractions.pk if fractions and role == "teacher_a" else None,
        "number": 1 if fractions and role == "teacher_a" else None,  # its lesson-study cycle
        "pk:writeup": getattr(WriteUp.objects.filter(status="published").first(), "pk", None),
        "pk:session": session.pk,
        # The demo session whose summary is shared, which the demo teacher attended.
        "pk:evaluated": getattr(
            DevelopmentSession.objects.filter(
                evaluation_shared_at__isnull=False, bookings__user=teacher
            ).first(),
            "pk",
            None,
        ),
        "pk:profile": profile.pk,
        "profile": profile.pk,
        "pk:goal": getattr(Goal.objects.filter(owner=teacher).first(), "pk", None),
        "pk:entry": getattr(entry, "pk", None),
        "pk:follow_up": getattr(
            ImpactFollowUp.objects.filter(entry__owner=teacher).first(), "pk", None
        ),
        "pk:need": getattr(Need.objects.filter(owner=teacher).first(), "pk", None),
        "pk:outsidenetwork": getattr(OutsideNetwork.objects.order_by("pk").first(), "pk", None),
        "year": current_academic_year(),
        "user_id": teacher.pk,
        "urn": school.urn,
        "slug:hub": school.hub.slug,
        "slug:network": SubjectNetwork.objects.filter(members=teacher).first().slug,
        "token:unsubscribe": unsubscribe_token(user_id=teacher.pk, category="digest"),
        "token:confirm": signing.dumps({"p": profile.pk}, salt=CONFIRM_SALT),
        "token:invitation": InvitationFactory(
            email="newcomer@ashgrove.demo.test", school=school
        ).token
        if role == "anonymous"
        else None,
    }


def _cells(role: str) -> tuple[list[str], list[str]]:
    from tests.security.test_permission_matrix import OBJECT  # noqa: PLC0415 -- same table

    user = User.objects.filter(email=DEMO[role]).first() if DEMO[role] else None
    values = _kwargs(role, user)
    paths, phone = [], []
    for name in sorted(MATRIX):
        route = PATTERNS[name]
        if expected(name, "get", role) != 200 or name in FILES or route.endswith(NOT_HTML):
            continue
        kind = OBJECT.get(name) or next((v for k, v in OBJECT.items() if name.startswith(k)), "")
        kwargs = {}
        for param in [p.split(":")[-1].split(">")[0] for p in route.split("<")[1:]]:
            kwargs[param] = values.get(
                f"{param}:{kind}" if param in ("pk", "token", "slug") else param
            )
        if None in kwargs.values():
            continue  # nothing of that kind in the demo for this person
        path = reverse(name, kwargs=kwargs)
        paths.append(path)
        if name in PHONE:
            phone.append(path)
    return paths, phone


@pytest.mark.parametrize("role", list(DEMO))
def test_matrix_pages_have_no_serious_axe_violations(page, demo, role):
    call_command("seed_demo", stdout=io.StringIO())  # every app's part of the demo
    paths, phone = _cells(role)
    assert paths, f"no page of the matrix for {role}"
    if DEMO[role]:
        sign_in(page, DEMO[role])
    problems = {}
    for width, batch in ((1280, paths), (390, phone)):
        page.set_viewport_size({"width": width, "height": 900})
        for path in batch:
            response = page.goto(page.base_url + path)
            assert response.status == 200, (role, path, response.status)
            serious = [v for v in axe_violations(page) if "(serious)" in v or "(critical)" in v]
            if serious:
                problems[f"{path} at {width}"] = serious
    print(f"\n{role}: {len(paths)} pages at 1280 px, {len(phone)} at 390 px")
    assert problems == {}
