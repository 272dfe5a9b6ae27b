"""Helpers for quality review tests: a school with staff, a review, a survey answered."""

from __future__ import annotations

from cpdhub.academic_year import current_academic_year
from hubs.models import User
from quality import services, survey
from quality.models import Part, Review, Survey
from tests.factories import UserFactory

SECRET_COMMENT = "Private comment: Mr Jones's department resists coaching"
SECRET_FINDING = "Private finding: the maths team needs challenge"


def staff(school, n: int, role: str = User.JobRole.TEACHER) -> list[User]:
    return [UserFactory(school=school, job_role=role) for _ in range(n)]


def review_of(personas, year: int | None = None) -> Review:
    return services.review_start(
        school=personas.school, year=year or current_academic_year(), by=personas.leader
    )


def rate_all(review: Review, by, rank: int = 3, comment: str = SECRET_COMMENT) -> None:
    levels = {lv.rank: lv.pk for lv in review.framework.levels.all()}
    for part in Part.objects.filter(framework=review.framework):
        services.ratings_save(
            review=review,
            part=part,
            by=by,
            ratings={
                c.pk: {"level": levels[rank], "comment": comment, "evidence": "Feedback"}
                for c in part.criteria.all()
            },
        )


def open_survey(review: Review, by) -> Survey:
    return survey.survey_open(review=review, by=by)


def answer(found: Survey, user, score: int = 3) -> None:
    parts = Part.objects.filter(framework_id=found.review.framework_id)
    survey.survey_answer(
        token=survey.token_for(found.pk, user.pk), scores={p.pk: score for p in parts}
    )
