import logging

from celery import shared_task

from . import outbox

logger = logging.getLogger(__name__)


@shared_task(bind=True)
def deliver_emails(self, email_ids):
    try:
        outbox.deliver(email_ids)
    except outbox.TransientDeliveryError as error:
        for retry_at, ids in error.retries.items():
            logger.warning("Emails %s not sent yet; next attempt at %s", ids, retry_at.isoformat())
            # Run in-process (no broker), a retry would run at once, again and again: the
            # sweep sends them later instead.
            if not self.request.is_eager:
                outbox.enqueue(ids, eta=retry_at)


@shared_task
def sweep_outbox():
    return outbox.sweep()
