import logging

from celery import shared_task

from . import outbox

logger = logging.getLogger(__name__)


# The hard limit is what frees a claimed mail for the sweep (outbox.TASK_TIME_LIMIT).
@shared_task(time_limit=outbox.TASK_TIME_LIMIT.total_seconds())
def deliver_emails(email_ids):
    try:
        outbox.deliver(email_ids)
    except outbox.TransientDeliveryError as error:
        # No task waits for the retry (a task held for later would sit unacknowledged in a
        # worker): the sweep queues each mail when it is due.
        for retry_at, ids in error.retries.items():
            logger.warning("Emails %s not sent yet; next attempt at %s", ids, retry_at.isoformat())


@shared_task
def sweep_outbox():
    return outbox.sweep()
