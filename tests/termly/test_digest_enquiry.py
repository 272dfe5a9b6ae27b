"""The digest's "Your enquiry groups this term": what changed in each of the person's groups,
counts and states only, members only, nothing when nothing changed; the same queries for a
batch of two people or twelve."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enquiry import cycles, services, writeups
from enquiry.models import Cycle, LogEntry
from notifications.rendering import render_email
from termly import digest
from tests.enquiry import factories
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
OTHER_QUESTION = "How do we teach oracy in Year 2 without losing the quiet ones?"


def _render(context):
    _subject, text, html = render_email("digest", context | {"community_name": "Riverside"})
    return text, html


def _old(group):
    """Everything in the group so far happened long ago (before the digest's window)."""
    long_ago = timezone.now() - datetime.timedelta(days=400)
    LogEntry.objects.filter(group=group).update(created_at=long_ago)
    group.reading.update(created_at=long_ago)


def test_a_member_reads_what_changed_in_their_group_with_a_link(personas, settings):
    made = factories.group(personas.owner, personas.outsider)
    factories.work(made, personas.outsider)
    context = digest.build(personas.owner, None)
    ((item, url),) = context["enquiry_groups"]
    assert url == settings.SITE_URL.rstrip("/") + made.get_absolute_url()
    assert (item.new_log, item.new_reading) == (2, 1)
    text, html = _render(context)
    for body in (text, html):
        assert "our enquiry groups this term" in body.lower()
        assert factories.QUESTION in body
        assert "2 new log entries; 1 new on the reading list." in body
        # Counts, never words written in the group.
        assert factories.SECRET_LOG not in body
        assert factories.SECRET_NOTE not in body
    assert url in text
    assert f'href="{url}"' in html


def test_nothing_changed_no_section(personas):
    made = factories.group(personas.owner, personas.outsider)
    factories.work(made, personas.outsider)
    _old(made)
    context = digest.build(personas.owner, None)
    assert context["enquiry_groups"] == []
    text, html = _render(context)
    assert "ENQUIRY GROUPS" not in text
    assert "enquiry groups" not in html


def test_only_members_and_never_another_group(personas):
    mine = factories.group(personas.owner)
    other = services.group_create(
        by=personas.outsider, question=OTHER_QUESTION, kind="enquiry",
        areas=[factories.area()], status="open",
    )  # fmt: skip
    factories.work(other, personas.outsider)
    services.log_add(group=mine, by=personas.owner, kind="note", text="Zq8 mine")
    leaver = UserFactory(school=personas.school)
    services.group_join(group=other, by=leaver)
    services.group_leave(group=other, by=leaver)
    people = [personas.owner, personas.colleague, personas.leader, personas.coordinator, leaver]
    contexts = digest.build_many([p.pk for p in people], None)
    ((item, _url),) = contexts[personas.owner.pk]["enquiry_groups"]
    assert item.group_id == mine.pk
    for person in people[1:]:
        assert contexts[person.pk]["enquiry_groups"] == []
        text, html = _render(contexts[person.pk])
        assert OTHER_QUESTION not in text + html
    text, html = _render(contexts[personas.owner.pk])
    assert OTHER_QUESTION not in text + html
    assert "Zq8" not in text + html


def test_cycles_write_ups_and_the_next_research_lesson(personas):
    made = factories.group(personas.owner, personas.outsider)
    cycle = cycles.cycle_create(group=made, by=personas.owner)
    pupil = cycles.case_pupil_add(cycle=cycle, by=personas.owner, code="A", description="Zq8")
    cycles.cycle_plan_save(
        cycle=cycle, by=personas.owner, plan="Zq8 plan", lesson_date=datetime.date(2026, 3, 3),
        host_school=personas.owner.school,
    )  # fmt: skip
    cycles.entry_add(case_pupil=pupil, by=personas.outsider, kind="observation", text="Zq8 saw")
    cycle.refresh_from_db()
    cycles.discussion_save(cycle=cycle, by=personas.owner, discussion="Zq8 talk")
    nxt = cycles.cycle_create(group=made, by=personas.owner)
    day = timezone.localdate() + datetime.timedelta(days=9)
    Cycle.objects.filter(pk=nxt.pk).update(lesson_date=day)
    writeups.write_up_save(
        group=made, by=personas.owner, question=made.question, tried="Zq8 tried",
        happened="Zq8 happened", next_steps="",
    )  # fmt: skip
    writeups.write_up_agree(group=made, by=personas.owner)
    contexts = digest.build_many([personas.owner.pk, personas.outsider.pk], None)
    ((mine, _),) = contexts[personas.owner.pk]["enquiry_groups"]
    ((theirs, _),) = contexts[personas.outsider.pk]["enquiry_groups"]
    assert (mine.cycles_done, mine.next_lesson, mine.awaiting_me) == (1, day, False)
    assert theirs.awaiting_me  # the outsider has not agreed yet
    text, html = _render(contexts[personas.outsider.pk])
    for body in (text, html):
        assert "1 lesson-study cycle completed" in body
        assert "the draft write-up waits for your agreement" in body
        assert f"the next research lesson is on {day:%A} {day.day} {day:%B %Y}" in body
        assert "Zq8" not in body

    writeups.write_up_agree(group=made, by=personas.outsider)  # everyone agreed: published
    _old(made)
    Cycle.objects.update(discussed_at=timezone.now() - datetime.timedelta(days=400))
    Cycle.objects.filter(pk=nxt.pk).update(lesson_date=None)
    ((item, _),) = digest.build(personas.outsider, None)["enquiry_groups"]
    assert item.summary == "The write-up is published in the library."


def test_the_coordinator_s_preview_does_not_name_someone_else_s_group(personas):
    made = factories.group(personas.owner)
    services.log_add(group=made, by=personas.owner, kind="note", text="Zq8 mine")
    preview = digest.context_for(personas.coordinator, f"test:{personas.owner.pk}:x")
    ((item, _),) = preview["enquiry_groups"]
    assert item.question == digest.PRIVATE_GROUP
    text, html = _render(preview)
    assert factories.QUESTION not in text + html
    assert "1 new log entry." in text


def test_the_section_costs_the_same_queries_for_two_people_or_twelve(personas):
    few = [personas.owner, personas.outsider]
    made = factories.group(*few)
    many = few + [UserFactory(school=personas.school) for _ in range(10)]
    services.log_add(group=made, by=personas.owner, kind="note", text="Zq8")
    for person in many[2:]:
        services.group_join(group=made, by=person)
        theirs = factories.group(person)  # each their own group too, the outsider in it
        services.group_join(group=theirs, by=personas.outsider)
        services.log_add(group=theirs, by=person, kind="note", text="Zq8")
    with CaptureQueriesContext(connection) as small:
        digest.build_many([p.pk for p in few], None)
    with CaptureQueriesContext(connection) as large:
        together = digest.build_many([p.pk for p in many], None)
    assert len(large.captured_queries) == len(small.captured_queries)
    # Eleven groups changed: the digest names the newest ten.
    assert len(together[personas.outsider.pk]["enquiry_groups"]) == digest.ENQUIRY_GROUPS
    assert sum("enquiry_membership" in q["sql"] for q in large.captured_queries) == 1
