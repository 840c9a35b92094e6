from celery import shared_task

from . import outbox


@shared_task(
    autoretry_for=(outbox.TransientDeliveryError,),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=outbox.MAX_ATTEMPTS,
)
def deliver_email(email_id):
    outbox.deliver(email_id)


@shared_task
def sweep_outbox():
    return outbox.sweep()
