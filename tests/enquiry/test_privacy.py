"""
What is written in an enquiry group is for its current members only, as a property: after any
sequence of notes, files, reading-list items, drafts, agreements, invitations and leavings, no
page, file, export or admin page open to a member's colleague in the same school, their CPD
leader, the other school's CPD leader, the head, the hub lead, the coordinator, or a superuser
in the admin shows a word of it (group pages, files and drafts are 404 to them); the members
read it all; once every member agrees, the write-up (and only it) is in the library for all.
The group's own question is not private: an open group offers it to everyone, an invitation to
the invitee.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from enquiry import cycles, services, writeups
from enquiry.models import Cycle, Group, LogEntry, ReadingItem, WriteUp
from experts.models import ExpertiseArea
from hubs.models import User
from privacy.collect import personal_data
from tests.factories import SchoolFactory, UserFactory
from tests.hubs.test_admin import with_totp

from .factories import text_file

pytestmark = pytest.mark.django_db


@dataclass
class World:
    owner: User
    member: User
    onlookers: dict[str, User]
    school_urn: int


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(personas) -> World:
    hub_lead = UserFactory(school=SchoolFactory(hub=personas.school.hub))
    personas.school.hub.leaders.add(hub_lead)
    head = UserFactory(school=personas.school, job_role=User.JobRole.SENIOR_LEADER)
    return World(
        owner=personas.owner,
        member=personas.outsider,
        school_urn=personas.school.urn,
        onlookers={
            "owner's CPD leader": personas.leader,
            "member's CPD leader": personas.other_leader,
            "head": head,
            "hub lead": hub_lead,
            "coordinator": with_totp(personas.coordinator),
            "colleague": personas.colleague,
            "admin": with_totp(UserFactory(school=None, is_staff=True, is_superuser=True)),
        },
    )


ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.just("note"), st.sampled_from(["note", "decision"])),
        st.tuples(st.just("file"), st.just("")),
        st.tuples(st.just("read"), st.just("")),
        st.tuples(st.just("draft"), st.just("")),
        st.tuples(st.just("agree"), st.booleans()),
        st.tuples(st.just("invite"), st.just("")),
        st.tuples(st.just("leave"), st.booleans()),
        st.tuples(st.just("cycle"), st.just("")),
    ),
    min_size=1,
    max_size=6,
)


def _play(world: World, group: Group, actions, secret: str) -> None:
    members = [world.owner, world.member]
    for n, (action, arg) in enumerate(actions, 1):
        writer = members[n % len(members)] if members else None
        if writer is None:
            return
        if action == "note":
            services.log_add(group=group, by=writer, kind=arg, text=f"{secret} log {n}")
        elif action == "file":
            services.log_add(
                group=group, by=writer, kind="file",
                upload=text_file(f"{secret.split()[0]}-{n}.txt", f"{secret} file {n}".encode()),
            )  # fmt: skip
        elif action == "read":
            services.reading_add(group=group, by=writer, title=f"{secret} title {n}",
                                 note=f"{secret} note {n}")  # fmt: skip
        elif action == "draft":
            write_up = WriteUp.objects.filter(group=group).first()
            if write_up is None or not write_up.is_published:
                writeups.write_up_save(
                    group=group, by=writer, question=f"{secret} question {n}",
                    tried=f"{secret} tried {n}", happened=f"{secret} draft {n}",
                )  # fmt: skip
        elif action == "agree":
            write_up = WriteUp.objects.filter(group=group).first()
            people = members if arg else members[:1]
            if write_up is not None and not write_up.is_published:
                for person in people:
                    if not write_up.agreements.filter(user=person).exists():
                        writeups.write_up_agree(group=group, by=person)
        elif action == "invite":
            colleague = world.onlookers["colleague"]
            if not group.invitations.filter(user=colleague, status="pending").exists():
                services.invitation_create(group=group, by=writer, email=colleague.email)
        elif action == "cycle":
            _cycle_step(group, writer, secret, n)
        elif action == "leave" and len(members) > 1:
            leaver = members.pop()
            services.group_leave(group=group, by=leaver, delete_mine=arg)


def _cycle_step(group: Group, writer: User, secret: str, n: int) -> None:
    """The next step of the group's latest lesson-study cycle, the secret in every word of it:
    its plan, a case pupil and a prediction; what they did and said; the discussion."""
    cycle = Cycle.objects.filter(group=group).order_by("-number").first()
    if cycle is None or cycle.status == Cycle.Status.DISCUSSED:
        cycle = cycles.cycle_create(group=group, by=writer)
    pupil = cycle.case_pupils.first()
    if pupil is None:
        cycles.cycle_plan_save(
            cycle=cycle, by=writer, plan=f"{secret} plan {n}",
            lesson_date=datetime.date(2026, 3, 3), host_school=None,
        )  # fmt: skip
        pupil = cycles.case_pupil_add(
            cycle=cycle, by=writer, code="A", description=f"{secret} pupil {n}"
        )
        cycles.entry_add(case_pupil=pupil, by=writer, kind="prediction", text=f"{secret} p {n}")
    elif cycle.status == Cycle.Status.PLANNING:
        for kind in ("observation", "interview"):
            cycles.entry_add(case_pupil=pupil, by=writer, kind=kind, text=f"{secret} {kind} {n}")
    else:
        cycles.discussion_save(cycle=cycle, by=writer, discussion=f"{secret} discussion {n}")


def _urls(world: World, group: Group) -> list[str]:
    urls = [
        "/", "/enquiries/", "/enquiries/library/", "/portfolio/",
        group.get_absolute_url(),
        reverse("enquiry:write_up_edit", kwargs={"pk": group.pk}),
        "/coordinator/", "/coordinator/needs/", "/coordinator/enquiries/",
        f"/schools/{world.school_urn}/", f"/schools/{world.school_urn}/dashboard/",
        f"/schools/{world.school_urn}/enquiries/",
        "/admin/enquiry/group/", f"/admin/enquiry/group/{group.pk}/change/",
    ]  # fmt: skip
    for pk in LogEntry.objects.filter(group=group, kind="file").values_list("pk", flat=True):
        urls.append(reverse("enquiry:log_file", kwargs={"pk": group.pk, "log_pk": pk}))
    for pk in WriteUp.objects.filter(group=group).values_list("pk", flat=True):
        urls.append(reverse("enquiry:write_up", kwargs={"pk": pk}))
    urls += [cycle.get_absolute_url() for cycle in Cycle.objects.filter(group=group)]
    urls += [f"/admin/enquiry/{model}/" for model in ("cycle", "casepupil", "prediction")]
    return urls


def _seen_by(user: User, urls: list[str]) -> str:
    client = Client()
    client.force_login(user)
    pages = [client.get(url) for url in urls]
    assert all(p.status_code < 500 for p in pages)
    text = "\n".join(
        (b"".join(p.streaming_content) if p.streaming else p.content).decode(errors="replace")
        for p in pages
    )
    return text + json.dumps(personal_data(user), default=str)


def _published_words(group: Group) -> set[str]:
    write_up = WriteUp.objects.filter(group=group, status="published").first()
    if write_up is None:
        return set()
    return {write_up.question, write_up.tried, write_up.happened}


@settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure prints its actions
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS)
def test_nobody_outside_the_group_reads_a_word_of_it(world, actions):
    secret = "Zq8 confidential"
    with transaction.atomic():
        group = services.group_create(
            by=world.owner, question="An open question, shown to those who may join",
            kind="lesson_study", areas=[ExpertiseArea.objects.order_by("pk").first()],
        )  # fmt: skip
        services.group_join(group=group, by=world.member)
        _play(world, group, actions, secret)
        urls = _urls(world, group)
        public = _published_words(group)
        for who, user in world.onlookers.items():
            seen = _seen_by(user, urls)
            for line in public:
                assert line in seen or who == "admin"  # the library is everyone's
            for word in public:
                seen = seen.replace(word, "")
            assert secret not in seen, f"the {who} can read the group's words"
        for pk in LogEntry.objects.filter(group=group).values_list("pk", flat=True)[:1]:
            client = Client()
            client.force_login(world.onlookers["coordinator"])
            url = reverse("enquiry:log_file", kwargs={"pk": group.pk, "log_pk": pk})
            assert client.get(url).status_code == 404
        written = (
            LogEntry.objects.filter(group=group).exists()
            or ReadingItem.objects.filter(group=group).exists()
            or Cycle.objects.filter(group=group).exists()
        )
        if written:
            assert secret in _seen_by(world.owner, urls), "a member cannot read their own group"
        transaction.set_rollback(True)


def test_group_pages_files_and_drafts_are_404_to_everyone_outside(client, world):
    group = services.group_create(
        by=world.owner, question="Private question", kind="enquiry",
        areas=[ExpertiseArea.objects.order_by("pk").first()],
    )  # fmt: skip
    entry = services.log_add(group=group, by=world.owner, kind="file", upload=text_file())
    writeups.write_up_save(group=group, by=world.owner, question="Q", tried="T", happened="H")
    urls = [
        group.get_absolute_url(),
        reverse("enquiry:log_file", kwargs={"pk": group.pk, "log_pk": entry.pk}),
        reverse("enquiry:write_up_edit", kwargs={"pk": group.pk}),
        reverse(
            "enquiry:write_up", kwargs={"pk": group.write_up.pk}
        ),  # a draft: not in the library
    ]
    for who, user in world.onlookers.items():
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (who, url)
    client.force_login(world.owner)
    download = client.get(urls[1])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith('attachment; filename="plan.txt"')
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == b"Our plan for the research lesson."


def test_the_admin_shows_counts_only(client, world):
    group = services.group_create(
        by=world.owner, question="Admin must not show this question", kind="enquiry",
        areas=[ExpertiseArea.objects.order_by("pk").first()],
    )  # fmt: skip
    services.log_add(group=group, by=world.owner, kind="note", text="Admin must not show this")
    client.force_login(world.onlookers["admin"])
    page = client.get("/admin/enquiry/group/").content.decode()
    assert "Admin must not show this" not in page
    assert ">1<" in page  # one member, one log entry: counted
    change = client.get(f"/admin/enquiry/group/{group.pk}/change/")
    assert change.status_code == 200
    assert "Admin must not show" not in change.content.decode()
    for model in ("logentry", "readingitem", "writeup", "membership", "invitation", "agreement"):
        assert client.get(f"/admin/enquiry/{model}/").status_code == 404


def test_leaders_see_counts_and_fewer_than_5_never_words(client, world, personas):
    for n in range(2):
        group = services.group_create(
            by=world.owner, question=f"Leaders must not see question {n}", kind="enquiry",
            areas=[ExpertiseArea.objects.order_by("pk").first()],
        )  # fmt: skip
        services.group_join(group=group, by=world.member)
    client.force_login(personas.leader)
    page = client.get(f"/schools/{world.school_urn}/enquiries/").content.decode()
    assert "Leaders must not see" not in page
    assert "fewer than 5" in page  # one member of staff in groups
    assert client.get(f"/schools/{personas.other_school.urn}/enquiries/").status_code == 403
    assert client.get("/coordinator/enquiries/").status_code == 403
    client.force_login(personas.coordinator)
    page = client.get("/coordinator/enquiries/").content.decode()
    assert "Leaders must not see" not in page
    assert "<dd>2</dd>" in page  # two groups
