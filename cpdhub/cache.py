"""
A Redis cache that degrades instead of failing when Redis is unreachable.

The cache holds only what can be lost: allauth's sign-in rate-limit counters (sessions are in
the database). When Redis is down, a page or a sign-in must still work, so every cache call
answers as an empty cache would and the failure is logged at ERROR, loudly, for the operator.
``add`` answers True so that allauth's short cache lock is "taken" rather than waited on.
"""

from __future__ import annotations

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("cpdhub.cache")

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
MESSAGE = "cache unreachable: rate limits not applied (%s %s: %s)"


class ResilientRedisCache(RedisCache):
    def _failed(self, operation: str, key, error: Exception) -> None:
        logger.error(MESSAGE, operation, key, error)

    def add(self, key, value, *args, **kwargs):
        try:
            return super().add(key, value, *args, **kwargs)
        except UNREACHABLE as error:
            self._failed("add", key, error)
            return True

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            self._failed("get", key, error)
            return default

    def set(self, key, value, *args, **kwargs):
        try:
            return super().set(key, value, *args, **kwargs)
        except UNREACHABLE as error:
            self._failed("set", key, error)
            return None

    def touch(self, key, *args, **kwargs):
        try:
            return super().touch(key, *args, **kwargs)
        except UNREACHABLE as error:
            self._failed("touch", key, error)
            return False

    def delete(self, key, version=None):
        try:
            return super().delete(key, version)
        except UNREACHABLE as error:
            self._failed("delete", key, error)
            return False

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            self._failed("get_many", keys, error)
            return {}

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            self._failed("has_key", key, error)
            return False

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except UNREACHABLE as error:
            self._failed("incr", key, error)
            return delta

    def set_many(self, data, *args, **kwargs):
        try:
            return super().set_many(data, *args, **kwargs)
        except UNREACHABLE as error:
            self._failed("set_many", list(data), error)
            return list(data)

    def delete_many(self, keys, version=None):
        try:
            return super().delete_many(keys, version)
        except UNREACHABLE as error:
            self._failed("delete_many", keys, error)
            return None

    def clear(self):
        try:
            return super().clear()
        except UNREACHABLE as error:
            self._failed("clear", "*", error)
            return False
