"""
A Redis cache that degrades instead of failing when Redis is unreachable.

The cache holds only what can be lost: allauth's sign-in rate-limit counters (sessions are in
the database). When Redis is down, a page or a sign-in must still work, so every cache call
answers as an empty cache would and the failure is logged at ERROR, loudly, for the operator.
``add`` answers True so that allauth's short cache lock is "taken" rather than waited on.
After a failure the cache is not tried again for a few seconds, so a Redis that times out
costs one timeout, not one per cache call of every request.
"""

from __future__ import annotations

import logging
import time

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("cpdhub.cache")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER_SECONDS = 5.0


class _OneClientPerPool(RedisCacheClient):
    """
    Django's client builds a new ``redis.Redis`` for every cache call, and each one copies
    redis-py's ~280 response callbacks: some 1,700 Python calls per cache call, a few cache
    calls on every page. A ``redis.Redis`` is safe to share between threads (its pool hands
    each command a connection of its own), so one is kept per pool.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = super().get_client(key, write=write)
        return client


class ResilientRedisCache(RedisCache):
    _down_until = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _OneClientPerPool

    def _guard(self, operation: str, fallback, call):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call()
        except UNREACHABLE as error:
            self._down_until = time.monotonic() + RETRY_AFTER_SECONDS
            logger.error(
                "cache unreachable: rate limits not applied (%s: %s); retrying in %ss",
                operation,
                error,
                RETRY_AFTER_SECONDS,
            )
            return fallback

    def add(self, key, value, *args, **kwargs):
        return self._guard(
            "add", True, lambda: super(ResilientRedisCache, self).add(key, value, *args, **kwargs)
        )

    def get(self, key, default=None, version=None):
        return self._guard(
            "get", default, lambda: super(ResilientRedisCache, self).get(key, default, version)
        )

    def set(self, key, value, *args, **kwargs):
        return self._guard(
            "set", None, lambda: super(ResilientRedisCache, self).set(key, value, *args, **kwargs)
        )

    def touch(self, key, *args, **kwargs):
        return self._guard(
            "touch", False, lambda: super(ResilientRedisCache, self).touch(key, *args, **kwargs)
        )

    def delete(self, key, version=None):
        return self._guard(
            "delete", False, lambda: super(ResilientRedisCache, self).delete(key, version)
        )

    def get_many(self, keys, version=None):
        return self._guard(
            "get_many", {}, lambda: super(ResilientRedisCache, self).get_many(keys, version)
        )

    def has_key(self, key, version=None):
        return self._guard(
            "has_key", False, lambda: super(ResilientRedisCache, self).has_key(key, version)
        )

    def incr(self, key, delta=1, version=None):
        return self._guard(
            "incr", delta, lambda: super(ResilientRedisCache, self).incr(key, delta, version)
        )

    def set_many(self, data, *args, **kwargs):
        return self._guard(
            "set_many",
            list(data),
            lambda: super(ResilientRedisCache, self).set_many(data, *args, **kwargs),
        )

    def delete_many(self, keys, version=None):
        return self._guard(
            "delete_many", None, lambda: super(ResilientRedisCache, self).delete_many(keys, version)
        )

    def clear(self):
        return self._guard("clear", False, lambda: super(ResilientRedisCache, self).clear())
