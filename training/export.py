"""
A person's required training for "download my data" (privacy/collect.py): every completion
they have (with its certificate's name; the file itself is in the zip's ``files`` folder).
"""

from __future__ import annotations

from collections.abc import Callable

from .models import Completion


def training_data(user, rows: Callable) -> dict[str, list]:
    """``rows`` is the export's row writer (privacy.collect.rows)."""
    return {"completions": rows(Completion.objects.filter(user=user))}


def files_of(user):
    """The person's certificates, each with the name it has in the zip."""
    for completion in Completion.objects.filter(user=user).exclude(certificate="").order_by("pk"):
        yield f"files/training-{completion.pk}-{completion.original_name}", completion
