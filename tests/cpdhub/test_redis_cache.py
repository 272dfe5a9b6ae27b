"""The Redis cache keeps one client per connection pool: every call of every request reuses it,
and it still reaches Redis (and still degrades to "empty" when Redis is unreachable)."""

from cpdhub.cache import ResilientRedisCache


def test_one_client_serves_every_call(redis_url):
    cache = ResilientRedisCache(redis_url, {"KEY_PREFIX": "client-reuse-test"})
    try:
        cache.set("a", 1, 30)
        cache.set("b", 2, 30)
        assert cache.get("a") == 1
        assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
        assert cache.incr("a") == 2
        first, second = (cache._cache.get_client(write=write) for write in (True, False))
        assert first is second
    finally:
        cache.delete_many(["a", "b"])


def test_an_unreachable_redis_still_answers_as_an_empty_cache():
    cache = ResilientRedisCache(
        "redis://127.0.0.1:6399/0", {"OPTIONS": {"socket_connect_timeout": 0.2}}
    )
    assert cache.get("anything", "fallback") == "fallback"
    assert cache.get("anything", "fallback") == "fallback"  # the kept client, still down
