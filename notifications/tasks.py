from celery import shared_task

from . import outbox


@shared_task(bind=True, max_retries=outbox.MAX_ATTEMPTS)
def deliver_email(self, email_id):
    try:
        outbox.deliver(email_id)
    except outbox.TransientDeliveryError as error:
        attempts = self.request.retries + 1
        raise self.retry(
            exc=error, countdown=outbox.retry_delay(attempts).total_seconds()
        ) from error


@shared_task
def sweep_outbox():
    return outbox.sweep()
