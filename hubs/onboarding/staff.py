"""
Staff from an MIS or a spreadsheet (SIMS, Arbor, Bromcom name their columns differently).

Every row is checked and given an outcome (new, updated, unchanged, invited, or an error in
words); the whole file is one transaction, so a preview (dry run) runs exactly the real path
and rolls back, and a file with any error imports nothing. People are matched on their
mailbox (``x+tag@school`` is ``x@school``), so a re-import updates and never duplicates.
Addresses in the school's email domains get an account (they choose a password with "forgot
password" or sign in with their school's Google/Microsoft account); any other address gets an
invitation through ``invitation_create`` (on the email ledger, so each is sent once).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from typing import BinaryIO

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower

from ..models import (
    CanonicalEmail,
    Invitation,
    School,
    SchoolDomain,
    Subject,
    User,
    canonical_email,
)
from ..services import InvitationError, email_domain, invitation_create
from .files import ImportFileError, cell, open_csv_text

FIELDS = {
    "email": "Email",
    "first_name": "First name",
    "last_name": "Surname",
    "job_role": "Job role",
    "subjects": "Subjects",
    "school_urn": "School URN",
}
ALIASES = {
    "email": ["email", "work email", "email address", "school email", "e-mail", "work e-mail"],
    "first_name": ["forename", "preferred forename", "first name", "firstname", "given name"],
    "last_name": ["surname", "legal surname", "last name", "lastname", "family name"],
    "job_role": ["role", "staff role", "job title", "job role", "post"],
    "subjects": ["subjects", "subject", "subjects taught"],
    "school_urn": ["school urn", "urn"],
}
REQUIRED = ["email", "first_name", "last_name"]
ROLE_WORDS = {
    **{label.lower(): value for value, label in User.JobRole.choices},
    **{value: value for value in User.JobRole.values},
    "class teacher": "teacher",
    "classroom teacher": "teacher",
    "ta": "ta",
    "learning support assistant": "ta",
    "hlta": "hlta",
    "head of department": "middle_leader",
    "subject leader": "middle_leader",
    "head of year": "middle_leader",
    "headteacher": "senior_leader",
    "head teacher": "senior_leader",
    "deputy headteacher": "senior_leader",
    "assistant headteacher": "senior_leader",
    "support": "support_staff",
}
MAX_SHOWN = 500  # rows listed on the preview page (the counts cover every row)


class Outcome:
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    INVITED = "invited"
    ERROR = "error"


@dataclass
class StaffRow:
    line: int
    email: str
    name: str
    outcome: str
    message: str = ""


@dataclass
class StaffResult:
    dry_run: bool = True
    rows: list[StaffRow] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    unmapped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.counts.get(Outcome.ERROR)

    def add(self, row: StaffRow) -> None:
        self.counts[row.outcome] = self.counts.get(row.outcome, 0) + 1
        if len(self.rows) < MAX_SHOWN or row.outcome == Outcome.ERROR:
            self.rows.append(row)

    def summary(self) -> str:
        c = self.counts
        if not self.ok:
            return (
                f"{c[Outcome.ERROR]} row(s) have errors, so nothing was imported. Correct the "
                "file and upload it again."
            )
        verb = "would be" if self.dry_run else "were"
        return (
            f"{c.get(Outcome.NEW, 0)} new account(s) {verb} made, {c.get(Outcome.UPDATED, 0)} "
            f"updated, {c.get(Outcome.UNCHANGED, 0)} unchanged and "
            f"{c.get(Outcome.INVITED, 0)} invited."
        )


def recognise_columns(header: list[str], column_map: dict[str, str] | None = None) -> dict:
    """file column -> our field, from the aliases and the person's own choices."""
    found: dict[str, str] = {}
    for column in header:
        key = re.sub(r"\s+", " ", column.strip().lower())
        for name, aliases in ALIASES.items():
            if key in aliases and name not in found.values():
                found[column] = name
    for column, name in (column_map or {}).items():
        if column in header and name in FIELDS:
            found = {c: n for c, n in found.items() if n != name}
            found[column] = name
    return found


def _role(value: str) -> str | None:
    if not value:
        return User.JobRole.TEACHER
    return ROLE_WORDS.get(re.sub(r"\s+", " ", value.strip().lower()))


def staff_import(
    *,
    raw: BinaryIO,
    by: User | None,
    school: School | None = None,
    column_map: dict[str, str] | None = None,
    dry_run: bool = True,
) -> StaffResult:
    """
    Import staff from ``raw`` (CSV bytes) into ``school``, or into each row's School URN when
    no school is given. ``by`` invites (None from the command line). The caller has checked
    the person may import for that school (``permissions.can_import_staff``).
    """
    result = StaffResult(dry_run=dry_run)
    text = open_csv_text(raw)
    reader = csv.reader(text)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise ImportFileError(f"This is not a valid CSV file ({error}).") from None
    if not header:
        raise ImportFileError("This file is empty.")
    header = [h.strip() for h in header]
    columns = recognise_columns(header, column_map)
    result.unmapped = [h for h in header if h and h not in columns]
    missing = [FIELDS[f] for f in REQUIRED if f not in columns.values()]
    if school is None and "school_urn" not in columns.values():
        missing.append(FIELDS["school_urn"])
    if missing:
        error = ImportFileError(
            "No column was recognised as " + ", ".join(f"“{m}”" for m in missing) + ". "
            "Choose which of your columns it is below, or rename it in the file."
        )
        error.unmapped = result.unmapped
        raise error
    index = {name: header.index(column) for column, name in columns.items()}
    schools = (
        {school.urn: school}
        if school
        else {s.urn: s for s in School.objects.prefetch_related("domains")}
    )
    domains = {
        d.domain: d.school_id for d in SchoolDomain.objects.all()
    }  # tiny table: one per school
    subjects = {s.name.lower(): s for s in Subject.objects.all()}
    seen: dict[str, int] = {}
    known = set(
        User.objects.annotate(mailbox=CanonicalEmail("email")).values_list("mailbox", flat=True)
    )
    with transaction.atomic():
        try:
            for values in reader:
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                row = {n: cell(values[i]) if i < len(values) else "" for n, i in index.items()}
                result.add(_one_row(row, line, school, schools, domains, subjects, seen, by, known))
        except csv.Error as error:
            raise ImportFileError(
                f"Line {reader.line_num}: this is not a valid CSV file ({error})."
            ) from None
        if dry_run or not result.ok:
            transaction.set_rollback(True)
    if not result.counts:
        raise ImportFileError("This file has a header but no staff in it.")
    return result


def _one_row(row, line, school, schools, domains, subjects, seen, by, known) -> StaffRow:
    email = row.get("email", "").lower()
    name = f"{row.get('first_name', '')} {row.get('last_name', '')}".strip()
    out = StaffRow(line=line, email=email, name=name, outcome=Outcome.ERROR)

    def refuse(message: str) -> StaffRow:
        out.message = message
        return out

    try:
        validate_email(email)
    except ValidationError:
        return refuse(f"“{email[:80]}” is not an email address." if email else "No email address.")
    mailbox = canonical_email(email)
    if mailbox in seen:
        return refuse(f"This person is also on line {seen[mailbox]}.")
    seen[mailbox] = line
    if not row.get("first_name") or not row.get("last_name"):
        return refuse("The first name or the surname is missing.")
    if len(row["first_name"]) > 100 or len(row["last_name"]) > 100:
        return refuse("The name is longer than 100 characters.")
    target = school
    urn = row.get("school_urn", "")
    if urn:
        target = schools.get(int(urn)) if urn.isdigit() else None
        if target is None or (school is not None and target != school):
            return refuse(f"Unknown school: no member school has the URN “{urn[:20]}” here.")
    if target is None:
        return refuse("No school: give a School URN.")
    role = _role(row.get("job_role", ""))
    if role is None:
        return refuse(
            f"Unknown job role “{row['job_role'][:60]}”. Use one of: "
            + ", ".join(User.JobRole.labels)
            + "."
        )
    wanted_subjects = [s.strip().lower() for s in re.split(r"[;,/]", row.get("subjects", ""))]
    wanted_subjects = [s for s in wanted_subjects if s]
    unknown = [s for s in wanted_subjects if s not in subjects]
    if unknown:
        return refuse(f"Unknown subject “{unknown[0]}”.")
    chosen = {subjects[s].pk for s in wanted_subjects}

    user = None
    if mailbox in known:  # one query for the whole file, not one per row
        user = User.objects.alias(mailbox=CanonicalEmail("email")).filter(mailbox=mailbox).first()
    if user is not None:
        if user.school_id not in (None, target.pk):
            return refuse("This person is already a member of another school.")
        changed = (
            user.first_name != row["first_name"]
            or user.last_name != row["last_name"]
            or user.job_role != role
            or user.school_id != target.pk
            or (chosen and chosen != set(user.subjects.values_list("pk", flat=True)))
        )
        if not changed:
            out.outcome = Outcome.UNCHANGED
            return out
        user.first_name, user.last_name = row["first_name"], row["last_name"]
        user.job_role, user.school = role, target
        user.save(update_fields=["first_name", "last_name", "job_role", "school"])
        if chosen:
            user.subjects.set(chosen)
        out.outcome = Outcome.UPDATED
        return out

    home = domains.get(email_domain(email))
    if home == target.pk:
        user = User.objects.create_user(
            email=email,
            first_name=row["first_name"],
            last_name=row["last_name"],
            school=target,
            job_role=role,
        )
        if chosen:
            user.subjects.set(chosen)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        out.outcome = Outcome.NEW
        return out
    if home is not None:
        return refuse("This address is another member school's: they sign up there themselves.")
    if (
        Invitation.objects.open()
        .annotate(lower=Lower("email"))
        .filter(lower=email, school=target)
        .exists()
    ):
        out.outcome = Outcome.UNCHANGED
        out.message = "Already invited."
        return out
    try:
        with transaction.atomic():
            invitation_create(school=target, email=email, invited_by=by)
    except InvitationError as error:
        return refuse(str(error))
    out.outcome = Outcome.INVITED
    out.message = "Outside the school's email domains: an invitation is sent."
    return out
