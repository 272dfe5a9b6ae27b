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
import secrets
from dataclasses import dataclass, field
from typing import BinaryIO

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
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
from ..services import email_domain, invitations_create_many
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
CHUNK = 1000  # rows checked and written together: a few queries per chunk, not per row


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

    @property
    def done(self) -> int:
        return sum(self.counts.values())

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
    progress=None,
) -> StaffResult:
    """
    Import staff from ``raw`` (CSV bytes) into ``school``, or into each row's School URN when
    no school is given. ``by`` invites (None from the command line). The caller has checked
    the person may import for that school (``permissions.can_import_staff``). The rows are
    read as a stream and handled a chunk at a time: one look-up of the chunk's known people
    and open invitations, new accounts and invitations written in bulk. ``progress(done)``,
    when given, is called after each chunk (the background job's progress bar).
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
    context = _Context(
        school=school,
        schools={school.urn: school} if school else {s.urn: s for s in School.objects.all()},
        domains=dict(SchoolDomain.objects.values_list("domain", "school_id")),  # one per school
        subjects={s.name.lower(): s for s in Subject.objects.all()},
        by=by,
    )
    with transaction.atomic():
        chunk: list[tuple[int, dict]] = []
        try:
            for values in reader:
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                row = {n: cell(values[i]) if i < len(values) else "" for n, i in index.items()}
                chunk.append((line, row))
                if len(chunk) >= CHUNK:
                    _chunk(chunk, context, result)
                    chunk = []
                    if progress is not None:
                        progress(result.done)
        except csv.Error as error:
            raise ImportFileError(
                f"Line {reader.line_num}: this is not a valid CSV file ({error})."
            ) from None
        if chunk:
            _chunk(chunk, context, result)
        if dry_run or not result.ok:
            transaction.set_rollback(True)
    if not result.counts:
        raise ImportFileError("This file has a header but no staff in it.")
    return result


@dataclass
class _Context:
    school: School | None
    schools: dict[int, School]
    domains: dict[str, int]
    subjects: dict[str, Subject]
    by: User | None
    seen: dict[str, int] = field(default_factory=dict)


@dataclass
class _Person:
    out: StaffRow
    email: str
    mailbox: str
    first_name: str
    last_name: str
    role: str
    target: School
    chosen: set[int]


def _check(line: int, row: dict, context: _Context) -> _Person | StaffRow:
    """One row on its own (no queries): the person it describes, or the row with its error."""
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
    if mailbox in context.seen:
        return refuse(f"This person is also on line {context.seen[mailbox]}.")
    context.seen[mailbox] = line
    if not row.get("first_name") or not row.get("last_name"):
        return refuse("The first name or the surname is missing.")
    if len(row["first_name"]) > 100 or len(row["last_name"]) > 100:
        return refuse("The name is longer than 100 characters.")
    target = context.school
    urn = row.get("school_urn", "")
    if urn:
        target = context.schools.get(int(urn)) if urn.isdigit() else None
        if target is None or (context.school is not None and target != context.school):
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
    wanted = [s.strip().lower() for s in re.split(r"[;,/]", row.get("subjects", ""))]
    wanted = [s for s in wanted if s]
    unknown = [s for s in wanted if s not in context.subjects]
    if unknown:
        return refuse(f"Unknown subject “{unknown[0]}”.")
    return _Person(
        out=out,
        email=email,
        mailbox=mailbox,
        first_name=row["first_name"],
        last_name=row["last_name"],
        role=role,
        target=target,
        chosen={context.subjects[s].pk for s in wanted},
    )


def _chunk(chunk: list[tuple[int, dict]], context: _Context, result: StaffResult) -> None:
    """Check a chunk of rows, then write it: a handful of queries whatever its size."""
    checked = [_check(line, row, context) for line, row in chunk]
    people = [person for person in checked if isinstance(person, _Person)]
    if not people:
        for row in checked:
            result.add(row)
        return
    known = {
        user.mailbox: user
        for user in User.objects.annotate(mailbox=CanonicalEmail("email")).filter(
            mailbox__in=[p.mailbox for p in people]
        )
    }
    subjects_of: dict[int, set[int]] = {}
    if any(p.chosen for p in people) and known:
        through = User.subjects.through.objects.filter(user_id__in=[u.pk for u in known.values()])
        for user_id, subject_id in through.values_list("user_id", "subject_id"):
            subjects_of.setdefault(user_id, set()).add(subject_id)
    invited = set(
        Invitation.objects.open()
        .annotate(lower=Lower("email"))
        .filter(lower__in=[p.email for p in people])
        .values_list("lower", "school_id")
    )
    new_users: list[tuple[_Person, User]] = []
    invitations: list[_Person] = []
    for person in people:
        out = person.out
        user = known.get(person.mailbox)
        if user is not None:
            _update(person, user, subjects_of.get(user.pk, set()))
        elif context.domains.get(email_domain(person.email)) == person.target.pk:
            out.outcome = Outcome.NEW
            new_users.append((person, _new_user(person)))
        elif email_domain(person.email) in context.domains:
            out.message = "This address is another member school's: they sign up there themselves."
        elif (person.email, person.target.pk) in invited:
            out.outcome, out.message = Outcome.UNCHANGED, "Already invited."
        else:
            out.outcome = Outcome.INVITED
            out.message = "Outside the school's email domains: an invitation is sent."
            invitations.append(person)
    for row in checked:  # in the file's order
        result.add(row.out if isinstance(row, _Person) else row)
    if new_users:
        made = User.objects.bulk_create([user for _, user in new_users], batch_size=CHUNK)
        EmailAddress.objects.bulk_create(
            [EmailAddress(user=u, email=u.email, primary=True, verified=False) for u in made],
            batch_size=CHUNK,
        )
        User.subjects.through.objects.bulk_create(
            [
                User.subjects.through(user_id=user.pk, subject_id=subject)
                for person, user in new_users
                for subject in person.chosen
            ],
            batch_size=CHUNK,
        )
    invitations_create_many(
        invitations=[(p.target, p.email) for p in invitations], invited_by=context.by
    )


def _new_user(person: _Person) -> User:
    return User(
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        school=person.target,
        job_role=person.role,
        # None yet ("forgot password", or their school's sign-in): Django's unusable password,
        # from os.urandom rather than make_password(None)'s slower random.choice per character.
        password=UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30),
    )


def _update(person: _Person, user: User, subjects: set[int]) -> None:
    """A known person: updated (one save, so their expert profile follows), or unchanged."""
    out = person.out
    if user.school_id not in (None, person.target.pk):
        out.message = "This person is already a member of another school."
        return
    changed = (
        user.first_name != person.first_name
        or user.last_name != person.last_name
        or user.job_role != person.role
        or user.school_id != person.target.pk
        or (person.chosen and person.chosen != subjects)
    )
    if not changed:
        out.outcome = Outcome.UNCHANGED
        return
    user.first_name, user.last_name = person.first_name, person.last_name
    user.job_role, user.school = person.role, person.target
    user.save(update_fields=["first_name", "last_name", "job_role", "school"])
    if person.chosen:
        user.subjects.set(person.chosen)
    out.outcome = Outcome.UPDATED
