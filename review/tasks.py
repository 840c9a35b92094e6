from celery import shared_task

from . import domain


@shared_task
def remind_reviewers():
    return domain.remind_reviewers()
