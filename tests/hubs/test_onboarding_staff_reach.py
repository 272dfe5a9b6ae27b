"""
A staff import never changes a person outside the importer's reach: whatever the file says,
every column of every account that was not already in the school imported into is the same
afterwards (and so are their subjects, responsibilities, addresses and invitations). Stated as
a property over generated files, and shown by the examples a leader would try.
"""

import csv
import io

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubs.models import Invitation, User, UserResponsibility
from hubs.onboarding.staff import Outcome, staff_import
from tests.factories import InvitationFactory, SchoolDomainFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = ("Work email", "Preferred forename", "Legal surname", "Staff role")


def staff_csv(*rows):
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return io.BytesIO(text.getvalue().encode("utf-8"))


@pytest.fixture
def reach(personas):
    SchoolDomainFactory(school=personas.school, domain="ashgrove.sch.uk")
    SchoolDomainFactory(school=personas.other_school, domain="thornbury.sch.uk")
    extra = {
        "superuser": UserFactory(email="root@ashgrove.sch.uk", school=None, is_superuser=True),
        "admin_in_school": UserFactory(
            email="admin@ashgrove.sch.uk", school=personas.school, is_staff=True
        ),
        "schoolless": UserFactory(email="drifter@ashgrove.sch.uk", school=None),
        "outsider_on_our_domain": UserFactory(
            email="moved@ashgrove.sch.uk", school=personas.other_school
        ),
    }
    UserResponsibility.objects.create(user=personas.outsider, responsibility="senco")
    InvitationFactory(email="guest@gmail.com", school=personas.other_school)
    return personas, extra


def everyone_else(school) -> dict:
    """Every column of every account not in ``school``, with what hangs off it."""
    state = {}
    for user in User.objects.exclude(school=school).order_by("pk"):
        values = {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}
        values["subjects"] = sorted(user.subjects.values_list("pk", flat=True))
        values["groups"] = sorted(user.groups.values_list("pk", flat=True))
        values["responsibilities"] = sorted(
            user.responsibilities.values_list("responsibility", flat=True)
        )
        values["addresses"] = sorted(
            EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")
        )
        state[user.pk] = values
    state["invitations"] = sorted(
        Invitation.objects.exclude(school=school).values_list(
            "pk", "email", "school_id", "revoked_at", "accepted_at"
        )
    )
    return state


def out_of_reach_addresses(personas, extra) -> list[str]:
    return [
        personas.coordinator.email,
        personas.outsider.email,
        personas.other_leader.email,
        *(user.email for user in extra.values() if user.school_id != personas.school.pk),
        extra["admin_in_school"].email,
    ]


@pytest.mark.parametrize("by", ["leader", "coordinator"])
def test_an_import_refuses_every_person_outside_the_school_row_by_row(reach, by):
    personas, extra = reach
    addresses = out_of_reach_addresses(personas, extra)
    before = everyone_else(personas.school)
    admin_before = User.objects.filter(pk=extra["admin_in_school"].pk).values().get()
    rows = [[email, "Helen <b>Pwned</b>", "Pwned", "Teacher"] for email in addresses]
    rows.append(["guest@gmail.com", "Guest", "Person", "Teacher"])
    rows.append(["fresh@ashgrove.sch.uk", "Fresh", "Start", "Teacher"])
    result = staff_import(
        raw=staff_csv(*rows), by=getattr(personas, by), school=personas.school, dry_run=False
    )
    assert everyone_else(personas.school) == before
    assert User.objects.filter(pk=extra["admin_in_school"].pk).values().get() == admin_before
    refused = {row.email: row.message for row in result.rows if row.outcome == Outcome.ERROR}
    assert set(refused) == {*addresses, "guest@gmail.com"}
    assert "coordinator's or an administrator's" in refused[personas.coordinator.email]
    assert "belongs to no school" in refused[extra["schoolless"].email]
    assert "another school" in refused[personas.outsider.email]
    assert "open invitation from another school" in refused["guest@gmail.com"]
    assert not result.ok  # a file with a refused row imports nothing by default
    assert not User.objects.filter(email="fresh@ashgrove.sch.uk").exists()


def test_a_leader_cannot_take_over_the_coordinators_account(reach):
    personas, _ = reach
    coordinator = personas.coordinator
    raw = staff_csv([coordinator.email.upper(), "Helen <b>Pwned</b>", "Okafor", "Teacher"])
    result = staff_import(raw=raw, by=personas.leader, school=personas.school, dry_run=False)
    coordinator.refresh_from_db()
    assert coordinator.school_id is None
    assert coordinator.first_name == "Helen"
    assert result.rows[0].outcome == Outcome.ERROR
    assert "never changes it" in result.rows[0].message


EMAIL_PARTS = st.sampled_from(["sam", "amelia", "priya", "owen", "ruth", "helen", "new", "x.y"])


@st.composite
def addresses(draw):
    """Addresses of people in and out of reach, their +tag and upper-case twins, new ones."""
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(st.sampled_from(sorted(User.objects.values_list("email", flat=True))))
    if choice == 1:
        email = draw(st.sampled_from(sorted(User.objects.values_list("email", flat=True))))
        local, _, domain = email.partition("@")
        return f"{local}+{draw(st.sampled_from(['cpd', 'x']))}@{domain}".upper()
    domain = draw(st.sampled_from(["ashgrove.sch.uk", "thornbury.sch.uk", "gmail.com"]))
    return f"{draw(EMAIL_PARTS)}{draw(st.integers(0, 3))}@{domain}"


ROWS = st.lists(
    st.tuples(
        addresses(),
        st.sampled_from(["Helen", "Pwned", "Sam", ""]),
        st.sampled_from(["Okafor", "Pwned", "Whitfield"]),
        st.sampled_from(["Teacher", "SENCo", "Head of department", "Wizard", ""]),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(rows=ROWS, by=st.sampled_from(["leader", "coordinator"]), good_rows=st.booleans())
def test_no_import_changes_anyone_who_was_not_in_the_school_or_new(reach, rows, by, good_rows):
    personas, _ = reach
    school = personas.school
    with transaction.atomic():
        before = everyone_else(school)
        staff_import(
            raw=staff_csv(*rows),
            by=getattr(personas, by),
            school=school,
            dry_run=False,
            import_good_rows=good_rows,
        )
        after = everyone_else(school)
        assert {k: v for k, v in after.items() if k in before} == before
        transaction.set_rollback(True)
