"""Every quality review form, as a browser renders and submits it (tests/webtest.py)."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cpd_sessions.models import DevelopmentSession
from quality import survey
from quality.models import Action, Finding, PeerReview, Rating, Review, SurveyResponse
from tests.webtest import form_for, messages_on, text_of

from .factories import SECRET_COMMENT, rate_all, review_of, staff

pytestmark = pytest.mark.django_db


def _kw(review: Review) -> dict:
    return {"urn": review.school.urn, "year": review.year}


def test_leader_starts_rates_and_finishes_the_self_review(app, personas):
    page = app.sign_in(personas.leader).get(f"/schools/{personas.school.urn}/review/")
    done = form_for(page, "").submit().follow()
    assert "review has started" in messages_on(done)
    review = Review.objects.get()
    page = app.get(reverse("quality:part", kwargs={**_kw(review), "number": 1}))
    form = form_for(page, "")
    embedded = str(review.framework.levels.get(rank=3).pk)
    for rating in review.ratings.filter(criterion__part__number=1):
        form[f"level_{rating.criterion_id}"] = embedded
        form[f"comment_{rating.criterion_id}"] = "Sessions start from pupils' needs"
    done = form.submit().follow()
    assert "Part 1 is saved" in messages_on(done)
    assert Rating.objects.filter(review=review, level__rank=3).count() == 4
    # Too long a comment: told on the form, nothing saved.
    form = form_for(app.get(reverse("quality:part", kwargs={**_kw(review), "number": 2})), "")
    first = review.ratings.filter(criterion__part__number=2).first()
    form[f"comment_{first.criterion_id}"] = "x" * 3_001
    refused = form.submit(status=400)
    assert "3,000 characters or fewer" in text_of(refused)
    rate_all(review, personas.leader)
    page = app.get(review.get_absolute_url())
    done = form_for(page, "quality:self_review_done", **_kw(review)).submit().follow()
    assert "marked done" in messages_on(done)


def test_leader_opens_the_survey_and_staff_answer_by_their_link(app, personas):
    staff(personas.school, 3)
    review = review_of(personas)
    page = app.sign_in(personas.leader).get(review.get_absolute_url())
    done = form_for(page, "quality:survey_open", **_kw(review)).submit().follow()
    assert "survey is open" in messages_on(done)
    found = review.survey
    app.reset()
    page = app.get(f"/survey/{survey.token_for(found.pk, personas.owner.pk)}/")
    form = form_for(page, "")
    refused = form.submit(status=400)
    assert "Choose an answer" in text_of(refused)
    form = form_for(refused, "")
    for part in review.framework.parts.all():
        form[f"part_{part.pk}"] = "3"
    thanks = form.submit()
    assert "Thank you" in text_of(thanks)
    assert SurveyResponse.objects.count() == 1
    page = app.sign_in(personas.leader).get(review.get_absolute_url())
    done = form_for(page, "quality:survey_close", **_kw(review)).submit().follow()
    assert "closed" in messages_on(done)


def test_peer_review_invite_visit_findings_accept(app, personas):
    review = review_of(personas)
    page = app.sign_in(personas.leader).get(review.get_absolute_url())
    form = form_for(page, "quality:reviewer_invite", **_kw(review))
    form["reviewer"] = str(personas.other_leader.pk)
    done = form.submit().follow()
    assert "peer reviewer is invited" in messages_on(done)
    peer = PeerReview.objects.get()
    page = app.sign_in(personas.other_leader).get(review.get_absolute_url())
    form = form_for(page, "quality:visit_plan", **_kw(review))
    day = timezone.localdate() + datetime.timedelta(days=10)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    form["date"] = day.isoformat()
    form["start_time"] = "09:00"
    form["end_time"] = "08:00"
    refused = form.submit(status=400)
    assert "end after it starts" in text_of(refused)
    form = form_for(refused, "quality:visit_plan", **_kw(review))
    form["end_time"] = "12:00"
    session_page = form.submit().follow()
    assert "book it here" in messages_on(session_page)
    assert DevelopmentSession.objects.get().scope == DevelopmentSession.Scope.PRIVATE
    page = app.get(reverse("quality:findings", kwargs=_kw(review)))
    form = form_for(page, "")
    for part in review.framework.parts.all():
        form[f"text_{part.pk}"] = f"Strong in part {part.number}"
    done = form.submit("submit").follow()
    assert "sent to the school" in messages_on(done)
    assert Finding.objects.filter(peer_review=peer).count() == 5
    page = app.sign_in(personas.leader).get(review.get_absolute_url())
    done = form_for(page, "quality:report_accept", **_kw(review)).submit().follow()
    assert "accepted" in messages_on(done)


def test_leader_adds_an_action_marks_it_done_and_shares(app, personas):
    review = review_of(personas)
    page = app.sign_in(personas.leader).get(review.get_absolute_url())
    form = form_for(page, "quality:action_add", **_kw(review))
    form["text"] = "Link INSET days to the coaching cycle"
    form["part"] = str(review.framework.parts.get(number=4).pk)
    form["owner"] = str(personas.colleague.pk)
    form["due_on"] = "2030-03-01"
    done = form.submit().follow()
    assert "added to the plan" in messages_on(done)
    action = Action.objects.get()
    assert action.owner == personas.colleague
    done = form_for(done, "quality:action_done", **_kw(review), pk=action.pk).submit().follow()
    assert "marked done" in messages_on(done)
    done = form_for(done, "quality:share", **_kw(review)).submit().follow()
    assert "shared with the coordinator" in messages_on(done)
    assert Review.objects.get().shared


def test_an_empty_action_is_refused_on_the_form(app, personas):
    review = review_of(personas)
    page = app.sign_in(personas.leader).get(review.get_absolute_url())
    form = form_for(page, "quality:action_add", **_kw(review))
    refused = form.submit(status=400)
    assert "There is a problem" in text_of(refused)
    assert not Action.objects.exists()


def test_the_coordinator_invites_a_peer_reviewer_from_the_communitys_page(
    app, personas, django_capture_on_commit_callbacks
):
    review = review_of(personas)
    rate_all(review, personas.leader)
    page = app.sign_in(personas.coordinator).get(reverse("quality:community"))
    page = page.click(href=reverse("quality:reviewer_invite", kwargs=_kw(review)))
    # The page shows the school and how far it has got, never the review's words.
    assert SECRET_COMMENT not in page.text
    assert personas.other_leader.full_name in text_of(page)
    refused = form_for(page, "").submit(status=400)
    assert "There is a problem" in text_of(refused)
    assert not PeerReview.objects.exists()
    form = form_for(refused, "")
    form["reviewer"] = str(personas.other_leader.pk)
    with django_capture_on_commit_callbacks(execute=True):
        done = form.submit().follow()
    assert "peer reviewer is invited" in messages_on(done)
    # Back on the school's page: the stage, not the review (the school has not shared it).
    assert done.request.path == reverse("quality:school", kwargs={"urn": personas.school.urn})
    assert "Peer reviewer invited" in text_of(done)
    assert SECRET_COMMENT not in done.text
    peer = PeerReview.objects.get()
    assert (peer.reviewer, peer.invited_by) == (personas.other_leader, personas.coordinator)
    (sent,) = mail.outbox
    assert sent.to == [personas.other_leader.email]
    assert personas.coordinator.full_name in sent.body
    assert personas.school.name in sent.alternatives[0][0]
    # The coordinator still cannot open the review itself.
    app.get(review.get_absolute_url(), status=404)
