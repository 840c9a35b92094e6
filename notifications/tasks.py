from celery import shared_task

from . import outbox


# Every 20 seconds (kmf/settings/tasks.py). The delivery task is outbox.deliver_emails.
@shared_task
def sweep_outbox():
    return outbox.sweep()
