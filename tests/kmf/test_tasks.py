import io
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from kmf.celery import app
from kmf.tasks import clear_expired_sessions


def test_every_task_in_the_beat_schedule_is_registered():
    app.loader.import_default_modules()

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


@pytest.mark.django_db
def test_clearing_sessions_removes_only_expired_ones():
    now = timezone.now()
    Session.objects.create(session_key="a" * 32, session_data="", expire_date=now - timedelta(1))
    Session.objects.create(session_key="b" * 32, session_data="", expire_date=now + timedelta(1))

    clear_expired_sessions.delay()

    assert list(Session.objects.values_list("session_key", flat=True)) == ["b" * 32]


@pytest.mark.django_db
def test_without_a_broker_one_command_runs_the_whole_schedule():
    expired = timezone.now() - timedelta(1)
    Session.objects.create(session_key="c" * 32, session_data="", expire_date=expired)
    output = io.StringIO()

    call_command("run_periodic_jobs", stdout=output)

    assert not Session.objects.exists()
    assert output.getvalue().splitlines() == [
        f"ran {name}" for name in settings.CELERY_BEAT_SCHEDULE
    ]
