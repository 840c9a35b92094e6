from celery import shared_task

from . import privacy


@shared_task
def apply_retention():
    return privacy.apply_retention()
