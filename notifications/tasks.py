from celery import shared_task
from django.utils import timezone

from . import outbox


@shared_task(bind=True, max_retries=outbox.MAX_ATTEMPTS)
def deliver_emails(self, email_ids):
    try:
        outbox.deliver(email_ids)
    except outbox.TransientDeliveryError as error:
        countdown = max((error.retry_at - timezone.now()).total_seconds(), 0)
        raise self.retry(args=[error.email_ids], exc=error, countdown=countdown) from error


@shared_task
def sweep_outbox():
    return outbox.sweep()
