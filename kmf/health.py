"""Two probes: /healthz says the site can serve (load balancers keep a node while it answers
200), /healthz/ready that everything behind it works too (monitoring, deploys).

Without Redis the site still serves: sessions are in the database, the cache falls back to each
process's memory (core/cache.py) and mails wait in the outbox. So a node whose database answers
is alive, whatever Redis's state; dropping every node because the broker is gone would turn a
delay in mail into an outage.
"""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

USABLE = {"ok", "in-process"}


def database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("Health check: the database is unreachable")
        return "unreachable"
    return "ok"


def redis_state(url):
    # Short timeouts: a hung Redis must not make the liveness probe itself time out.
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=0.5) as client:
            client.ping()
    except redis.RedisError as error:
        logger.warning("Health check: Redis is unreachable (%s)", type(error).__name__)
        return "unreachable"
    return "ok"


def states():
    """The database's, the broker's and the cache's state: "ok", "in-process" or "unreachable"."""
    cache = settings.CACHES["default"]
    urls = {
        "broker": None if settings.CELERY_TASK_ALWAYS_EAGER else settings.CELERY_BROKER_URL,
        "cache": cache["LOCATION"] if "redis" in cache["BACKEND"].lower() else None,
    }
    redis_states = {url: redis_state(url) for url in set(urls.values()) - {None}}
    return {
        "database": database_state(),
        **{name: redis_states.get(url, "in-process") for name, url in urls.items()},
    }


@never_cache
@require_safe
def healthz(request):
    """Alive: 200 while the database answers ("degraded" when Redis does not), 503 otherwise."""
    checks = states()
    alive = checks["database"] in USABLE
    status = "ok" if set(checks.values()) <= USABLE else "degraded" if alive else "unavailable"
    return JsonResponse({"status": status, **checks}, status=200 if alive else 503)


@never_cache
@require_safe
def ready(request):
    """Ready: 200 only when the database, the broker and the cache all work."""
    checks = states()
    ready = set(checks.values()) <= USABLE
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
    )
