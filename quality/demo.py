"""
The demo's CPD review (run by ``manage.py seed_demo``, idempotent): the demo CPD leader's school
has this year's review under way: the self-review done (every criterion rated, with a comment
on each part's first), the staff survey open with six answers, a peer reviewer (a CPD leader of
a similar demo school) invited, and two actions.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from cpdhub.academic_year import current_academic_year
from hubs.models import User

from . import peer, services, survey
from .models import Part, Rating

COMMENTS = {
    1: "Most sessions start from a pupil need; we are weaker at checking the effect on pupils.",
    2: "Sessions draw on EEF guidance; our own staff lead most of them.",
    3: "Coaching pairs across schools; too few staff have expert challenge from outside.",
    4: "The coaching cycle runs all year; one-off INSET days are not yet linked to it.",
    5: "Leaders protect twilight time for CPD and take part themselves.",
}
# Six staff's answers (a score for each part, 1 to 4).
ANSWERS = [
    (3, 3, 2, 3, 4),
    (2, 3, 3, 2, 3),
    (3, 2, 2, 3, 3),
    (3, 3, 3, 3, 4),
    (2, 2, 2, 3, 3),
    (3, 3, 2, 2, 4),
]


def seed(today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    leader = User.objects.get(email="leader@demo.test")
    school = leader.school
    review = services.review_start(school=school, year=current_academic_year(today), by=leader)
    parts = list(Part.objects.filter(framework_id=review.framework_id))
    levels = list(review.framework.levels.all())
    if not review.self_review_done_at:
        for part in parts:
            ratings = {}
            for i, rating in enumerate(
                Rating.objects.filter(review=review, criterion__part=part).order_by(
                    "criterion__number"
                )
            ):
                rank = 3 if (part.number + i) % 2 else 2
                ratings[rating.criterion_id] = {
                    "level": levels[rank - 1].pk,
                    "comment": COMMENTS.get(part.number, "") if i == 0 else "",
                    "evidence": "Session feedback and impact follow-ups" if i == 0 else "",
                }
            services.ratings_save(review=review, part=part, by=leader, ratings=ratings)
        services.self_review_done(review=review, by=leader)
    found = survey.survey_open(review=review, by=leader)
    waiting = list(
        found.invites.filter(answered=False)
        .exclude(user=leader)
        .order_by("user__email")
        .values_list("user_id", flat=True)
    )
    for scores, user_id in zip(ANSWERS[found.responses.count() :], waiting, strict=False):
        survey.survey_answer(
            token=survey.token_for(found.pk, user_id),
            scores={p.pk: scores[p.number - 1] for p in parts},
        )
    if getattr(review, "peer_review", None) is None:
        reviewer = next(iter(peer.reviewer_choices(school)), None)
        if reviewer is not None:
            peer.reviewer_invite(review=review, by=leader, reviewer=reviewer)
    if not review.actions.exists():
        staff = {p.number: p for p in parts}
        services.action_add(
            review=review,
            by=leader,
            part=staff[1],
            text="Every session plan names the pupil outcome it aims at and how we will check it",
            owner=leader,
            due_on=today + datetime.timedelta(days=60),
        )
        services.action_add(
            review=review,
            by=leader,
            part=staff[3],
            text="Invite a subject specialist from another school to challenge each department",
            due_on=today + datetime.timedelta(days=120),
        )
