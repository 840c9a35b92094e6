"""Celery: Redis as broker when REDIS_URL is set, otherwise every task runs in-process."""

from celery.schedules import crontab

from .database import REDIS_URL

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged after it ran, so a worker that dies mid-task does not lose it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker outlives any broker outage: it keeps reconnecting (by default it gives up and exits
# after 100 tries).
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # A broker that is down or hung fails a publish at once instead of holding the web request
    # that hands over its mail: the outbox keeps the mail and the sweep sends it (max_retries
    # bounds the publisher's reconnect loop, not the worker's).
    "socket_connect_timeout": 1,
    "socket_timeout": 2,
    "max_retries": 0,
    # Only for a worker that died holding a task: the outbox's leases take mail back sooner
    # (notifications/outbox.py), and no task waits unacknowledged for a later time.
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_TIMEZONE = "UTC"
# The worker logs through settings.LOGGING, whose filter masks email addresses: by default
# Celery would replace the root logger's handlers with its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Project-level tasks; the apps' tasks.py modules are found by autodiscovery.
CELERY_IMPORTS = ["kmf.tasks"]

CELERY_BEAT_SCHEDULE = {
    # Every minute: a run reads only the drafts not reminded yet, and one whose worker died
    # leaves the rest to the next (submissions/jobs.py).
    "send-deadline-reminders": {
        "task": "submissions.tasks.send_deadline_reminders",
        "schedule": 60.0,
    },
    "confirm-edits": {
        "task": "submissions.tasks.confirm_edits",
        "schedule": crontab(minute="*/15"),
    },
    "close-calls": {"task": "submissions.tasks.close_calls", "schedule": crontab(minute="*/5")},
    "remind-reviewers": {"task": "review.tasks.remind_reviewers", "schedule": crontab(minute=7)},
    # Mails held by a broker outage or a dead worker go out within a minute (docs/SECURITY.md).
    "sweep-outbox": {"task": "notifications.tasks.sweep_outbox", "schedule": 20.0},
    "apply-retention": {
        "task": "accounts.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=41),
    },
    "clear-expired-sessions": {
        "task": "kmf.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
}
