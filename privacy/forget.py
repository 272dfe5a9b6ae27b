"""
What an erasure removes beyond each app's own receiver, and what the retention job removes
that is not an account: imports (their results and the uploaded files) and signed-in sessions.

Import files are kept outside MEDIA_ROOT, one folder per uploader (hubs/onboarding/uploads.py);
a staff file names many people, so an erased person's rows are taken out of every import's
results and any kept file that names them is deleted (a preview of it is then uploaded again).
"""

from __future__ import annotations

import datetime
import logging
import shutil
from importlib import import_module
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from cpdhub.erasure import names_of, scrub_json, scrub_text
from hubs.models import ImportJob, User
from hubs.onboarding.uploads import uploads_dir

log = logging.getLogger(__name__)


# --- Imports -----------------------------------------------------------------------------


def imports_root() -> Path:
    return uploads_dir(0).parent


def imports_naming(user: User):
    """Import jobs (anyone's) whose results or error name the person."""
    named = Q()
    for name in names_of(user)[:2]:  # the address and the full name
        named |= Q(_result__icontains=name) | Q(error__icontains=name)
    return ImportJob.objects.annotate(_result=Cast("result", TextField())).filter(named)


def imports_forget(*, user: User) -> None:
    """
    Part of every erasure: the person's name and address out of every import's results (the
    rows stay, counted, saying "(an erased account)"); their own uploads, and anyone's kept file
    that names them, deleted once the erasure commits.
    """
    names = names_of(user)
    for job in imports_naming(user).exclude(created_by=user).only("pk", "result", "error"):
        ImportJob.objects.filter(pk=job.pk).update(
            result=scrub_json(job.result, names), error=scrub_text(job.error, names)
        )
    own = uploads_dir(user.pk)
    words = [n.lower().encode() for n in names[:2]]
    transaction.on_commit(lambda: _delete_files(own, words))


def _delete_files(own: Path, words: list[bytes]) -> None:
    shutil.rmtree(own, ignore_errors=True)
    root = imports_root()
    if not root.is_dir():
        return
    for path in root.glob("*/*"):
        try:
            content = path.read_bytes().lower()
        except OSError:
            continue
        if any(word in content for word in words):
            path.unlink(missing_ok=True)


def imports_expire(*, dry_run: bool = False, now: datetime.datetime | None = None) -> dict:
    """
    The retention period of imports (``CPDHUB_RETENTION_IMPORT_DAYS``; 0 keeps them): jobs
    created that long ago are deleted with their results, and so is every kept file that old.
    A dry run counts them and deletes nothing.
    """
    days = settings.CPDHUB_RETENTION_IMPORT_DAYS
    if not days:
        return {"jobs": 0, "files": 0}
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    old = ImportJob.objects.filter(created_at__lte=cutoff)
    root = imports_root()
    stale = []
    for path in root.glob("*/*") if root.is_dir() else ():
        try:
            if path.is_file() and path.stat().st_mtime <= cutoff.timestamp():
                stale.append(path)
        except OSError:
            continue
    if dry_run:
        return {"jobs": old.count(), "files": len(stale)}
    with transaction.atomic():
        # Confirmations first (they point at their preview), then previews and the rest.
        jobs = old.filter(confirms__isnull=False).delete()[1].get(ImportJob._meta.label, 0)
        jobs += old.delete()[1].get(ImportJob._meta.label, 0)
    for path in stale:
        path.unlink(missing_ok=True)
    for folder in root.iterdir() if root.is_dir() else ():
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    return {"jobs": jobs, "files": len(stale)}


# --- Signed-in sessions ------------------------------------------------------------------


def sessions_forget(*, user: User) -> int:
    """
    Part of every erasure: every session (expired or not) signed in as the person, or holding
    their address (a sign-in or sign-up half done), is deleted, from the database and the
    session cache.
    Done by reading each session once: erasures are rare, sessions a few thousand.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    pk, email = str(user.pk), user.email.lower()
    keys = []
    for key, data in Session.objects.values_list("session_key", "session_data").iterator(2000):
        decoded = store().decode(data)
        if str(decoded.get("_auth_user_id")) == pk or (email and email in repr(decoded).lower()):
            keys.append(key)
    Session.objects.filter(session_key__in=keys).delete()

    def _out_of_the_cache() -> None:
        for key in keys:
            store(key).delete()

    transaction.on_commit(_out_of_the_cache)
    return len(keys)
