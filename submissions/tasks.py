from celery import shared_task

from . import jobs


@shared_task
def send_deadline_reminders():
    return jobs.send_deadline_reminders()


@shared_task
def confirm_edits():
    return jobs.confirm_edits()


@shared_task
def close_calls():
    return jobs.close_calls()
