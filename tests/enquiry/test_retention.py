"""Enquiry retention: a finished group's words and files go two academic years after the one
it finished in; the group, its members (the counts), its cycles' dates and a published
write-up stay. A group still at work (open or closed to new members) keeps everything."""

import datetime

import pytest
from django.utils import timezone

from enquiry import cycles, figures, retention, services, writeups
from enquiry.models import (
    CasePupil,
    Cycle,
    Group,
    LogEntry,
    Membership,
    Prediction,
    ReadingItem,
    WriteUp,
)
from enquiry.tasks import apply_retention

from . import factories

pytestmark = pytest.mark.django_db
FINISHED_IN = datetime.datetime(2027, 3, 1, 12, tzinfo=datetime.UTC)  # year 2026/27


def _worked(personas, *, publish: bool, settings):
    made = factories.group(personas.owner, personas.outsider)
    _note, upload, _item = factories.work(made, personas.outsider)
    cycle = cycles.cycle_create(group=made, by=personas.owner)
    pupil = cycles.case_pupil_add(cycle=cycle, by=personas.owner, code="A", description="Zq8")
    cycles.entry_add(case_pupil=pupil, by=personas.owner, kind="prediction", text="Zq8 predicts")
    cycles.cycle_plan_save(
        cycle=cycle, by=personas.owner, plan="Zq8 plan", lesson_date=datetime.date(2027, 1, 5),
        host_school=personas.owner.school,
    )  # fmt: skip
    if publish:
        factories.publish(made, personas.owner, personas.outsider)
    else:
        writeups.write_up_save(
            group=made, by=personas.owner, question=made.question, tried="Zq8 tried",
            happened=factories.SECRET_DRAFT, next_steps="",
        )  # fmt: skip
    return made, upload


def _words(group) -> str:
    rows = [
        *LogEntry.objects.filter(group=group).values_list("text", flat=True),
        *ReadingItem.objects.filter(group=group).values_list("note", flat=True),
        *Cycle.objects.filter(group=group).values_list("plan", flat=True),
        *Prediction.objects.filter(case_pupil__cycle__group=group).values_list("text", flat=True),
        *WriteUp.objects.filter(group=group, status="draft").values_list("happened", flat=True),
    ]
    return " ".join(rows)


def test_a_finished_group_s_words_and_files_go_after_two_academic_years(
    personas, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    assert settings.CPDHUB_RETENTION_ENQUIRY_YEARS == 2
    done, upload = _worked(personas, publish=True, settings=settings)
    draft, _ = _worked(personas, publish=False, settings=settings)
    at_work, _ = _worked(personas, publish=False, settings=settings)
    for group in (done, draft):
        services.group_update(group=group, by=personas.owner, status="finished", planned_end=None)
        assert Group.objects.get(pk=group.pk).finished_at is not None
        Group.objects.filter(pk=group.pk).update(finished_at=FINISHED_IN)
    services.group_update(group=at_work, by=personas.owner, status="closed", planned_end=None)
    path = upload.file.path
    before = figures.figures()
    published = WriteUp.objects.get(group=done)

    assert retention.content_expire(today=datetime.date(2029, 7, 31)) == 0
    assert "Zq8" in _words(done)
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.content_expire(today=datetime.date(2029, 8, 1)) == 2
    for group in (done, draft):
        group.refresh_from_db()
        assert group.content_removed_at is not None
        assert "Zq8" not in _words(group)
        assert factories.SECRET_LOG not in _words(group)
        assert not CasePupil.objects.filter(cycle__group=group).exists()
        assert Membership.objects.filter(group=group).count() == 2  # counted
        assert Cycle.objects.get(group=group).lesson_date == datetime.date(2027, 1, 5)
    assert not (tmp_path / path).exists()
    assert WriteUp.objects.get(pk=published.pk).happened == published.happened  # the library's
    assert not WriteUp.objects.filter(group=draft).exists()
    assert "Zq8" in _words(at_work)  # still at work: kept
    assert figures.figures() == before  # the leaders' and coordinator's counts
    # The beat task is the same job, and a second run has nothing left to do.
    assert apply_retention() == 0


def test_reopening_a_group_stops_its_clock(personas, settings):
    made, _ = _worked(personas, publish=False, settings=settings)
    services.group_update(group=made, by=personas.owner, status="finished", planned_end=None)
    services.group_update(group=made, by=personas.owner, status="open", planned_end=None)
    made.refresh_from_db()
    assert made.finished_at is None
    assert retention.content_expire(today=timezone.localdate() + datetime.timedelta(days=4000)) == 0


def test_retention_is_switched_off_at_zero(personas, settings):
    settings.CPDHUB_RETENTION_ENQUIRY_YEARS = 0
    made, _ = _worked(personas, publish=False, settings=settings)
    services.group_update(group=made, by=personas.owner, status="finished", planned_end=None)
    Group.objects.filter(pk=made.pk).update(finished_at=FINISHED_IN)
    assert retention.content_expire(today=datetime.date(2040, 1, 1)) == 0
    assert "Zq8" in _words(made)
