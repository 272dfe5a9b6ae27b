"""
The anonymous staff survey.

Opening it writes one ``SurveyInvite`` per member of staff (the person, the SHA-256 of their
link's token, "not answered") and, after commit, hands the ledger the staff in batches: each
batch is one ``notifications.send_batch`` job (as the termly digest sends), one email per
person under the key ``quality_survey:<survey>``, so nobody gets two however often it runs.
The token is an HMAC of the survey and the person under the site's secret: the email's
builder makes it again when the email goes, and nothing stores it.

Answering takes the link's token, marks its invite answered (once), and writes a
``SurveyResponse`` with the ratings: random key, the day, the broad role group, and nothing
that points at the person or the invite. Results are shown once 5 or more have answered; a
breakdown by role group only where every group shown is 5 or more.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.crypto import salted_hmac

from cpdhub.small_numbers import SMALLEST_GROUP
from hubs.models import User
from notifications.services import batch_enqueue

from . import permissions
from .models import Part, Review, RoleGroup, Survey, SurveyAnswer, SurveyInvite, SurveyResponse

KIND = "quality_survey"
BATCH_SIZE = 500
TOKEN_SALT = "quality.survey"  # noqa: S105 -- the HMAC's salt (a name), not a secret

ROLE_GROUPS = {
    User.JobRole.TEACHER: RoleGroup.TEACHING,
    User.JobRole.TA: RoleGroup.SUPPORT,
    User.JobRole.HLTA: RoleGroup.SUPPORT,
    User.JobRole.SUPPORT_STAFF: RoleGroup.SUPPORT,
    User.JobRole.MIDDLE_LEADER: RoleGroup.LEADERSHIP,
    User.JobRole.SENIOR_LEADER: RoleGroup.LEADERSHIP,
}


def survey_key(survey_id: int) -> str:
    return f"{KIND}:{survey_id}"


def token_for(survey_id: int, user_id: int) -> str:
    """The link's token for this person and survey (made again when the email is built)."""
    return salted_hmac(TOKEN_SALT, f"{survey_id}:{user_id}", algorithm="sha256").hexdigest()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def staff_of(school_id: int):
    """Everyone of the school who can be emailed."""
    return User.objects.filter(school_id=school_id, is_active=True).exclude(email="")


def _batches(ids: list[int]):
    for start in range(0, len(ids), BATCH_SIZE):
        yield ids[start : start + BATCH_SIZE]


def enqueue_sending(survey: Survey) -> int:
    """Hand the ledger every invited person still without an email, a batch per job."""
    ids = list(survey.invites.order_by("user_id").values_list("user_id", flat=True))
    for batch in _batches(ids):
        batch_enqueue(kind=KIND, key=survey_key(survey.pk), user_ids=batch)
    return len(ids)


@transaction.atomic
def survey_open(*, review: Review, by: User) -> Survey:
    """Open the review's staff survey: an invite for each member of staff, and, after commit,
    one email each through the ledger, in batches. Opening it again sends nothing more."""
    permissions.require_leads(by, review)
    survey, created = Survey.objects.get_or_create(review=review, defaults={"opened_by": by})
    if not created:
        return survey
    people = list(staff_of(review.school_id).values_list("pk", flat=True))
    if len(people) < SMALLEST_GROUP:
        raise ValidationError(
            "A survey needs at least 5 staff with an account: with fewer, nobody's answers "
            "could be kept anonymous."
        )
    SurveyInvite.objects.bulk_create(
        [
            SurveyInvite(survey=survey, user_id=pk, token_hash=token_hash(token_for(survey.pk, pk)))
            for pk in people
        ],
        batch_size=1_000,
    )
    transaction.on_commit(lambda: enqueue_sending(survey))
    return survey


@transaction.atomic
def survey_close(*, survey: Survey, by: User) -> None:
    permissions.require_leads(by, survey.review)
    Survey.objects.filter(pk=survey.pk, closed_on__isnull=True).update(
        closed_on=timezone.localdate()
    )


def invite_for_token(token: str) -> SurveyInvite | None:
    return (
        SurveyInvite.objects.select_related("survey__review__school", "survey__review__framework")
        .filter(token_hash=token_hash(token))
        .first()
    )


@transaction.atomic
def survey_answer(*, token: str, scores: dict[int, int]) -> None:
    """Answer the survey by the link's token: ``{part id: score}``, a score for every part.
    The invite is marked answered; the answers are written with nothing that points back."""
    invite = (
        SurveyInvite.objects.select_for_update()
        .select_related("survey__review", "user")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if invite is None:
        raise ValidationError("This link is not a survey link.")
    if invite.answered:
        raise ValidationError("You have already answered this survey: thank you.")
    survey = invite.survey
    if not survey.is_open:
        raise ValidationError("This survey has closed.")
    review = survey.review
    parts = set(Part.objects.filter(framework_id=review.framework_id).values_list("pk", flat=True))
    top = review.framework.levels.count()
    if set(scores) != parts or any(not 1 <= s <= top for s in scores.values()):
        raise ValidationError("Rate every statement.")
    role_group = ROLE_GROUPS.get(invite.user.job_role, RoleGroup.OTHER)
    SurveyInvite.objects.filter(pk=invite.pk).update(answered=True)
    response = SurveyResponse.objects.create(survey=survey, role_group=role_group)
    SurveyAnswer.objects.bulk_create(
        [SurveyAnswer(response=response, part_id=p, score=s) for p, s in scores.items()]
    )


# --- Results --------------------------------------------------------------------------------


@dataclass
class PartResult:
    part: Part
    average: float | None
    level: str
    # {role group label: average}: only when every group is 5 or more.
    by_role: dict[str, float] = field(default_factory=dict)


@dataclass
class Results:
    invited: int
    answered: int
    shown: bool
    parts: list[PartResult]
    roles_shown: bool


def _level_name(levels: list, average: float | None) -> str:
    if average is None or not levels:
        return ""
    rank = max(1, min(len(levels), int(average + 0.5)))
    return levels[rank - 1].name


def results(survey: Survey | None, parts: list[Part], levels: list) -> Results:
    """The survey's figures: hidden (only how many answered) until 5 or more have; by role
    group only where every group is 5 or more. Three queries."""
    if survey is None:
        return Results(0, 0, False, [], False)
    counts = survey.invites.aggregate(invited=Count("pk"))
    answered = survey.responses.count()
    shown = answered >= SMALLEST_GROUP
    if not shown:
        return Results(counts["invited"], answered, False, [], False)
    rows = (
        SurveyAnswer.objects.filter(response__survey=survey)
        .values("part_id", "response__role_group")
        .annotate(n=Count("pk"), avg=Avg("score"))
        .order_by()
    )
    overall: dict[int, list[tuple[int, float]]] = defaultdict(list)
    by_role: dict[int, dict[str, tuple[int, float]]] = defaultdict(dict)
    group_sizes: dict[str, int] = {}
    for r in rows:
        overall[r["part_id"]].append((r["n"], r["avg"]))
        by_role[r["part_id"]][r["response__role_group"]] = (r["n"], r["avg"])
        group_sizes[r["response__role_group"]] = max(
            group_sizes.get(r["response__role_group"], 0), r["n"]
        )
    roles_shown = len(group_sizes) > 1 and all(n >= SMALLEST_GROUP for n in group_sizes.values())
    out = []
    for part in parts:
        pairs = overall.get(part.pk, [])
        total = sum(n for n, _ in pairs)
        average = sum(n * a for n, a in pairs) / total if total else None
        out.append(
            PartResult(
                part=part,
                average=round(average, 1) if average is not None else None,
                level=_level_name(levels, average),
                by_role={
                    RoleGroup(g).label: round(a, 1)
                    for g, (_n, a) in sorted(by_role.get(part.pk, {}).items())
                }
                if roles_shown
                else {},
            )
        )
    return Results(counts["invited"], answered, True, out, roles_shown)
