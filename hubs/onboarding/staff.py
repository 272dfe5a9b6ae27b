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
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower

from ..emails import mail_welcomes
from ..models import (
    COORDINATORS_GROUP,
    CanonicalEmail,
    Invitation,
    Responsibility,
    School,
    SchoolDomain,
    Subject,
    User,
    UserResponsibility,
    canonical_email,
)
from ..services import email_domain, invitations_create_many
from .departments import join_departments
from .files import ImportFileError, cell, open_csv_text
from .job_titles import RESPONSIBILITY_WORDS, ROLE_WORDS
from .staff_result import MAX_ERRORS_SHOWN, Outcome, StaffResult, StaffRow

__all__ = [
    "FIELDS",
    "MAX_ERRORS_SHOWN",
    "Outcome",
    "StaffResult",
    "StaffRow",
    "role_map_clean",
    "staff_import",
]

FIELDS = {
    "email": "Email",
    "first_name": "First name",
    "last_name": "Surname",
    "job_role": "Job role",
    "subjects": "Subjects",
    "school_urn": "School URN",
    "department": "Department",
}
ALIASES = {
    "email": ["email", "work email", "email address", "school email", "e-mail", "work e-mail"],
    "first_name": ["forename", "preferred forename", "first name", "firstname", "given name"],
    "last_name": ["surname", "legal surname", "last name", "lastname", "family name"],
    "job_role": ["role", "staff role", "job title", "job role", "post"],
    "subjects": ["subjects", "subject", "subjects taught"],
    "school_urn": ["school urn", "urn"],
    "department": ["department", "team", "dept"],
}
REQUIRED = ["email", "first_name", "last_name"]
MAX_ROWS = 20_000  # staff rows a file may hold (a large MAT's whole staff is a few thousand)
MAX_UNKNOWN_ROLES = 50  # distinct unrecognised job titles offered for mapping
CHUNK = 1000  # rows checked and written together: a few queries per chunk, not per row


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


def _key(value: str) -> str:
    return re.sub(r"\s+", " ", value.strip().lower())


def _role(value: str, role_map: dict[str, str]) -> str | None:
    if not value:
        return User.JobRole.TEACHER
    key = _key(value)
    return role_map.get(key) or ROLE_WORDS.get(key)


def role_map_clean(given: dict) -> dict[str, str]:
    """A person's choices of job role for their file's titles: {title in lower case: role}."""
    return {
        _key(str(title))[:100]: role
        for title, role in (given or {}).items()
        if role in User.JobRole.values and str(title).strip()
    }


HAS_NUL = "\x00"


def staff_import(
    *,
    raw: BinaryIO,
    by: User | None,
    school: School | None = None,
    column_map: dict[str, str] | None = None,
    role_map: dict[str, str] | None = None,
    dry_run: bool = True,
    import_good_rows: bool = False,
    welcome: bool = False,
    rejected=None,
    progress=None,
) -> StaffResult:
    """
    Import staff from ``raw`` (CSV bytes) into ``school``, or into each row's School URN when
    no school is given. ``by`` invites (None from the command line). The caller has checked
    the person may import for that school (``permissions.can_import_staff``). The rows are
    read as a stream and handled a chunk at a time: one look-up of the chunk's known people
    and open invitations, new accounts and invitations written in bulk. ``progress(done)``,
    when given, is called after each chunk (the background job's progress bar).

    A file with an error row imports nothing, unless ``import_good_rows``: then every row
    without an error is imported and the others are left out. ``rejected(header, values,
    line, reason)``, when given, is called for each row left out (the download of the rest).
    ``role_map`` maps the file's own job titles to ours (the person's choices). ``welcome``:
    each imported person who has never signed in is emailed a welcome with a link to choose
    a password, once per person (the email ledger's key).
    """
    result = StaffResult(dry_run=dry_run, import_good_rows=import_good_rows)
    text = open_csv_text(raw)
    reader = csv.reader(text)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise ImportFileError(f"This is not a valid CSV file ({error}).") from None
    if not header:
        raise ImportFileError("This file is empty.")
    if any(HAS_NUL in h for h in header):
        raise ImportFileError(_nul_message(1))
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
        role_map=role_map_clean(role_map or {}),
        result=result,
    )
    with transaction.atomic():
        chunk: list[tuple[int, dict, list[str]]] = []
        rows = 0
        try:
            for values in reader:
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                rows += 1
                if rows > MAX_ROWS:
                    raise ImportFileError(
                        f"This file has more than {MAX_ROWS:,} rows of staff; the limit is "
                        f"{MAX_ROWS:,} a file, so nothing was imported. Split it (by school, or "
                        "in halves) and import each part."
                    )
                if any(HAS_NUL in v for v in values):
                    row = {"nul": True}
                else:
                    row = {n: cell(values[i]) if i < len(values) else "" for n, i in index.items()}
                chunk.append((line, row, values))
                if len(chunk) >= CHUNK:
                    _chunk(chunk, context, result, header=header, rejected=rejected)
                    chunk = []
                    if progress is not None:
                        progress(result.done)
        except csv.Error as error:
            raise ImportFileError(
                f"Line {reader.line_num}: this is not a valid CSV file ({error})."
            ) from None
        if chunk:
            _chunk(chunk, context, result, header=header, rejected=rejected)
        if result.written:
            result.joined, result.teams_made = join_departments(context.departments)
        if result.written and welcome and context.welcome:
            result.welcomed = welcome_send(user_ids=context.welcome)
        if dry_run or not result.written:
            transaction.set_rollback(True)
    if not result.counts:
        raise ImportFileError("This file has a header but no staff in it.")
    return result


def _nul_message(line: int) -> str:
    return (
        f"Line {line} holds a NUL character (a zero byte), which is not text: the file may be "
        "damaged or saved in another format. Open it in your spreadsheet and save it again as "
        "“CSV UTF-8”."
    )


def welcome_send(*, user_ids: list[int]) -> int:
    """The welcome email, through the ledger, once per person: how many are new on it."""
    return len(mail_welcomes(user_ids))


@dataclass
class _Context:
    school: School | None
    schools: dict[int, School]
    domains: dict[str, int]
    subjects: dict[str, Subject]
    by: User | None
    role_map: dict[str, str]
    result: StaffResult
    seen: dict[str, int] = field(default_factory=dict)
    welcome: list[int] = field(default_factory=list)  # who is offered the welcome email
    departments: list[tuple[int, int, str]] = field(default_factory=list)  # school, user, team


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
    responsibility: str = ""
    department: str = ""


def _check(line: int, row: dict, context: _Context) -> _Person | StaffRow:
    """One row on its own (no queries): the person it describes, or the row with its error."""
    if row.get("nul"):
        return StaffRow(
            line=line, email="", name="", outcome=Outcome.ERROR, message=_nul_message(line)
        )
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
    role = _role(row.get("job_role", ""), context.role_map)
    if role is None:
        title = _key(row["job_role"])[:100]
        unknown = context.result.unknown_roles
        if title in unknown or len(unknown) < MAX_UNKNOWN_ROLES:
            unknown[title] = unknown.get(title, 0) + 1
        return refuse(
            f"Unknown job role “{row['job_role'][:60]}”: choose which of ours it is below the "
            "list, or use one of: " + ", ".join(User.JobRole.labels) + "."
        )
    if len(row.get("department", "")) > 100:
        return refuse("The department is longer than 100 characters.")
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
        responsibility=RESPONSIBILITY_WORDS.get(_key(row.get("job_role", "")), ""),
        department=row.get("department", ""),
    )


def _chunk(
    chunk: list[tuple[int, dict, list[str]]],
    context: _Context,
    result: StaffResult,
    *,
    header: list[str],
    rejected=None,
) -> None:
    """Check a chunk of rows, then write it: a handful of queries whatever its size."""
    checked = [_check(line, row, context) for line, row, _ in chunk]
    people = [person for person in checked if isinstance(person, _Person)]
    if people:
        _write(people, context)
    for (line, _, values), row in zip(chunk, checked, strict=True):  # in the file's order
        out = row.out if isinstance(row, _Person) else row
        result.add(out)
        if out.outcome == Outcome.ERROR and rejected is not None:
            rejected(header, values, line, out.message)


def _write(people: list[_Person], context: _Context) -> None:
    """The chunk's people without an error in their own row: looked up, then written."""
    coordinator = User.groups.through.objects.filter(
        user=OuterRef("pk"), group__name=COORDINATORS_GROUP
    )
    known = {
        user.mailbox: user
        for user in User.objects.annotate(
            mailbox=CanonicalEmail("email"), in_coordinators_group=Exists(coordinator)
        ).filter(mailbox__in=[p.mailbox for p in people])
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
    invited_elsewhere = {email for email, school_id in invited}
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
            if person.responsibility:
                out.message = (
                    f"{Responsibility(person.responsibility).label} is ticked as a "
                    "responsibility (they can change it in “My details”)."
                )
        elif email_domain(person.email) in context.domains:
            out.message = "This address is another member school's: they sign up there themselves."
        elif (person.email, person.target.pk) in invited:
            out.outcome, out.message = Outcome.UNCHANGED, "Already invited."
        elif person.email in invited_elsewhere:
            out.message = (
                "This address has an open invitation from another school: an import leaves it "
                "as it is."
            )
        else:
            out.outcome = Outcome.INVITED
            out.message = "Outside the school's email domains: an invitation is sent."
            invitations.append(person)
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
        UserResponsibility.objects.bulk_create(
            [
                UserResponsibility(user_id=user.pk, responsibility=person.responsibility)
                for person, user in new_users
                if person.responsibility
            ],
            ignore_conflicts=True,
        )
        context.welcome.extend(user.pk for _, user in new_users)
    context.welcome.extend(
        known[p.mailbox].pk
        for p in people
        if p.out.outcome in (Outcome.UPDATED, Outcome.UNCHANGED)
        and p.mailbox in known
        and known[p.mailbox].last_login is None
        and known[p.mailbox].is_active
    )
    made = {id(person): user for person, user in new_users}
    context.departments.extend(
        (p.target.pk, (made.get(id(p)) or known[p.mailbox]).pk, p.department)
        for p in people
        if p.department
        and p.out.outcome in (Outcome.NEW, Outcome.UPDATED, Outcome.UNCHANGED)
        and (id(p) in made or p.mailbox in known)
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


def out_of_reach(user: User, school: School) -> str:
    """
    Why an import into ``school`` may not change this existing account, or "" when it may.
    An import only ever changes people already in the school it imports into: never the
    coordinator or an administrator, never an account that belongs to no school (the first
    coordinator has none), never a member of another school. Whoever imports (a CPD leader or
    the coordinator), the same rule, row by row.
    """
    if user.is_staff or user.is_superuser or getattr(user, "in_coordinators_group", False):
        return (
            "This address is a coordinator's or an administrator's account: an import never "
            "changes it."
        )
    if user.school_id is None:
        return (
            "This address already has an account that belongs to no school: an import never "
            "changes it. The coordinator can attach it to the school."
        )
    if user.school_id != school.pk:
        return "This person is already a member of another school: an import never changes them."
    return ""


def _update(person: _Person, user: User, subjects: set[int]) -> None:
    """A known person: updated (one save, so their expert profile follows), or unchanged."""
    out = person.out
    refusal = out_of_reach(user, person.target)
    if refusal:
        out.message = refusal
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
