"""
Sessions read from the cache and written through to the database (Django's ``cached_db``), so
a signed-in page does not spend a query on its session: the database stays the record, and a
cache outage signs nobody out (the resilient cache answers "empty", and the session is read
from the database). A session stays in the cache for at most five minutes: a sign-out while
the cache was unreachable (its entry could not be deleted) is honoured within that time.
"""

from __future__ import annotations

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore

CACHED_FOR_SECONDS = 300


class _AtMost:
    """The session cache, with every entry's lifetime capped."""

    def __init__(self, cache, seconds: int):
        self._cache, self._seconds = cache, seconds

    def _capped(self, timeout):
        return self._seconds if timeout is None else min(timeout, self._seconds)

    def set(self, key, value, timeout=None, version=None):
        return self._cache.set(key, value, self._capped(timeout), version=version)

    async def aset(self, key, value, timeout=None, version=None):
        return await self._cache.aset(key, value, self._capped(timeout), version=version)

    def __getattr__(self, name):
        return getattr(self._cache, name)

    def __contains__(self, key) -> bool:
        return key in self._cache


class SessionStore(CachedDbStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _AtMost(self._cache, CACHED_FOR_SECONDS)
