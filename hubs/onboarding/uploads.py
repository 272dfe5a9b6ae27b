"""Uploaded import files, kept privately between the preview and the confirmation."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from django.conf import settings

from .files import MAX_UPLOAD_BYTES, ImportFileError

TOKEN = re.compile(r"^[0-9a-f]{64}$")


def uploads_dir(user_id: int) -> Path:
    # Outside MEDIA_ROOT: never served. One folder per person, so a token is only theirs.
    return Path(getattr(settings, "IMPORTS_DIR", settings.VAR_DIR / "imports")) / str(user_id)


def upload_keep(*, upload, user_id: int) -> str:
    """Store an uploaded file (streamed, size-checked); its SHA-256 is the token for confirm."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ImportFileError(
            f"This file is {upload.size / 1024 / 1024:.0f} MB; the limit is "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Export only your schools or staff, or "
            "split the file."
        )
    folder = uploads_dir(user_id)
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    partial = folder / "upload.part"
    with partial.open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    token = digest.hexdigest()
    partial.replace(folder / f"{token}.csv")
    return token


def upload_path(*, token: str, user_id: int) -> Path:
    path = uploads_dir(user_id) / f"{token}.csv"
    if not TOKEN.match(token or "") or not path.exists():
        raise ImportFileError("That file is no longer here: upload it again.")
    return path


def rejected_path(*, job_id: int, user_id: int) -> Path:
    """The rows an import job left out, with the reason for each (written by the job)."""
    return uploads_dir(user_id) / f"rejected-{int(job_id)}.csv"
