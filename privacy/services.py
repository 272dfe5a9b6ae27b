"""The personal-data rights as writes: request and build a download, delete an account, expire."""

from __future__ import annotations

import datetime
import json
import logging
import tempfile
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone

from hubs.models import User
from hubs.services import user_delete, user_expire

from .collect import personal_data, personal_files
from .emails import mail_export_ready
from .models import EXPORT_DAYS, DataExport

log = logging.getLogger(__name__)


class OnlyCoordinator(Exception):
    """The community would be left without anyone to run it."""


def made_today(user: User) -> DataExport | None:
    """The person's download made today (Europe/London), if it is still there to fetch."""
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    export = (
        DataExport.objects.filter(user=user, state=DataExport.State.READY, created_at__gte=midnight)
        .order_by("-created_at")
        .first()
    )
    return export if export is not None and export.is_available else None


@transaction.atomic
def export_request(*, user: User) -> DataExport:
    """
    Ask for a download of everything about ``user``. While one is queued or being built it is
    that one (a second click, a refresh, two tabs: never two builds); once one is made, it is
    that one until midnight (one full zip a day per person at most). Built by a worker once
    this commits (in-process in the demo): the view hands a queued one to ``build_export``.
    """
    unfinished = DataExport.objects.filter(user=user, state__in=DataExport.UNFINISHED).first()
    if unfinished is not None:
        return unfinished
    today = made_today(user)
    if today is not None:
        return today
    try:
        with transaction.atomic():
            export = DataExport.objects.create(user=user)
    except IntegrityError:  # another request made it a moment ago
        return DataExport.objects.get(user=user, state__in=DataExport.UNFINISHED)
    return export


def export_build(*, export_id: int) -> DataExport | None:
    """Build the zip (data.json, the evidence files, a README), then offer it by email."""
    with transaction.atomic():
        export = (
            DataExport.objects.select_for_update(skip_locked=True)
            .filter(pk=export_id, state=DataExport.State.QUEUED)
            .select_related("user")
            .first()
        )
        if export is None:
            return None  # built already, being built by another worker, or gone
        export.state = DataExport.State.BUILDING
        export.save(update_fields=["state"])
    user = export.user
    try:
        with tempfile.TemporaryFile() as spool:
            with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                data = personal_data(user)
                archive.writestr("data.json", json.dumps(data, indent=2, ensure_ascii=False))
                missing = []
                for name, attachment in personal_files(user):
                    try:
                        with attachment.file.open("rb") as source:
                            archive.writestr(name, source.read())
                    except FileNotFoundError:
                        missing.append(attachment.original_name)
                archive.writestr(
                    "README.txt",
                    render_to_string(
                        "privacy/export_readme.txt",
                        {
                            "person": user,
                            "sections": data,
                            "missing": missing,
                            "now": timezone.now(),
                        },
                    ),
                )
            spool.seek(0)
            with transaction.atomic():
                export.file.save(f"{user.pk}-{export.token[:16]}.zip", File(spool), save=False)
                export.size = export.file.size
                export.state = DataExport.State.READY
                export.finished_at = timezone.now()
                export.expires_at = export.finished_at + datetime.timedelta(days=EXPORT_DAYS)
                export.save(update_fields=["file", "size", "state", "finished_at", "expires_at"])
                mail_export_ready(export)
                _forget_older(export)
    except Exception:
        log.exception("Data export %s failed", export.pk)
        DataExport.objects.filter(pk=export.pk).update(state=DataExport.State.FAILED)
        raise
    return export


def _forget_older(export: DataExport) -> None:
    """Only the newest download is kept: older ones go (their files once this commits)."""
    for older in (
        DataExport.objects.filter(user=export.user_id)
        .exclude(pk=export.pk)
        .exclude(state__in=DataExport.UNFINISHED)
    ):
        if older.file:
            name, storage = older.file.name, older.file.storage
            transaction.on_commit(lambda n=name, s=storage: s.delete(n))
        older.delete()


def exports_purge(*, now: datetime.datetime | None = None) -> int:
    """Remove downloads past their expiry (and failed ones a day old): file and row."""
    now = now or timezone.now()
    old = DataExport.objects.filter(
        Q(expires_at__lte=now)
        | Q(state=DataExport.State.FAILED, created_at__lte=now - datetime.timedelta(days=1))
    )
    removed = 0
    for export in old:
        if export.file:
            export.file.delete(save=False)
        export.delete()
        removed += 1
    return removed


@transaction.atomic
def account_delete_own(*, user: User) -> None:
    """
    Delete my own account (re-authenticated by the view). The community's last coordinator
    cannot: nobody would be left to run it.
    """
    if user.is_coordinator:
        others = (
            User.objects.filter(is_active=True)
            .filter(Q(groups__name="Coordinators") | Q(is_superuser=True))
            .exclude(pk=user.pk)
        )
        if not others.exists():
            raise OnlyCoordinator(
                "You are the community's only coordinator: make someone else a coordinator "
                "before you delete your account."
            )
    user_delete(user=user, by=user)


def exports_forget(*, user: User) -> None:
    """
    Part of every erasure (``hubs.signals.user_deleting``, connected in PrivacyConfig.ready):
    their downloads' rows go with the account, the zip files once that commits.
    """
    for export in DataExport.objects.filter(user=user):
        if export.file:
            name, storage = export.file.name, export.file.storage
            transaction.on_commit(lambda n=name, s=storage: s.delete(n))


@dataclass(frozen=True)
class Retention:
    """Who the retention policy removes now: the two groups, as querysets."""

    removed: object  # people their school removed, that long ago
    inactive: object  # accounts nobody has signed in to for that long

    @property
    def people(self):
        return self.removed.union(self.inactive)


def retention_due(*, now: datetime.datetime | None = None) -> Retention:
    """
    People past the retention periods (settings, in months; 0 switches a rule off):
    ``CPDHUB_RETENTION_REMOVED_MONTHS`` after their school removed them, and
    ``CPDHUB_RETENTION_INACTIVE_MONTHS`` after they last signed in (or joined, if never).
    Coordinators and admin-site users are never removed by inactivity.
    """
    now = now or timezone.now()
    removed_months = settings.CPDHUB_RETENTION_REMOVED_MONTHS
    inactive_months = settings.CPDHUB_RETENTION_INACTIVE_MONTHS
    none = User.objects.none()
    removed = none
    if removed_months:
        cutoff = now - datetime.timedelta(days=round(removed_months * 30.44))
        removed = User.objects.filter(is_active=False).filter(
            Q(deactivated_at__lte=cutoff)
            | Q(deactivated_at__isnull=True, date_joined__lte=cutoff)
            & (Q(last_login__isnull=True) | Q(last_login__lte=cutoff))
        )
    inactive = none
    if inactive_months:
        cutoff = now - datetime.timedelta(days=round(inactive_months * 30.44))
        inactive = (
            User.objects.filter(is_active=True, is_staff=False, is_superuser=False)
            .exclude(groups__name="Coordinators")
            .annotate(seen=Coalesce(F("last_login"), F("date_joined")))
            .filter(seen__lte=cutoff)
        )
    return Retention(removed=removed, inactive=inactive)


def retention_apply(*, dry_run: bool, now: datetime.datetime | None = None) -> dict[str, list]:
    """Delete everyone the retention policy says is due (or, dry run, only list them)."""
    due = retention_due(now=now)
    found = {
        "removed": list(due.removed.order_by("pk").values_list("pk", "email")),
        "inactive": list(due.inactive.order_by("pk").values_list("pk", "email")),
    }
    if not dry_run:
        for group in found.values():
            for pk, _email in group:
                person = User.objects.filter(pk=pk).first()
                if person is not None:
                    user_expire(user=person)
    return found
