"""A school's review: self-review, the staff survey (sent once, answered once, shown from 5),
peer review with its visit through the release approval, actions carried into next year."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from cpd_sessions.models import DevelopmentSession
from cpdhub.academic_year import current_academic_year
from hubs.models import User
from notifications.models import Delivery
from quality import peer, selectors, services, survey
from quality.models import (
    Action,
    Framework,
    Part,
    PeerReview,
    Review,
    SurveyInvite,
    SurveyResponse,
)
from quality.reference import SOURCE_URL
from tests.factories import SchoolFactory, UserFactory

from .factories import SECRET_COMMENT, answer, open_survey, rate_all, review_of, staff

pytestmark = pytest.mark.django_db


def test_the_default_framework_is_the_dfe_standard_in_five_parts():
    framework = Framework.objects.get(is_default=True)
    assert "Standard for teachers' professional development" in framework.name
    assert framework.source_url == SOURCE_URL
    assert "Open Government Licence v3.0" in framework.source
    parts = list(framework.parts.all())
    assert [p.number for p in parts] == [1, 2, 3, 4, 5]
    assert all(3 <= p.criteria.count() <= 4 for p in parts)
    assert [lv.name for lv in framework.levels.all()] == [
        "Not yet", "Developing", "Embedded", "Leading",
    ]  # fmt: skip


def test_one_review_a_year_and_only_by_the_schools_leaders(personas):
    review = review_of(personas)
    assert review_of(personas) == review
    assert review.ratings.count() == sum(
        p.criteria.count() for p in Part.objects.filter(framework=review.framework)
    )
    with pytest.raises(PermissionDenied):
        services.review_start(school=personas.school, year=2020, by=personas.other_leader)
    with pytest.raises(PermissionDenied):
        services.review_start(school=personas.school, year=2020, by=personas.coordinator)
    assert Review.objects.count() == 1


def test_self_review_needs_every_criterion_rated(personas):
    review = review_of(personas)
    with pytest.raises(ValidationError):
        services.self_review_done(review=review, by=personas.leader)
    rate_all(review, personas.leader, rank=3)
    services.self_review_done(review=review, by=personas.leader)
    rows = selectors.part_rows(review)
    assert {r.level for r in rows} == {"Embedded"}
    assert selectors.stage(Review.objects.get()) == "Self-review done"


def test_survey_sends_one_email_each_once_and_stores_only_hashes(
    personas, django_capture_on_commit_callbacks
):
    team = staff(personas.school, 4)
    review = review_of(personas)
    with django_capture_on_commit_callbacks(execute=True):
        found = open_survey(review, personas.leader)
    school_staff = {personas.owner, personas.colleague, personas.leader, *team}
    assert {m.to[0] for m in mail.outbox} == {u.email for u in school_staff}
    assert len(mail.outbox) == len(school_staff)
    message = mail.outbox[0]
    html = message.alternatives[0][0]
    link = survey.token_for(found.pk, SurveyInvite.objects.get(user__email=message.to[0]).user_id)
    assert link in message.body
    assert link in html
    assert "anonymous" in message.body
    assert "anonymous" in html
    # No raw token stored; the invite holds its hash.
    assert not SurveyInvite.objects.filter(token_hash=link).exists()
    # Opening again, or the batch running again, sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        open_survey(review, personas.leader)
        survey.enqueue_sending(found)
    assert len(mail.outbox) == len(school_staff)
    assert Delivery.objects.filter(kind="quality_survey").count() == len(school_staff)


def test_a_survey_needs_five_staff(personas):
    review = review_of(personas)
    with pytest.raises(ValidationError):
        open_survey(review, personas.leader)  # three staff only


def test_answers_once_hidden_at_four_shown_at_five(personas):
    team = staff(personas.school, 4)
    review = review_of(personas)
    found = open_survey(review, personas.leader)
    parts = list(review.framework.parts.all())
    levels = list(review.framework.levels.all())
    for person in team:
        answer(found, person, score=2)
    with pytest.raises(ValidationError):
        answer(found, team[0])  # a second answer by the same link
    hidden = survey.results(found, parts, levels)
    assert (hidden.answered, hidden.shown, hidden.parts) == (4, False, [])
    answer(found, personas.owner, score=4)
    shown = survey.results(found, parts, levels)
    assert shown.shown
    assert shown.answered == 5
    assert {r.average for r in shown.parts} == {2.4}
    assert {r.level for r in shown.parts} == {"Developing"}
    assert not shown.roles_shown  # five teachers: one group only


def test_role_breakdown_only_when_every_group_is_five(personas):
    teachers = staff(personas.school, 5)
    support = staff(personas.school, 4, role="ta")
    review = review_of(personas)
    found = open_survey(review, personas.leader)
    parts, levels = list(review.framework.parts.all()), list(review.framework.levels.all())
    for person in teachers + support:
        answer(found, person)
    assert not survey.results(found, parts, levels).roles_shown
    extra = staff(personas.school, 1, role="hlta")[0]
    SurveyInvite.objects.create(
        survey=found,
        user=extra,
        token_hash=survey.token_hash(survey.token_for(found.pk, extra.pk)),
    )
    answer(found, extra)
    shown = survey.results(found, parts, levels)
    assert shown.roles_shown
    assert set(shown.parts[0].by_role) == {"Teachers", "Support staff (TAs, HLTAs and others)"}


def test_closed_survey_takes_no_answers(personas):
    staff(personas.school, 3)
    review = review_of(personas)
    found = open_survey(review, personas.leader)
    survey.survey_close(survey=found, by=personas.leader)
    with pytest.raises(ValidationError):
        answer(found, personas.owner)
    assert SurveyResponse.objects.count() == 0


def test_peer_review_visit_findings_and_acceptance(personas, django_capture_on_commit_callbacks):
    review = review_of(personas)
    assert peer.reviewer_choices(personas.school) == [personas.other_leader]
    with pytest.raises(ValidationError):
        peer.reviewer_invite(review=review, by=personas.leader, reviewer=personas.outsider)
    with django_capture_on_commit_callbacks(execute=True):
        made = peer.reviewer_invite(
            review=review, by=personas.coordinator, reviewer=personas.other_leader
        )
    (sent,) = mail.outbox
    assert sent.to == [personas.other_leader.email]
    assert personas.school.name in sent.body
    assert personas.school.name in sent.alternatives[0][0]
    day = timezone.localdate() + datetime.timedelta(days=14)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    with pytest.raises(PermissionDenied):
        peer.visit_plan(
            peer=made, by=personas.leader, date=day,
            start_time=datetime.time(9), end_time=datetime.time(12),
        )  # fmt: skip
    session = peer.visit_plan(
        peer=made, by=personas.other_leader, date=day,
        start_time=datetime.time(9), end_time=datetime.time(12),
    )  # fmt: skip
    assert session.scope == DevelopmentSession.Scope.PRIVATE
    assert session.venue_school == personas.school
    parts = list(review.framework.parts.all())
    with pytest.raises(ValidationError):
        peer.findings_save(
            peer=made, by=personas.other_leader, findings={parts[0].pk: {"text": "x"}}, submit=True
        )
    made.refresh_from_db()
    with pytest.raises(ValidationError):
        peer.report_accept(peer=made, by=personas.leader)
    peer.findings_save(
        peer=made,
        by=personas.other_leader,
        findings={p.pk: {"level": None, "text": f"Finding {p.number}"} for p in parts},
        submit=True,
    )
    made.refresh_from_db()
    with pytest.raises(PermissionDenied):
        peer.report_accept(peer=made, by=personas.other_leader)
    peer.report_accept(peer=made, by=personas.leader)
    assert selectors.stage(selectors.review_for(personas.school, review.year)) == (
        "Peer review report accepted"
    )


def test_actions_not_done_are_carried_into_next_year(personas):
    last = review_of(personas, year=2024)
    part = last.framework.parts.first()
    services.action_add(review=last, by=personas.leader, part=part, text="Open action")
    done = services.action_add(review=last, by=personas.leader, part=part, text="Done action")
    services.action_done(action=done, by=personas.leader, done=True)
    with pytest.raises(ValidationError):
        services.action_add(
            review=last, by=personas.leader, part=part, text="x", owner=personas.outsider
        )
    this = review_of(personas, year=2025)
    assert [a.text for a in this.actions.all()] == ["Open action"]
    assert Action.objects.get(review=this).carried_from.review == last
    _parts, years = selectors.years_of(personas.school)
    assert [y.review.year for y in years] == [2025, 2024]


def test_share_opens_the_report_to_the_coordinator_only(personas):
    from quality import permissions  # noqa: PLC0415 -- only here

    review = review_of(personas)
    assert not permissions.can_read(personas.coordinator, review)
    services.review_share(review=review, by=personas.leader, shared=True)
    review.refresh_from_db()
    assert permissions.can_read(personas.coordinator, review)
    assert not permissions.can_read(personas.other_leader, review)
    with pytest.raises(PermissionDenied):
        services.review_share(review=review, by=personas.coordinator, shared=False)


def test_the_coordinator_invites_with_the_same_refusals(personas):
    review = review_of(personas)
    # No reviewer from the school itself, whoever invites.
    for who in (personas.leader, personas.colleague):
        with pytest.raises(ValidationError):
            peer.reviewer_invite(review=review, by=personas.coordinator, reviewer=who)
    # A leader of another school who also leads this one is of the school too.
    personas.school.cpd_leaders.add(personas.other_leader)
    with pytest.raises(ValidationError):
        peer.reviewer_invite(review=review, by=personas.coordinator, reviewer=personas.other_leader)
    personas.school.cpd_leaders.remove(personas.other_leader)
    personas.other_leader = User.objects.get(pk=personas.other_leader.pk)  # leads one again
    # Nobody else invites: a teacher, another school's leader.
    for who in (personas.owner, personas.other_leader, personas.outsider):
        with pytest.raises(PermissionDenied):
            peer.reviewer_invite(review=review, by=who, reviewer=personas.other_leader)
    assert not PeerReview.objects.exists()
    made = peer.reviewer_invite(
        review=review, by=personas.coordinator, reviewer=personas.other_leader
    )
    assert made.invited_by == personas.coordinator
    # Once the reviewer has submitted the report, the reviewer no longer changes.
    parts = list(review.framework.parts.all())
    peer.findings_save(
        peer=made,
        by=personas.other_leader,
        findings={p.pk: {"level": None, "text": "Seen"} for p in parts},
        submit=True,
    )
    third = UserFactory(school=SchoolFactory(name="Third School"))
    third.school.cpd_leaders.add(third)
    for who in (personas.coordinator, personas.leader):
        with pytest.raises(ValidationError, match="under way"):
            peer.reviewer_invite(review=review, by=who, reviewer=third)
    assert PeerReview.objects.get().reviewer == personas.other_leader


def test_no_reviewer_is_invited_to_last_years_review(personas):
    last = review_of(personas, year=current_academic_year() - 1)
    with pytest.raises(ValidationError, match="under way"):
        peer.reviewer_invite(review=last, by=personas.coordinator, reviewer=personas.other_leader)
    assert not PeerReview.objects.exists()


def test_the_invite_page_is_the_leaders_and_the_coordinators_only(client, personas):
    review = review_of(personas)
    rate_all(review, personas.leader)
    url = reverse(
        "quality:reviewer_invite", kwargs={"urn": personas.school.urn, "year": review.year}
    )
    data = {"reviewer": personas.other_leader.pk}
    for who in (personas.owner, personas.colleague, personas.outsider, personas.other_leader):
        client.force_login(who)
        assert client.get(url).status_code == 404
        assert client.post(url, data).status_code == 404
    assert not PeerReview.objects.exists()
    client.force_login(personas.coordinator)
    page = client.get(url)
    assert page.status_code == 200
    assert SECRET_COMMENT not in page.content.decode()
    # The invited reviewer reads the review, and still does not invite.
    assert client.post(url, data).status_code == 302
    client.force_login(personas.other_leader)
    assert client.get(url).status_code == 403
    assert client.post(url, {"reviewer": personas.other_leader.pk}).status_code == 403
    # The community's page links each school under way to it.
    client.force_login(personas.coordinator)
    community = client.get(reverse("quality:community")).content.decode()
    assert f'href="{url}"' in community
    assert SECRET_COMMENT not in community
