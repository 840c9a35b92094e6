"""The cache: one Redis shared by every process, and never the reason a page fails.

What the site keeps there can be lost: the dashboard's figures are counted again, sign-in
throttles and used authenticator codes expire within minutes. So while Redis cannot be reached
the cache answers from the process's own memory instead of raising, and says so once in the
log. Meanwhile throttles count per process rather than for the whole site; that is the price
of applicants signing in during the outage.
"""

import logging
import time

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# After a failure Redis is left alone this long: a Redis that hangs costs each process one
# socket timeout per interval, not one per cache call.
RETRY_AFTER = 5.0


class Outage:
    """Whether one Redis is known to be down, for every thread of the process."""

    def __init__(self):
        self.since = None
        self.retry_at = 0.0

    def skip(self):
        return self.since is not None and time.monotonic() < self.retry_at

    def began(self, error):
        now = time.monotonic()
        if self.since is None:
            self.since = now
            logger.warning(
                "The cache's Redis cannot be reached (%s): caching in this process's memory "
                "until it is back",
                type(error).__name__,
            )
        self.retry_at = now + RETRY_AFTER

    def ended(self):
        """True when Redis was down until now."""
        if self.since is None:
            return False
        logger.warning("The cache's Redis is back after %.0f s", time.monotonic() - self.since)
        self.since = None
        return True


_outages = {}


def _or_in_memory(name):
    """RedisCache's method `name`, falling back to the in-memory cache's while Redis is down."""

    def method(self, *args, **kwargs):
        if not self._outage.skip():
            try:
                result = getattr(RedisCache, name)(self, *args, **kwargs)
            except redis.RedisError as error:
                self._outage.began(error)
            else:
                if self._outage.ended():
                    self._in_memory.clear()  # stale by the next outage
                return result
        return getattr(self._in_memory, name)(*args, **kwargs)

    method.__name__ = name
    return method


class FallbackRedisCache(RedisCache):
    """Django's RedisCache that degrades to a per-process LocMemCache instead of raising."""

    def __init__(self, server, params):
        super().__init__(server, params)
        location = ",".join(self._servers)
        self._outage = _outages.setdefault(location, Outage())
        self._in_memory = LocMemCache(f"redis-fallback:{location}", params)

    add = _or_in_memory("add")
    get = _or_in_memory("get")
    set = _or_in_memory("set")
    touch = _or_in_memory("touch")
    delete = _or_in_memory("delete")
    get_many = _or_in_memory("get_many")
    has_key = _or_in_memory("has_key")
    incr = _or_in_memory("incr")
    set_many = _or_in_memory("set_many")
    delete_many = _or_in_memory("delete_many")
    clear = _or_in_memory("clear")
