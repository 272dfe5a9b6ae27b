"""Lesson-study cycles: members plan, predict, observe, interview and discuss; nobody outside
the group reads a word of it (404); the page puts what the case pupils did against the
predictions before the discussion."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enquiry import cycles, services
from enquiry.models import CasePupil, Cycle, InterviewNote, Observation, Prediction
from hubs.models import User
from privacy.collect import personal_data
from tests.hubs.test_admin import with_totp
from tests.privacy.test_erase import erase as erase_by

from . import factories

pytestmark = pytest.mark.django_db
SECRET = "Zq8 predicted she would draw a bar model"


def _done_cycle(owner, member):
    group = factories.group(owner, member)
    cycle = cycles.cycle_create(group=group, by=owner)
    pupil = cycles.case_pupil_add(
        cycle=cycle, by=owner, code="a", description="Below in place value"
    )
    cycles.entry_add(case_pupil=pupil, by=member, kind="prediction", text=SECRET)
    cycles.cycle_plan_save(
        cycle=cycle, by=owner, plan="Zq8 plan", lesson_date=None,
        host_school=owner.school,
    )  # fmt: skip
    return group, cycle, pupil


def test_a_cycle_from_plan_to_discussion_then_the_next(personas):
    owner, member = personas.owner, personas.outsider
    group, cycle, pupil = _done_cycle(owner, member)
    assert pupil.code == "A"
    with pytest.raises(ValidationError):  # no date: not observed yet
        cycles.entry_add(case_pupil=pupil, by=member, kind="observation", text="Zq8 drew it")
    cycles.cycle_plan_save(
        cycle=cycle, by=owner, plan="Zq8 plan", lesson_date=datetime.date(2026, 3, 3),
        host_school=owner.school,
    )  # fmt: skip
    with pytest.raises(ValidationError):  # the discussion follows the observed lesson
        cycles.discussion_save(cycle=cycle, by=owner, discussion="Zq8 talk")
    cycles.entry_add(case_pupil=pupil, by=member, kind="observation", text="Zq8 drew it")
    cycles.entry_add(case_pupil=pupil, by=owner, kind="interview", text="Zq8 said halves")
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.TAUGHT
    with pytest.raises(ValidationError):  # the current cycle is not discussed yet
        cycles.cycle_create(group=group, by=owner)
    cycles.discussion_save(cycle=cycle, by=member, discussion="Zq8 the predictions were wrong")
    assert cycles.cycle_create(group=group, by=member).number == 2


def test_case_pupils_are_codes_never_names(personas):
    group = factories.group(personas.owner)
    cycle = cycles.cycle_create(group=group, by=personas.owner)
    for bad in ("Amelia", "", "a b", "ABCD"):
        with pytest.raises(ValidationError):
            cycles.case_pupil_add(cycle=cycle, by=personas.owner, code=bad, description="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        CasePupil.objects.create(cycle=cycle, code="Tom", description="x")
    cycles.case_pupil_add(cycle=cycle, by=personas.owner, code="B", description="x")
    with pytest.raises(ValidationError):
        cycles.case_pupil_add(cycle=cycle, by=personas.owner, code="b", description="y")


def test_outsiders_are_refused_and_nothing_changes(personas):
    group, _cycle, pupil = _done_cycle(personas.owner, personas.outsider)
    for person in (personas.colleague, personas.leader, personas.coordinator):
        with pytest.raises(PermissionDenied):
            cycles.entry_add(case_pupil=pupil, by=person, kind="prediction", text="x")
        with pytest.raises(PermissionDenied):
            cycles.cycle_create(group=group, by=person)
    assert Prediction.objects.count() == 1
    services.group_leave(group=group, by=personas.outsider)
    with pytest.raises(PermissionDenied):
        cycles.entry_add(case_pupil=pupil, by=personas.outsider, kind="prediction", text="x")


def test_nobody_outside_reads_the_cycle_and_a_leaver_is_a_former_member(client, personas):
    group, cycle, _pupil = _done_cycle(personas.owner, personas.outsider)
    url = cycle.get_absolute_url()
    admin = with_totp(personas.coordinator)
    for person in (personas.colleague, personas.leader, personas.other_leader, admin):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert SECRET not in client.get(group.get_absolute_url()).content.decode()
    client.force_login(personas.owner)
    page = client.get(url).content.decode()
    assert SECRET in page
    assert personas.outsider.full_name in page
    # What the case pupils did against the predictions comes before the discussion.
    assert page.index("against the predictions") < page.index("post-lesson discussion")
    services.group_leave(group=group, by=personas.outsider)
    page = client.get(url).content.decode()
    assert SECRET in page
    assert "a former member" in page
    assert personas.outsider.full_name not in page


def test_the_member_downloads_what_they_wrote(personas):
    _done_cycle(personas.owner, personas.outsider)
    data = personal_data(personas.outsider)["enquiry"]
    assert [p["text"] for p in data["predictions_you_made"]] == [SECRET]
    assert data["case_pupils_of_your_groups"][0]["code"] == "A"
    assert SECRET not in str(personal_data(personas.colleague))


@pytest.mark.parametrize("pupils", [1, 6])
def test_the_cycle_page_query_budget(client, personas, pupils, django_assert_max_num_queries):
    group = factories.group(personas.owner, personas.outsider)
    cycle = cycles.cycle_create(group=group, by=personas.owner)
    for n in range(pupils):
        pupil = cycles.case_pupil_add(cycle=cycle, by=personas.owner, code=f"P{n}", description="x")
        for person in (personas.owner, personas.outsider):
            cycles.entry_add(case_pupil=pupil, by=person, kind="prediction", text="Will guess")
    client.force_login(personas.owner)
    with django_assert_max_num_queries(12):
        assert client.get(cycle.get_absolute_url()).status_code == 200
    assert (
        reverse("enquiry:cycle", kwargs={"pk": group.pk, "number": 1}) == cycle.get_absolute_url()
    )


@pytest.mark.parametrize("path", ["coordinator", "admin"])
def test_an_erased_member_s_words_stay_as_a_former_member(client, personas, path):
    """What the erased person wrote in a cycle stays for the group, without their name."""
    _group, cycle, _pupil = _done_cycle(personas.outsider, personas.owner)  # the owner predicts
    name = personas.owner.full_name
    erase_by(path, personas, client)
    assert Prediction.objects.get().by is None
    member = Client()  # not the admin's, with its "deleted" message
    member.force_login(personas.outsider)
    page = member.get(cycle.get_absolute_url()).content.decode()
    assert SECRET in page
    assert "a former member" in page
    assert name not in page


def test_the_demo_lesson_study_has_a_cycle_done_and_the_next_planned(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    teacher = User.objects.get(email="teacher@demo.test")
    done, planned = Cycle.objects.filter(group__memberships__user=teacher).order_by("number")
    assert (done.status, planned.status) == ("discussed", "planning")
    assert list(done.case_pupils.values_list("code", flat=True)) == ["A", "B", "C"]
    for model in (Prediction, Observation):
        assert model.objects.filter(case_pupil__cycle=done).count() == 3
    assert InterviewNote.objects.filter(case_pupil__cycle=done).exists()
    client.force_login(teacher)
    page = client.get(done.get_absolute_url()).content.decode()
    assert page.index("Placed 3/4 after 1/2") < page.index("did better than we predicted")
    assert "Start the next cycle" in client.get(done.group.get_absolute_url()).content.decode()


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=40) | st.sampled_from(["", " ", "\x00", "a\x00b", "x" * 6000]))
def test_the_discussion_survives_hostile_input(personas, text):
    """The discussion form (not reached by the crawl in tests/security/test_fuzz.py)."""
    with transaction.atomic():
        group, cycle, pupil = _done_cycle(personas.owner, personas.outsider)
        Cycle.objects.filter(pk=cycle.pk).update(lesson_date=datetime.date(2026, 3, 3))
        cycles.entry_add(case_pupil=pupil, by=personas.owner, kind="observation", text="Did it")
        client = Client()  # each example's own: its session rolls back with it
        client.force_login(personas.owner)
        url = reverse("enquiry:cycle_discussion", kwargs={"pk": group.pk, "number": 1})
        response = client.post(url, {"discussion": text, "extra": text})
        assert response.status_code in (302, 400)
        cycle.refresh_from_db()
        assert (cycle.status == "discussed") == (response.status_code == 302)
        transaction.set_rollback(True)
