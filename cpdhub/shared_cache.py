"""
Values that are the same for everyone (the community's counts, the term dates, filter choices),
kept in the cache until a row they are made of changes.

    @shared("community-counts", depends_on=(School, Hub, SubjectNetwork, User))
    def community_counts() -> dict: ...

A save or delete of any model in ``depends_on`` forgets the value, at once and again when the
transaction commits (so a request that read the old rows meanwhile cannot keep them cached).
Writes that send no signals (``update()``, ``bulk_create()``: imports, seed_scale) are caught up
by the timeout, ten minutes. With the cache in Redis every process sees the same values; the
embedded demo's in-process cache is one process (runserver).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

TIMEOUT_SECONDS = 600
_MISSING = object()
_keys_by_model: dict[type, set[str]] = defaultdict(set)

# A sign-in saves the person's last_login: that changes nothing anyone else is shown.
_IRRELEVANT_UPDATES = {frozenset({"last_login"})}


def _forget(sender, **kwargs) -> None:
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and frozenset(update_fields) in _IRRELEVANT_UPDATES:
        return
    keys = list(_keys_by_model.get(sender, ()))
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def _watch(model: type) -> None:
    if model in _keys_by_model:
        return
    uid = f"shared_cache:{model._meta.label}"
    post_save.connect(_forget, sender=model, dispatch_uid=uid + ":save", weak=False)
    post_delete.connect(_forget, sender=model, dispatch_uid=uid + ":delete", weak=False)
    m2m_changed.connect(_forget, sender=model, dispatch_uid=uid + ":m2m", weak=False)


def shared(key: str, *, depends_on: tuple[type, ...], timeout: int = TIMEOUT_SECONDS):
    """Cache what the decorated function (no arguments) returns, forgotten as described above."""

    full_key = f"shared:{key}"

    def decorate(compute: Callable[[], object]):
        for model in depends_on:
            _watch(model)
            _keys_by_model[model].add(full_key)

        @functools.wraps(compute)
        def cached():
            value = cache.get(full_key, _MISSING)
            if value is _MISSING:
                value = compute()
                cache.set(full_key, value, timeout)
            return value

        return cached

    return decorate
