"""
Everything the community holds about one person, app by app, as plain JSON-ready data: the
contents of "download my data" (UK GDPR, the right of access). Secrets (password hash, tokens,
two-factor secrets) and derived copies (search documents, rendered HTML) are left out; so is
other people's private text (the message a colleague wrote to you, their thanks), which is
theirs: you see that it exists, when and from whom.

Each section is a list of rows with the model's own field names, so nothing is missed when a
field is added; a test compares the sections with every model that points at a person.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q, TextField
from django.db.models.functions import Cast

from coaching.export import coaching_data
from courses.export import courses_data
from cpd_sessions.models import (
    Apology,
    Attendance,
    Booking,
    BudgetEntry,
    CalendarFeed,
    CpdBudget,
    DevelopmentSession,
    Feedback,
    ReleaseRequest,
    SessionMessage,
)
from cpdhub.ratelimit.models import ThrottledRequest
from enquiry.export import enquiry_data, files_of, visit_data
from experts.models import ContactRequest, ExpertProfile, ProfileArea
from hubs.models import (
    Hub,
    ImportJob,
    Invitation,
    LoneRangerInvitation,
    School,
    SubjectNetwork,
    User,
    UserResponsibility,
)
from notifications.models import Delivery, Preference
from portfolios.models import (
    Entry,
    EntryAttachment,
    Goal,
    GoalReview,
    ImpactFollowUp,
    Need,
    Statement,
)
from quality.export import quality_data
from schoolyear.export import year_data
from training.export import files_of as training_files_of
from training.export import training_data

NOT_YOURS = "(written by the other person: not included)"

# Every foreign key to the user model that the sections below read (model label.field). Any
# other one, whatever its related name, is read too, into "other_records": nothing that points
# at a person is missed when a model is added (tests/privacy/test_data_rights.py).
READ_BY_SECTIONS = {
    "account.EmailAddress.user", "mfa.Authenticator.user", "socialaccount.SocialAccount.user",
    "hubs.Hub.leaders", "hubs.School.cpd_leaders", "hubs.UserResponsibility.user",
    "hubs.SubjectNetwork.leads", "hubs.SubjectNetwork.members", "hubs.Invitation.invited_by",
    "hubs.Invitation.accepted_user", "hubs.ImportJob.created_by", "hubs.LoneRangerInvitation.user",
    "ratelimit.ThrottledRequest.user",
    "experts.ExpertProfile.user", "experts.ContactRequest.sender",
    "cpd_sessions.DevelopmentSession.proposed_by", "cpd_sessions.DevelopmentSession.leads",
    "cpd_sessions.Booking.user", "cpd_sessions.CpdBudget.user", "cpd_sessions.BudgetEntry.user",
    "cpd_sessions.CalendarFeed.user", "cpd_sessions.SessionMessage.sent_by",
    "portfolios.Goal.owner", "portfolios.Entry.owner", "portfolios.Need.owner",
    "portfolios.Statement.owner", "notifications.Delivery.recipient",
    "notifications.Preference.user",
    "coaching.Step.proposed_by", "coaching.Relationship.created_by", "coaching.Membership.user",
    "coaching.Observation.teacher", "coaching.Observation.observer", "coaching.Meeting.teacher",
    "coaching.Meeting.coach", "coaching.ActionStep.teacher", "coaching.StepEvent.by",
    "coaching.Share.owner", "coaching.Share.colleague", "coaching.Visit.planned_by",
    "enquiry.Group.owner", "enquiry.Group.created_by", "enquiry.Membership.user",
    "enquiry.Invitation.user", "enquiry.Invitation.invited_by", "enquiry.ReadingItem.added_by",
    "enquiry.LogEntry.author", "enquiry.WriteUp.updated_by", "enquiry.Agreement.user",
    "enquiry.PeerVisit.visitor", "enquiry.PeerVisit.host", "enquiry.PeerVisit.decided_by",
    "enquiry.Prediction.by", "enquiry.Observation.observer", "enquiry.InterviewNote.by",
    "enquiry.ObserverRelease.observer",
    "courses.Course.added_by", "courses.Review.reviewer", "courses.CourseRequest.requester",
    "quality.Review.started_by", "quality.Rating.updated_by", "quality.Survey.opened_by",
    "quality.SurveyInvite.user", "quality.PeerReview.reviewer", "quality.PeerReview.invited_by",
    "quality.PeerReview.accepted_by", "quality.Action.owner", "quality.Action.created_by",
    "training.Completion.user",
    "schoolyear.TeamMembership.user", "schoolyear.MeetingAttendance.user",
    "schoolyear.TryNext.user",
}  # fmt: skip
# Foreign keys to the user model that are not about the person, each with why.
NOT_ABOUT_YOU = {
    "privacy.DataExport.user": "the download itself",
    "portfolios.Goal.shared_with": "a colleague's goal they shared with you: theirs",
    "portfolios.Entry.shared_with": "a colleague's log entry they shared with you: theirs",
}


def keys_to_people() -> list[tuple[type[models.Model], models.Field]]:
    """Every field of every model that points at the user model, whatever its related name."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation
        and field.related_model is user_model
        and (field.concrete or field.many_to_many)
        and not field.auto_created
        and model is not user_model
    ]


def other_records(user: User) -> dict[str, list[dict[str, Any]]]:
    """Rows of every other model that points at the person (a decision they made, a reply they
    wrote, a register they marked): each foreign key's rows, by model and field."""
    out = {}
    for model, field in keys_to_people():
        key = f"{model._meta.label}.{field.name}"
        if key in READ_BY_SECTIONS or key in NOT_ABOUT_YOU:
            continue
        found = rows(model._base_manager.filter(**{field.name: user}))
        if found:
            out[f"{model._meta.label_lower}.{field.name}"] = found
    return out


def pointing_at(model: type[models.Model], queryset: models.QuerySet) -> dict[str, list]:
    """Rows of models the sections do not read that point at rows of ``queryset`` (a reply to
    your need from an app above this one), by model: found from the relations, not imported."""
    out = {}
    for relation in model._meta.related_objects:
        related = relation.related_model
        if related._meta.app_label in SECTION_APPS or not relation.field.concrete:
            continue
        found = rows(related._base_manager.filter(**{f"{relation.field.name}__in": queryset}))
        if found:
            out[related._meta.label_lower] = found
    return out


# The apps whose models the sections below read themselves.
SECTION_APPS = {
    "account", "mfa", "socialaccount", "hubs", "experts", "cpd_sessions", "portfolios",
    "notifications", "coaching", "enquiry", "courses", "quality", "training", "schoolyear",
}  # fmt: skip


def _mentions(value: Any, needle: str) -> list[Any]:
    """The smallest parts of a JSON value (a row, a line of text) that contain ``needle``."""
    if isinstance(value, str):
        return [value] if needle in value.lower() else []
    if isinstance(value, list):
        return [part for item in value for part in _mentions(item, needle)]
    if isinstance(value, dict):
        if any(isinstance(v, str) and needle in v.lower() for v in value.values()):
            return [value]
        return [part for item in value.values() for part in _mentions(item, needle)]
    return []


def imports_naming(user: User) -> list[dict[str, Any]]:
    """The rows of anyone's import (a staff file) that name the person: which import, when, by
    whom, and those rows only (the rest name other people)."""
    needle = user.email.lower()
    jobs = (
        ImportJob.objects.annotate(_text=Cast("result", TextField()))
        .filter(Q(_text__icontains=needle) | Q(error__icontains=needle))
        .exclude(created_by=user)
        .select_related("created_by", "school")
        .order_by("pk")
    )
    return [
        {
            "import": job.pk,
            "kind": job.get_kind_display(),
            "school": _label(job.school),
            "by": _label(job.created_by),
            "created_at": _value(job.created_at),
            "rows_naming_you": _mentions(job.result, needle) + _mentions(job.error, needle),
        }
        for job in jobs
    ]


# Never exported: secrets, and derived copies of what is exported anyway.
SECRET = {"password", "token", "data", "key", "secret", "token_secret"}
DERIVED = {
    "search_document",
    "search_vector",
    "bio_html",
    "sort_name",
    "user_is_active",
    "offerer_school",
    "offerer_phases",
}


def _value(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or None
    return value


def _label(obj: models.Model | None) -> str | None:
    return None if obj is None else str(obj)


def rows(
    queryset: models.QuerySet, *, leave_out: Iterable[str] = (), replace: dict | None = None
) -> list[dict[str, Any]]:
    """Each row's own fields (a related row as its id and its name), its many-to-many as names."""
    model = queryset.model
    skip = SECRET | DERIVED | set(leave_out)
    fields = [f for f in model._meta.concrete_fields if f.name not in skip]
    related = [f.name for f in fields if f.is_relation]
    many = [f.name for f in model._meta.many_to_many if f.name not in skip]
    out = []
    for obj in queryset.select_related(*related).prefetch_related(*many).order_by("pk"):
        row = {}
        for field in fields:
            if field.is_relation:
                row[field.name] = {
                    "id": field.value_from_object(obj),
                    "name": _label(getattr(obj, field.name)),
                }
            else:
                row[field.name] = _value(field.value_from_object(obj))
        for name in many:
            row[name] = [str(o) for o in getattr(obj, name).all()]
        row.update(replace or {})
        out.append(row)
    return out


def personal_data(user: User) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Every row about ``user``, by app and kind."""
    mine = Q(user=user)
    bookings = Booking.objects.filter(user=user)
    profile = ExpertProfile.objects.filter(user=user)
    entries = Entry.objects.filter(owner=user)
    return {
        "account": {
            "person": rows(User.objects.filter(pk=user.pk), leave_out={"user_permissions"}),
            "email_addresses": rows(EmailAddress.objects.filter(mine)),
            "two_factor_methods": rows(Authenticator.objects.filter(mine)),
            "school_sign_in_accounts": rows(SocialAccount.objects.filter(mine)),
        },
        "community": {
            "invitations_to_you": rows(
                Invitation.objects.filter(Q(accepted_user=user) | Q(email__iexact=user.email))
            ),
            "invitations_you_sent": rows(Invitation.objects.filter(invited_by=user)),
            "schools_you_lead_cpd_for": rows(School.objects.filter(cpd_leaders=user)),
            "hubs_you_lead": rows(Hub.objects.filter(leaders=user), leave_out={"leaders"}),
            "networks_you_belong_to": rows(
                SubjectNetwork.objects.filter(members=user), leave_out={"members"}
            ),
            "networks_you_lead": rows(
                SubjectNetwork.objects.filter(leads=user), leave_out={"members", "leads"}
            ),
            "network_invitations_as_a_lone_ranger": rows(LoneRangerInvitation.objects.filter(mine)),
            "responsibilities": rows(UserResponsibility.objects.filter(mine)),
            # What you uploaded and when; the results name the people in the file: left out.
            "imports_you_ran": rows(
                ImportJob.objects.filter(created_by=user),
                leave_out={"result", "error", "column_map", "file_token"},
            ),
            "requests_refused_by_a_rate_limit": rows(ThrottledRequest.objects.filter(mine)),
            "imports_that_listed_you": imports_naming(user),
        },
        "expertise": {
            "profile": rows(profile),
            "offers": rows(ProfileArea.objects.filter(profile__in=profile)),
            "requests_you_sent": rows(ContactRequest.objects.filter(sender=user)),
            "requests_you_received": rows(
                ContactRequest.objects.filter(profile__in=profile),
                replace={"message": NOT_YOURS},
            ),
        },
        "sessions": {
            "sessions_you_lead": rows(
                DevelopmentSession.objects.filter(leads=user),
                leave_out={"leads", "join_link"},
            ),
            "sessions_you_proposed": rows(
                DevelopmentSession.objects.filter(proposed_by=user).exclude(leads=user),
                leave_out={"leads", "join_link"},
            ),
            "bookings": rows(bookings),
            "release_requests": rows(ReleaseRequest.objects.filter(booking__in=bookings)),
            "attendance": rows(Attendance.objects.filter(booking__in=bookings)),
            "apologies_for_meetings": rows(Apology.objects.filter(booking__in=bookings)),
            "feedback_you_gave": rows(Feedback.objects.filter(booking__in=bookings)),
            "budgets": rows(CpdBudget.objects.filter(mine)),
            "budget_ledger": rows(BudgetEntry.objects.filter(mine)),
            "calendar_feed": rows(CalendarFeed.objects.filter(mine)),
            "messages_you_sent_to_a_session": rows(
                SessionMessage.objects.filter(sent_by=user), leave_out={"token"}
            ),
        },
        "portfolio": {
            "goals": rows(Goal.objects.filter(owner=user)),
            "goal_reviews": rows(GoalReview.objects.filter(goal__owner=user)),
            "entries": rows(entries),
            "evidence_files": rows(EntryAttachment.objects.filter(entry__in=entries)),
            "impact_follow_ups": rows(ImpactFollowUp.objects.filter(entry__in=entries)),
            "needs": rows(Need.objects.filter(owner=user)),
            **{
                f"about_your_needs:{label}": found
                for label, found in pointing_at(Need, Need.objects.filter(owner=user)).items()
            },
            "statements": rows(Statement.objects.filter(owner=user)),
        },
        # Coaching's words are both members' personal data: each member's download has them.
        "coaching": coaching_data(user, rows),
        # What the person wrote in enquiry groups, and their groups' write-ups.
        "enquiry": enquiry_data(user, rows),
        # Peer visits: the visitor's notes and thanks are in the visitor's download only.
        "peer_visits": visit_data(user, rows),
        # External courses: those added, reviews, requests to attend.
        "courses": courses_data(user, rows),
        # CPD reviews: the staff surveys sent to them (never their answers, which point at
        # nobody), the reviews they worked on and the actions they own.
        "quality_reviews": quality_data(user, rows),
        # Required training: each completion (the certificates are in the files folder).
        "training": training_data(user, rows),
        # Teams: my memberships, the meetings I came to, what I wrote I would try.
        "school_year": year_data(user),
        "email": {
            "preferences": rows(Preference.objects.filter(mine)),
            "emails_sent_to_you": rows(
                Delivery.objects.filter(Q(recipient=user) | Q(email__iexact=user.email))
            ),
        },
        "other_records": other_records(user),
    }


def personal_files(user: User) -> Iterator[tuple[str, EntryAttachment | models.Model]]:
    """The evidence files and the files added to enquiry groups' logs, each with the name it
    has in the zip (each has ``file`` and ``original_name``)."""
    for attachment in EntryAttachment.objects.filter(entry__owner=user).order_by("pk"):
        yield f"files/{attachment.entry_id}-{attachment.pk}-{attachment.original_name}", attachment
    yield from files_of(user)
    yield from training_files_of(user)
