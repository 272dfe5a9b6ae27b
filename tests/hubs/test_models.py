import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from hubs.models import School, SchoolDomain, Subject, Term, User
from tests.factories import InvitationFactory, SchoolFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db
d = datetime.date


def test_overlapping_terms_are_refused_with_a_clear_message():
    TermFactory(name="Autumn 2026", start=d(2026, 9, 2), end=d(2026, 12, 18))
    clash = Term(name="Spring 2027", start=d(2026, 12, 18), end=d(2027, 3, 26))
    with pytest.raises(ValidationError, match="overlaps another term"):
        clash.full_clean()
    Term(name="Spring 2027", start=d(2027, 1, 5), end=d(2027, 3, 26)).full_clean()


def test_editing_a_term_does_not_clash_with_itself():
    term = TermFactory(start=d(2026, 9, 2), end=d(2026, 12, 18))
    term.end = d(2026, 12, 19)
    term.full_clean()


@pytest.mark.postgres
def test_database_refuses_overlapping_terms_even_without_validation():
    TermFactory(name="Autumn 2026", start=d(2026, 9, 2), end=d(2026, 12, 18))
    with pytest.raises(IntegrityError), transaction.atomic():
        Term.objects.create(name="Other", start=d(2026, 10, 1), end=d(2026, 10, 30))
    assert Term.objects.count() == 1


def test_term_must_end_after_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        Term.objects.create(name="Backwards", start=d(2026, 9, 2), end=d(2026, 9, 1))


def test_term_knows_its_academic_year_and_week():
    autumn = TermFactory(start=d(2026, 9, 2), end=d(2026, 12, 18))
    spring = TermFactory(start=d(2027, 1, 5), end=d(2027, 3, 26))
    assert autumn.academic_year == spring.academic_year == "2026/27"
    assert autumn.week_of(d(2026, 9, 2)) == 1
    assert autumn.week_of(d(2026, 11, 23)) == 12
    assert Term.objects.current(d(2026, 11, 23)) == autumn
    assert Term.objects.current(d(2026, 12, 25)) is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("urn", 12345), ("urn", 1234567), ("fsm_percent", "100.1"), ("day_end", datetime.time(8, 0))],
)
def test_school_rules_live_in_the_database(field, value):
    school = SchoolFactory.build(hub=None, **{field: value})
    with pytest.raises(IntegrityError), transaction.atomic():
        school.save()
    assert not School.objects.filter(name=school.name).exists()


def test_school_urn_is_unique():
    SchoolFactory(urn=148101)
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolFactory(urn=148101)


def test_postcode_is_normalised_and_checked():
    school = SchoolFactory.build(hub=None, postcode="ne64qt")
    school.full_clean(exclude=["hub"])
    assert school.postcode == "NE6 4QT"
    school.postcode = "not a postcode"
    with pytest.raises(ValidationError, match="UK postcode"):
        school.full_clean(exclude=["hub"])


def test_special_school_is_recognised_from_its_type():
    assert SchoolFactory.build(
        establishment_type=School.EstablishmentType.COMMUNITY_SPECIAL
    ).is_special
    assert not SchoolFactory.build(establishment_type=School.EstablishmentType.COMMUNITY).is_special


def test_a_domain_belongs_to_one_school_and_is_stored_lower_case():
    school = SchoolFactory(domain=None)
    SchoolDomain.objects.create(school=school, domain="ashgrove.sch.uk")
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolDomain.objects.create(school=SchoolFactory(domain=None), domain="ashgrove.sch.uk")
    with pytest.raises(IntegrityError), transaction.atomic():
        SchoolDomain.objects.filter(school=school).update(domain="Ashgrove.SCH.uk")


def test_domain_form_input_is_cleaned():
    domain = SchoolDomain(school=SchoolFactory(domain=None), domain="  @Ashgrove.Lancs.SCH.uk ")
    domain.full_clean()
    assert domain.domain == "ashgrove.lancs.sch.uk"


def test_one_account_per_address_whatever_its_case():
    UserFactory(email="Sam.Whitfield@Ashgrove.test")
    assert User.objects.get().email == "sam.whitfield@ashgrove.test"
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="SAM.WHITFIELD@ashgrove.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.update(email="Upper@Case.test")


def test_user_manager_creates_superusers_by_email():
    admin = User.objects.create_superuser("Boss@Example.test", "pw", first_name="A", last_name="B")
    assert admin.email == "boss@example.test"
    assert admin.is_staff
    assert admin.is_superuser
    assert admin.is_coordinator


def test_only_one_open_invitation_per_address():
    first = InvitationFactory(email="gov@gmail.test")
    with pytest.raises(IntegrityError), transaction.atomic():
        InvitationFactory(email="GOV@gmail.test")
    first.revoked_at = first.created_at
    first.save()
    InvitationFactory(email="gov@gmail.test")


@pytest.mark.parametrize(
    ("name", "in_sentence"),
    [
        ("Geography", "geography"),
        ("English", "English"),
        ("Modern foreign languages", "modern foreign languages"),
        ("PSHE and RSE", "PSHE and RSE"),
        ("Design and technology", "design and technology"),
    ],
)
def test_a_subject_is_written_inside_a_sentence_as_schools_write_it(name, in_sentence):
    """ "You are the only one who teaches English", never "teaches english" or "pshe and rse"."""
    assert Subject(name=name).in_sentence == in_sentence
