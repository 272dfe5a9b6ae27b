"""
A review's writes (each keyword-only, one transaction): starting the year's review (actions not
done last year carried in), the self-review, sharing, the action plan. The survey's writes are
in survey.py, the peer review's in peer.py.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from hubs.models import School, User

from . import permissions
from .models import Action, Criterion, Framework, Level, Part, Rating, Review


@transaction.atomic
def review_start(*, school: School, year: int, by: User) -> Review:
    """Start the school's review for ``year`` on the default framework; the actions of the
    year before that are not done come with it. A second start is the same review."""
    permissions.require_leads(by, school)
    found = Review.objects.filter(school=school, year=year).first()
    if found is not None:
        return found
    framework = Framework.objects.filter(is_default=True).first()
    if framework is None:
        raise ValidationError("There is no default framework: the coordinator sets one.")
    try:
        with transaction.atomic():
            review = Review.objects.create(
                school=school, year=year, framework=framework, started_by=by
            )
    except IntegrityError:  # started by another leader at the same moment
        return Review.objects.get(school=school, year=year)
    Rating.objects.bulk_create(
        [
            Rating(review=review, criterion=c)
            for c in Criterion.objects.filter(part__framework=framework)
        ]
    )
    before = Review.objects.filter(school=school, year__lt=year).order_by("-year").first()
    if before is not None:
        parts = {p.number: p for p in framework.parts.all()}
        Action.objects.bulk_create(
            [
                Action(
                    review=review,
                    part=parts.get(a.part.number, next(iter(parts.values()))),
                    text=a.text,
                    owner_id=a.owner_id,
                    due_on=a.due_on,
                    carried_from=a,
                    created_by=a.created_by,
                )
                for a in before.actions.filter(done=False).select_related("part")
            ]
        )
    return review


@transaction.atomic
def ratings_save(*, review: Review, part: Part, by: User, ratings: dict[int, dict]) -> None:
    """The leaders' ratings of one part's criteria: ``{criterion id: {level, comment,
    evidence}}`` (a level of None: not rated yet)."""
    permissions.require_leads(by, review)
    if part.framework_id != review.framework_id:
        raise ValidationError("That part is not in this review's framework.")
    levels = {lv.pk: lv for lv in Level.objects.filter(framework_id=review.framework_id)}
    now = timezone.now()
    for rating in Rating.objects.select_for_update().filter(
        review=review, criterion__part=part, criterion_id__in=list(ratings)
    ):
        given = ratings[rating.criterion_id]
        level_id = given.get("level")
        if level_id is not None and level_id not in levels:
            raise ValidationError("Choose one of the framework's levels.")
        rating.level_id = level_id
        rating.comment = given.get("comment", "")
        rating.evidence = given.get("evidence", "")
        rating.updated_by = by
        rating.updated_at = now
        rating.full_clean(exclude=["review", "criterion", "level", "updated_by"])
        rating.save()


@transaction.atomic
def self_review_done(*, review: Review, by: User) -> None:
    """Mark the self-review done: every criterion needs a level."""
    permissions.require_leads(by, review)
    if review.ratings.filter(level__isnull=True).exists():
        raise ValidationError("Rate every criterion on a level first.")
    Review.objects.filter(pk=review.pk).update(self_review_done_at=timezone.now())


@transaction.atomic
def review_share(*, review: Review, by: User, shared: bool) -> None:
    """The school shares its report (comments, findings, actions) with the coordinator, or
    stops sharing it."""
    permissions.require_leads(by, review)
    Review.objects.filter(pk=review.pk).update(shared=shared)


@transaction.atomic
def action_add(
    *,
    review: Review,
    by: User,
    part: Part,
    text: str,
    owner: User | None = None,
    due_on: datetime.date | None = None,
) -> Action:
    permissions.require_leads(by, review)
    if part.framework_id != review.framework_id:
        raise ValidationError({"part": "Choose a part of this review's framework."})
    if owner is not None and owner.school_id != review.school_id:
        raise ValidationError({"owner": "Choose someone in the school."})
    action = Action(
        review=review, part=part, text=text.strip(), owner=owner, due_on=due_on, created_by=by
    )
    action.full_clean()
    action.save()
    return action


@transaction.atomic
def action_done(*, action: Action, by: User, done: bool) -> None:
    permissions.require_leads(by, action.review)
    Action.objects.filter(pk=action.pk).update(done=done)
