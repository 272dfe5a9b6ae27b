"""My whole portfolio to take with me to another school (``whole_portfolio`` reads it): as plain
data (JSON), and as one zip with the JSON, the evidence files themselves and a printable copy."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import PurePath

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from cpdhub.academic_year import year_label
from experts.models import ExpertiseArea
from hubs.models import User
from hubs.selectors import community_details
from notifications.rendering import absolute_url

from .models import Entry, EntryAttachment, Goal, ImpactFollowUp, Need, Statement

FORMAT_VERSION = 1


def whole_portfolio(user: User) -> dict:
    """Everything I own, loaded in a fixed number of queries, for the export and print pages."""
    goals = list(
        Goal.objects.filter(owner=user)
        .prefetch_related(
            Prefetch("areas", queryset=ExpertiseArea.objects.order_by("name")),
            "reviews",
            Prefetch("shared_with", queryset=User.objects.order_by("email")),
        )
        .order_by("-academic_year", "title")
    )
    entries = list(
        Entry.objects.filter(owner=user)
        .select_related("follow_up")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("title")),
            Prefetch("attachments", queryset=EntryAttachment.objects.order_by("pk")),
            Prefetch("shared_with", queryset=User.objects.order_by("email")),
        )
        .order_by("-date", "-pk")
    )
    needs = list(
        Need.objects.filter(owner=user).select_related("area", "goal").order_by("-created_at")
    )
    statements = list(Statement.objects.filter(owner=user).order_by("-academic_year"))
    return {"goals": goals, "entries": entries, "needs": needs, "statements": statements}


def _follow_up(entry) -> dict | None:
    try:
        follow_up = entry.follow_up
    except ImpactFollowUp.DoesNotExist:
        return None
    return {
        "due_on": follow_up.due_on,
        "answered_at": follow_up.answered_at,
        "tried": follow_up.tried,
        "level": follow_up.level,
        "level_label": follow_up.get_level_display() if follow_up.level else "",
        "what_happened": follow_up.what_happened,
    }


def portfolio_as_data(user, portfolio: dict) -> dict:
    return {
        "format": "cpdhub-portfolio",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "owner": {
            "name": user.full_name,
            "email": user.email,
            "school": user.school.name if user.school_id else None,
            "job_role": user.get_job_role_display(),
        },
        "goals": [
            {
                "id": goal.pk,
                "title": goal.title,
                "description": goal.description,
                "areas": [area.name for area in goal.areas.all()],
                "success_criteria": goal.success_criteria,
                "source": goal.get_source_display(),
                "academic_year": year_label(goal.academic_year),
                "status": goal.status,
                "reviews": [{"date": r.date, "note": r.note} for r in goal.reviews.all()],
                "shared_with_cpd_leader": goal.share_with_leaders,
                "shared_with": [person.email for person in goal.shared_with.all()],
            }
            for goal in portfolio["goals"]
        ],
        "entries": [
            {
                "id": entry.pk,
                "date": entry.date,
                "kind": entry.get_kind_display(),
                "title": entry.title,
                "hours": entry.hours,
                "what_i_learned": entry.learned,
                "what_i_will_try": entry.will_try,
                "impact_on_my_practice": entry.impact_practice,
                "impact_on_pupils": entry.impact_pupils,
                "evidence": entry.evidence,
                "links": entry.link_list,
                "goals": [goal.pk for goal in entry.goals.all()],
                "attachments": [
                    {
                        "name": item.original_name,
                        "content_type": item.content_type,
                        "size": item.size,
                        "url": absolute_url(item.get_absolute_url()),
                    }
                    for item in entry.attachments.all()
                ],
                "follow_up": _follow_up(entry),
                "shared_with_cpd_leader": entry.share_with_leaders,
                "shared_with": [person.email for person in entry.shared_with.all()],
            }
            for entry in portfolio["entries"]
        ],
        "needs": [
            {
                "area": need.area.name,
                "description": need.description,
                "priority": need.priority,
                "status": need.status,
                "goal": need.goal_id,
                "recorded_at": need.created_at,
            }
            for need in portfolio["needs"]
        ],
        "statements": [
            {"academic_year": year_label(s.academic_year), "text": s.text}
            for s in portfolio["statements"]
        ],
    }


# --- One download that goes with me: the JSON, the evidence files and a printable copy ---

ZIP_FOLDER = "cpd-portfolio"


def _file_name(attachment, taken: set[str]) -> str:
    """A safe, unique name in the zip for one file: ``files/<entry>-<name>``."""
    name = PurePath(attachment.original_name or "file").name
    stem, suffix = PurePath(name).stem, PurePath(name).suffix.lower()
    base = f"{attachment.entry_id}-{slugify(stem) or 'file'}"
    candidate, n = f"files/{base}{suffix}", 1
    while candidate in taken:
        n += 1
        candidate = f"files/{base}-{n}{suffix}"
    taken.add(candidate)
    return candidate


def portfolio_zip(user, portfolio: dict, stream) -> None:
    """
    Write my whole portfolio as a zip into ``stream`` (a file opened for binary writing):
    ``portfolio.json`` (as ``portfolio_as_data``, each attachment with its ``file`` in the zip),
    ``files/`` (the evidence files themselves, read from storage one at a time) and
    ``portfolio.html`` (a printable copy that opens offline and links to the files).
    """
    data = portfolio_as_data(user, portfolio)
    taken: set[str] = set()
    in_zip: dict[int, str] = {}
    missing: set[int] = set()
    for entry in portfolio["entries"]:
        for attachment in entry.attachments.all():
            in_zip[attachment.pk] = _file_name(attachment, taken)
    with zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for entry in portfolio["entries"]:
            for attachment in entry.attachments.all():
                try:
                    target_name = f"{ZIP_FOLDER}/{in_zip[attachment.pk]}"
                    with (
                        attachment.file.open("rb") as source,
                        archive.open(target_name, "w") as target,
                    ):
                        shutil.copyfileobj(source, target, 1024 * 1024)
                except (FileNotFoundError, OSError):
                    missing.add(attachment.pk)
        for entry_data, entry in zip(data["entries"], portfolio["entries"], strict=True):
            for item, attachment in zip(
                entry_data["attachments"], entry.attachments.all(), strict=True
            ):
                item["file"] = None if attachment.pk in missing else in_zip[attachment.pk]
        archive.writestr(
            f"{ZIP_FOLDER}/portfolio.json",
            json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        )
        html = render_to_string(
            "portfolios/export.html",
            {
                "person": user,
                "portfolio": portfolio,
                "files": in_zip,
                "missing": missing,
                "community_name": community_details().name,
                "exported_at": timezone.now(),
            },
        )
        archive.writestr(f"{ZIP_FOLDER}/portfolio.html", html)
