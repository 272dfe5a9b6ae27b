"""Checks on uploaded evidence: a short list of document and image types, and a size limit."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

MAX_ATTACHMENT_BYTES = getattr(settings, "PORTFOLIO_MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)

ZIP = b"PK\x03\x04"
# extension: (content type we store and serve, how the file must begin)
ALLOWED = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (ZIP,),
    ),
    ".pptx": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        (ZIP,),
    ),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (ZIP,)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": ("text/plain", ()),
}
ALLOWED_LABEL = "PDF, Word (.docx), PowerPoint (.pptx), Excel (.xlsx), PNG, JPEG or plain text"


def check_attachment(upload) -> str:
    """The content type to store for an upload, or a ValidationError saying what is wrong."""
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in ALLOWED:
        raise ValidationError(
            f"“{upload.name}” is not a type of file we keep. Upload a {ALLOWED_LABEL} file.",
            code="file_type",
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            f"“{upload.name}” is {filesizeformat(upload.size)}; the most we keep is "
            f"{filesizeformat(MAX_ATTACHMENT_BYTES)}. Try a smaller file or a link instead.",
            code="file_size",
        )
    if upload.size == 0:
        raise ValidationError(f"“{upload.name}” is empty.", code="file_empty")
    content_type, signatures = ALLOWED[suffix]
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if signatures and not head.startswith(signatures):
        raise ValidationError(
            f"“{upload.name}” does not look like a {suffix[1:].upper()} file. "
            "Check it opens, then try again.",
            code="file_content",
        )
    if suffix == ".txt":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as error:
            # A multi-byte character cut at 2,048 bytes is fine; anything else is not text.
            if error.start < len(head) - 4:
                raise ValidationError(
                    f"“{upload.name}” is not a plain text file.", code="file_content"
                ) from None
        if b"\x00" in head:
            raise ValidationError(f"“{upload.name}” is not a plain text file.", code="file_content")
    return content_type
