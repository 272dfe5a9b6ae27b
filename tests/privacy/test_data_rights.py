"""
UK GDPR rights: nothing about a person is left out of their download, the
retention job, and the privacy notice. The forms are in test_forms_webtest.py.
"""

import datetime
import json

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from coordination.models import NeedReply
from experts.models import ExpertiseArea
from hubs.models import ImportJob, User
from hubs.services import user_deactivate
from portfolios.models import Need
from privacy.collect import NOT_ABOUT_YOU, READ_BY_SECTIONS, keys_to_people, personal_data
from privacy.services import retention_apply
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

THEIR_WORDS = "Private words from the colleague who asked"
MY_WORDS = "Could you help me with retrieval practice?"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


# Models that point at a person but hold nothing about them worth a download (or hold it for
# someone else): each says why. Every other model pointing at a person must be in the export.
NOT_EXPORTED = {
    "auth.Group": "a role, shown as the person's groups",
    "account.EmailConfirmation": "a one-time secret",
    "socialaccount.SocialToken": "a secret",
    "privacy.DataExport": "the download itself",
    "hubs.Community": "the community's own name",
    "cpd_sessions.SessionDate": "a session's meetings: the session is exported, its timetable "
    "is the community's",
    "quality.SurveyResponse": "a staff survey's anonymous answers: nothing in them points at "
    "a person, so nobody's can be found (the export says which surveys they were sent)",
    "quality.SurveyAnswer": "one rating of an anonymous survey response (see above)",
    "schoolyear.MeetingSeries": "a team's timetable: the team and the meetings I came to are "
    "exported",
    "schoolyear.TeamMeeting": "a team's meeting: the meetings I came to are exported",
    "schoolyear.YearPlan": "the school's plan; who published it is read by 'other records'",
    "schoolyear.PlanDate": "the school's dates",
    "schoolyear.CommunityDate": "the community's proposed date; who proposed it is read by "
    "'other records'",
    "coordination.Commission": "the coordinator's note on a session she commissioned: the "
    "session and the needs it answers are exported",
    "training.Requirement": "training a school or the community requires (linked to sessions): "
    "the person's completions of it are exported",
}
EXPORTED = {
    "schoolyear.Team", "schoolyear.TeamMembership", "schoolyear.MeetingAttendance",
    "schoolyear.TryNext",
    "hubs.User", "account.EmailAddress", "mfa.Authenticator", "socialaccount.SocialAccount",
    "hubs.Invitation", "hubs.School", "hubs.Hub", "hubs.SubjectNetwork",
    "hubs.LoneRangerInvitation", "hubs.UserResponsibility", "hubs.ImportJob",
    "ratelimit.ThrottledRequest",
    "experts.ExpertProfile", "experts.ProfileArea", "experts.ContactRequest",
    "cpd_sessions.DevelopmentSession", "cpd_sessions.Booking", "cpd_sessions.ReleaseRequest",
    "cpd_sessions.Attendance", "cpd_sessions.Apology", "cpd_sessions.Feedback",
    "cpd_sessions.CpdBudget", "cpd_sessions.BudgetEntry", "cpd_sessions.CalendarFeed",
    "cpd_sessions.SessionMessage",
    "portfolios.Goal", "portfolios.GoalReview", "portfolios.Entry", "portfolios.EntryAttachment",
    "portfolios.ImpactFollowUp", "portfolios.Need", "portfolios.Statement",
    "notifications.Delivery", "notifications.Preference", "coordination.NeedReply",
    "coaching.Step", "coaching.Relationship", "coaching.Membership", "coaching.Observation",
    "coaching.Meeting", "coaching.ActionStep", "coaching.StepEvent", "coaching.Share",
    "coaching.Visit",
    "enquiry.Group", "enquiry.Membership", "enquiry.Invitation", "enquiry.ReadingItem",
    "enquiry.LogEntry", "enquiry.WriteUp", "enquiry.Agreement", "enquiry.PeerVisit",
    "enquiry.Cycle", "enquiry.CasePupil", "enquiry.Prediction", "enquiry.Observation",
    "enquiry.InterviewNote", "enquiry.ObserverRelease",
    "courses.Course", "courses.Review", "courses.CourseRequest",
    "quality.Review", "quality.Rating", "quality.Survey", "quality.SurveyInvite",
    "quality.PeerReview", "quality.Finding", "quality.Action",
    "training.Completion",
}  # fmt: skip


def test_every_model_about_a_person_is_in_the_export_or_says_why_not():
    """A new model pointing at a person (directly, or through a booking, entry, goal or
    profile) must be added to privacy/collect.py or to NOT_EXPORTED with its reason."""
    about_people = {"hubs.User"}
    grew = True
    while grew:  # models pointing at a person, or at a row that does
        grew = False
        for model in apps.get_models():
            label = model._meta.label
            if label in about_people:
                continue
            targets = {
                f.related_model._meta.label
                for f in model._meta.get_fields()
                if f.is_relation and f.related_model is not None and f.concrete
            }
            if targets & (about_people - {"hubs.School", "hubs.Hub", "hubs.SubjectNetwork"}):
                about_people.add(label)
                grew = True
    missing = (
        about_people
        - EXPORTED
        - set(NOT_EXPORTED)
        - {
            "admin.LogEntry",  # the admin's own audit trail
            "auth.Permission",
            "sessions.Session",
        }
    )
    assert missing == set()


def test_retention_dry_run_lists_and_changes_nothing_then_deletes(personas, capsys):
    now = timezone.now()
    long_ago = now - datetime.timedelta(days=400)
    left = UserFactory(is_active=False, deactivated_at=long_ago)
    left_recently = UserFactory(is_active=False, deactivated_at=now - datetime.timedelta(days=30))
    dormant = UserFactory(last_login=now - datetime.timedelta(days=365 * 3 + 40))
    User.objects.filter(pk=dormant.pk).update(date_joined=now - datetime.timedelta(days=2000))
    active = UserFactory(last_login=now - datetime.timedelta(days=10))
    coordinator = personas.coordinator
    User.objects.filter(pk=coordinator.pk).update(
        last_login=long_ago - datetime.timedelta(days=2000)
    )

    call_command("apply_retention", "--dry-run")
    out = capsys.readouterr().out
    assert "Would delete 1 account(s) removed by their school" in out
    assert left.email in out
    assert dormant.email in out
    assert User.objects.filter(pk__in=[left.pk, dormant.pk]).count() == 2

    found = retention_apply(dry_run=False)
    assert [pk for pk, _ in found["removed"]] == [left.pk]
    assert [pk for pk, _ in found["inactive"]] == [dormant.pk]
    remaining = set(User.objects.values_list("pk", flat=True))
    assert {left.pk, dormant.pk}.isdisjoint(remaining)
    assert {left_recently.pk, active.pk, coordinator.pk} <= remaining


def test_retention_rules_switch_off_at_zero(settings):
    settings.CPDHUB_RETENTION_REMOVED_MONTHS = 0
    settings.CPDHUB_RETENTION_INACTIVE_MONTHS = 0
    UserFactory(is_active=False, deactivated_at=timezone.now() - datetime.timedelta(days=4000))
    assert retention_apply(dry_run=False) == {"removed": [], "inactive": []}


def test_deactivation_starts_the_retention_clock(personas):
    user_deactivate(user=personas.owner, by=personas.coordinator)
    personas.owner.refresh_from_db()
    assert personas.owner.deactivated_at is not None


def test_privacy_notice_is_public_and_linked_from_every_footer_and_sign_up(client, personas):
    notice = client.get("/privacy/")
    assert notice.status_code == 200
    text = notice.content.decode()
    for words in ("What we keep, why, and who sees it", "For how long", "Your rights"):
        assert words in text
    assert "12 months later" in text
    assert "36 months is deleted" in text
    assert 'href="/privacy/"' in client.get("/accounts/signup/").content.decode()
    client.force_login(personas.owner)
    assert 'href="/privacy/"' in client.get("/").content.decode()
    account = client.get("/me/").content.decode()
    assert 'href="/me/data/"' in account
    assert 'href="/me/delete/"' in account


def test_every_foreign_key_to_a_person_is_exported_whatever_its_related_name():
    """Found from every model's fields (``related_name="+"`` included): each is read by a
    section of the download, by its "other records", or said not to be about the person."""
    found = {f"{model._meta.label}.{field.name}" for model, field in keys_to_people()}
    assert "coordination.NeedReply.author" in found  # related_name="+"
    assert "cpd_sessions.ReleaseRequest.decided_by" in found
    assert found >= READ_BY_SECTIONS  # no stale name hides a key
    assert set(NOT_ABOUT_YOU) <= found
    # The rest are read generically, by "other records" (foreign keys, not many-to-many ones):
    # nothing is left to a list kept by hand.
    rest = found - READ_BY_SECTIONS - set(NOT_ABOUT_YOU)
    assert "coordination.NeedReply.author" in rest
    unread = {
        key
        for key in rest
        if not apps.get_model(key.rsplit(".", 1)[0])._meta.get_field(key.rsplit(".", 1)[1]).concrete
    }
    assert unread == set()


def test_the_download_has_replies_decisions_and_imports_that_name_me(personas):
    owner, coordinator, leader = personas.owner, personas.coordinator, personas.leader
    area = ExpertiseArea.objects.order_by("pk").first()
    need = Need.objects.create(owner=owner, area=area, description="Phonics for Year 1")
    NeedReply.objects.create(need=need, author=coordinator, body="Tom at Thornbury can help.")
    other_need = Need.objects.create(owner=personas.colleague, area=area, description="Maths")
    NeedReply.objects.create(need=other_need, author=coordinator, body="Ask the maths hub.")
    ImportJob.objects.create(
        created_by=leader, kind=ImportJob.Kind.STAFF, school=personas.school, file_token="a" * 64,
        result={"rows": [
            {"line": 2, "email": owner.email, "name": "Sam Whitfield"},
            {"line": 3, "email": "amelia@example.test", "name": "Amelia Hughes"},
        ]},
    )  # fmt: skip

    mine = json.loads(json.dumps(personal_data(owner)))
    replies = mine["portfolio"]["about_your_needs:coordination.needreply"]
    assert [r["body"] for r in replies] == ["Tom at Thornbury can help."]
    (listed,) = mine["community"]["imports_that_listed_you"]
    assert listed["rows_naming_you"] == [{"line": 2, "email": owner.email, "name": "Sam Whitfield"}]
    assert "Amelia" not in json.dumps(mine)
    # The coordinator's own replies are in the coordinator's download.
    theirs = personal_data(coordinator)["other_records"]["coordination.needreply.author"]
    assert {r["body"] for r in theirs} == {"Tom at Thornbury can help.", "Ask the maths hub."}
