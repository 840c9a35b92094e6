"""The cache answers from the process's memory while its Redis is down, hung or restarting."""

import logging
import socket
import threading

import pytest
import redis

from core import cache as fallback
from core.cache import FallbackRedisCache

# Nothing listens on port 1: the connection is refused at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture(autouse=True)
def no_outage_known():
    """Each test starts with Redis presumed up, as a fresh process does."""
    fallback._outages.clear()
    yield
    fallback._outages.clear()


def test_with_redis_down_every_cache_call_answers_from_memory_and_says_so_once(caplog):
    cache = FallbackRedisCache(DEAD_REDIS, {})

    with caplog.at_level(logging.WARNING, logger="core.cache"):
        assert cache.get("figures") is None
        cache.set("figures", {"submitted": 214}, 60)
        assert cache.get("figures") == {"submitted": 214}
        assert cache.add("used-code", "y", 30) is True
        assert cache.add("used-code", "y", 30) is False  # a used code stays used
        cache.set("attempts", 1)
        assert cache.incr("attempts") == 2
        assert cache.get_many(["figures", "attempts"]) == {
            "figures": {"submitted": 214},
            "attempts": 2,
        }
        assert cache.get_or_set("lock", True, 5) is True
        assert cache.has_key("lock")
        assert cache.touch("lock", 10) is True
        cache.set_many({"a": 1, "b": 2})
        cache.delete_many(["a", "b"])
        assert cache.delete("figures") is True
        assert cache.get_many(["figures", "a", "b"]) == {}
        cache.clear()

    warnings = [r.getMessage() for r in caplog.records if r.name == "core.cache"]
    assert warnings == [
        "The cache's Redis cannot be reached (ConnectionError): caching in this process's "
        "memory until it is back"
    ]


class HungRedis:
    """A server that takes connections and never answers, as a Redis that hangs; it counts
    the connections made to it."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.listener.getsockname()[1]}/0"
        self.connections = []
        threading.Thread(target=self.accept, daemon=True).start()

    def accept(self):
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self):
        self.listener.close()
        for connection in self.connections:
            connection.close()


def test_a_hung_redis_costs_one_timeout_per_interval_not_one_per_call(monkeypatch):
    hung = HungRedis()
    clock = [1000.0]
    monkeypatch.setattr(fallback.time, "monotonic", lambda: clock[0])
    options = {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}
    cache = FallbackRedisCache(hung.url, {"OPTIONS": options})
    try:
        for n in range(20):
            cache.set(f"key{n}", n)
            assert cache.get(f"key{n}") == n
        # Only the first call waited for Redis; the rest went straight to memory.
        assert len(hung.connections) == 1

        clock[0] += fallback.RETRY_AFTER + 1
        assert cache.get("key3") == 3  # Redis is tried again, still hung: memory answers
        assert len(hung.connections) == 2
    finally:
        hung.close()


@pytest.mark.needs_redis
def test_once_redis_is_back_the_cache_uses_it_again(private_redis, monkeypatch, caplog):
    clock = [1000.0]
    monkeypatch.setattr(fallback.time, "monotonic", lambda: clock[0])
    cache = FallbackRedisCache(private_redis.url, {})
    server = redis.Redis.from_url(private_redis.url)
    cache.set("before", 1)
    assert server.keys() == [b":1:before"]

    private_redis.stop()
    cache.set("during", 2)
    assert cache.get("during") == 2
    private_redis.start()
    clock[0] += fallback.RETRY_AFTER + 1

    with caplog.at_level(logging.WARNING, logger="core.cache"):
        cache.set("after", 3)
    assert server.keys() == [b":1:after"]  # a Redis without persistence restarts empty
    assert cache.get("during") is None  # what was kept in memory meanwhile is dropped
    assert "The cache's Redis is back after" in caplog.text
