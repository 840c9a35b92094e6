import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

HEALTHY = {"ok", "in-process"}


def database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        logger.exception("Health check: the database is unreachable")
        return "unreachable"
    return "ok"


def broker_state():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    try:
        with redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
        ) as client:
            client.ping()
    except redis.RedisError:
        logger.exception("Health check: the Celery broker is unreachable")
        return "unreachable"
    return "ok"


@never_cache
@require_safe
def healthz(request):
    """For load balancers and monitoring: the state of the database and of the Celery broker."""
    checks = {"database": database_state(), "broker": broker_state()}
    healthy = set(checks.values()) <= HEALTHY
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
