"""Groups: starting, joining, inviting (through the ledger), leaving and erasure keeping what a
member wrote as "a former member", and every write refused to those it is not for."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enquiry import selectors, services
from enquiry.models import FORMER_MEMBER, Group, Invitation, LogEntry, Membership, ReadingItem
from hubs.services import user_delete
from tests.factories import UserFactory

from .factories import SECRET_LOG, area, group, text_file, work

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_anyone_starts_a_group_and_is_its_owner_and_first_member(personas):
    made = group(personas.owner)
    assert made.owner == personas.owner
    assert [m.user for m in made.memberships.all()] == [personas.owner]
    assert list(made.areas.all()) == [area()]
    with pytest.raises(ValidationError):
        services.group_create(by=personas.owner, question="Q?", kind="enquiry", areas=[])


def test_an_open_group_is_joined_a_closed_one_is_not(personas):
    made = group(personas.owner, personas.outsider)
    assert selectors.group_for(personas.outsider, made.pk) == made
    services.group_update(group=made, by=personas.owner, status="closed", planned_end=None)
    with pytest.raises(PermissionDenied):
        services.group_join(group=made, by=personas.colleague)
    assert not Membership.objects.filter(user=personas.colleague).exists()


def test_an_invitation_is_emailed_once_and_its_answer_goes_back(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    made = group(personas.owner, status="closed")
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            group=made, by=personas.owner, email=personas.outsider.email.upper()
        )
    (mail,) = mailoutbox
    assert mail.to == [personas.outsider.email]
    assert made.question in mail.body
    assert made.question in mail.alternatives[0][0]
    assert mail.reply_to == [personas.owner.email]
    with pytest.raises(ValidationError):  # once only
        services.invitation_create(group=made, by=personas.owner, email=personas.outsider.email)
    with pytest.raises(PermissionDenied):  # only the invitee answers
        services.invitation_answer(invitation=invitation, by=personas.colleague, accept=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_answer(invitation=invitation, by=personas.outsider, accept=True)
    assert mailoutbox[-1].to == [personas.owner.email]
    assert "accepted" in mailoutbox[-1].body
    assert selectors.group_for(personas.outsider, made.pk) == made
    with pytest.raises(PermissionDenied):  # once
        services.invitation_answer(invitation=invitation, by=personas.outsider, accept=False)


def test_an_unknown_address_is_a_message_and_outsiders_cannot_invite(personas):
    made = group(personas.owner)
    with pytest.raises(ValidationError) as error:
        services.invitation_create(group=made, by=personas.owner, email="nobody@nowhere.test")
    assert "Nobody in the community" in str(error.value)
    with pytest.raises(PermissionDenied):
        services.invitation_create(group=made, by=personas.colleague, email=personas.leader.email)
    assert not Invitation.objects.exists()


def test_a_declined_invitation_adds_nobody(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    made = group(personas.owner)
    invitation = services.invitation_create(
        group=made, by=personas.owner, email=personas.outsider.email
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_answer(invitation=invitation, by=personas.outsider, accept=False)
    assert "declined" in mailoutbox[-1].body
    with pytest.raises(Group.DoesNotExist):
        selectors.group_for(personas.outsider, made.pk)


def test_a_rolled_back_invitation_sends_nothing(personas, mailoutbox):
    from django.db import transaction  # noqa: PLC0415 -- this test only

    made = group(personas.owner)
    with transaction.atomic():
        services.invitation_create(group=made, by=personas.owner, email=personas.outsider.email)
        transaction.set_rollback(True)
    assert not mailoutbox


def test_outsiders_add_nothing_to_a_group(personas):
    made = group(personas.owner)
    for person in (personas.colleague, personas.leader, personas.coordinator):
        with pytest.raises(PermissionDenied):
            services.log_add(group=made, by=person, kind="note", text="x")
        with pytest.raises(PermissionDenied):
            services.reading_add(group=made, by=person, title="x")
    assert not LogEntry.objects.exists()
    assert not ReadingItem.objects.exists()


def test_a_file_is_checked_like_portfolio_evidence(personas):
    made = group(personas.owner)
    with pytest.raises(ValidationError) as error:
        services.log_add(
            group=made, by=personas.owner, kind="file", upload=text_file("run.exe", b"MZ")
        )
    assert "not a type of file we keep" in str(error.value)
    with pytest.raises(ValidationError):
        services.log_add(
            group=made, by=personas.owner, kind="file", upload=text_file("fake.pdf", b"hello")
        )
    with pytest.raises(ValidationError):
        services.log_add(group=made, by=personas.owner, kind="note", text="  ")
    assert not LogEntry.objects.exists()


def test_leaving_keeps_what_they_wrote_as_a_former_member_unless_they_delete_it(personas):
    made = group(personas.owner, personas.outsider, personas.other_leader)
    work(made, personas.outsider)
    work(made, personas.other_leader, secret="Ruth's words")
    services.group_leave(group=made, by=personas.outsider)
    page = selectors.group_page(selectors.group_for(personas.owner, made.pk), lambda q: _all(q))
    kept = [e for e in page.log.object_list if e.text == SECRET_LOG]
    assert kept
    assert {e.by for e in kept} == {FORMER_MEMBER}
    assert {i.by for i in page.reading} == {FORMER_MEMBER, personas.other_leader.full_name}
    with pytest.raises(Group.DoesNotExist):
        selectors.group_for(personas.outsider, made.pk)
    services.group_leave(group=made, by=personas.other_leader, delete_mine=True)
    assert not LogEntry.objects.filter(author=personas.other_leader).exists()
    assert not ReadingItem.objects.filter(added_by=personas.other_leader).exists()
    assert LogEntry.objects.filter(author=personas.outsider).count() == 2
    # The owner leaves: ownership passes on; the group is refound by nobody who left.
    services.group_join(group=made, by=personas.outsider)
    services.group_leave(group=made, by=personas.owner)
    assert Group.objects.get(pk=made.pk).owner == personas.outsider


def _all(queryset):
    from django.core.paginator import Paginator  # noqa: PLC0415 -- this helper only

    return Paginator(queryset, 100).get_page(1)


def test_erasure_keeps_their_words_as_a_former_member_without_their_name(personas):
    made = group(personas.owner, personas.outsider)
    services.log_add(
        group=made, by=personas.outsider, kind="note",
        text=f"Tried it with {personas.outsider.full_name}'s class ({personas.outsider.email}).",
    )  # fmt: skip
    services.log_add(
        group=made, by=personas.owner, kind="note",
        text=f"Thanks to {personas.outsider.full_name} for the plan.",
    )  # fmt: skip
    user_delete(user=personas.outsider, by=personas.coordinator)
    page = selectors.group_page(selectors.group_for(personas.owner, made.pk), _all)
    texts = {e.text: e.by for e in page.log.object_list}
    assert texts == {
        "Tried it with (an erased account)'s class ((an erased account)).": FORMER_MEMBER,
        "Thanks to (an erased account) for the plan.": personas.owner.full_name,
    }
    assert Membership.objects.filter(group=made, user__isnull=True).count() == 1


def test_erasing_the_owner_passes_the_group_on(personas):
    made = group(personas.owner, personas.outsider)
    user_delete(user=personas.owner, by=personas.coordinator)
    assert Group.objects.get(pk=made.pk).owner == personas.outsider


def test_the_coordinator_starts_a_group_from_a_gap_inviting_not_adding(
    personas, mailoutbox, django_capture_on_commit_callbacks
):
    people = [personas.owner, personas.outsider, UserFactory(is_active=False)]
    with django_capture_on_commit_callbacks(execute=True):
        made = services.group_start_for_need(
            by=personas.coordinator, area=area(), question="How do we ask better questions?",
            kind="enquiry", people=people,
        )  # fmt: skip
    assert made.owner is None
    assert not made.memberships.exists()
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [personas.owner.email, personas.outsider.email]
    )
    assert "community team" in mailoutbox[0].body or personas.coordinator.full_name in (
        mailoutbox[0].body
    )
    invitation = Invitation.objects.get(user=personas.outsider)
    services.invitation_answer(invitation=invitation, by=personas.outsider, accept=True)
    assert Group.objects.get(pk=made.pk).owner == personas.outsider
    with pytest.raises(Group.DoesNotExist):
        selectors.group_for(personas.coordinator, made.pk)
    with pytest.raises(PermissionDenied):
        services.group_start_for_need(
            by=personas.leader, area=area(), question="Q?", kind="enquiry", people=people
        )
