"""The time left before a deadline, written by the server so that it shows without scripts."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from submissions.templatetags.call_text import time_left
from tests.factories import CallFactory, EOIFactory

DEADLINE = datetime(2026, 6, 30, 21, 59, tzinfo=UTC)  # 23:59 in Amsterdam


@pytest.mark.parametrize(
    ("before", "english", "french"),
    [
        (timedelta(days=12, hours=5, minutes=40), "12 days, 5 hours", "12 jours, 5 heures"),
        (timedelta(days=1, minutes=5), "1 day", "1 jour"),
        (timedelta(hours=2, seconds=30), "2 hours", "2 heures"),
        (timedelta(hours=5, minutes=20), "5 hours, 20 minutes", "5 heures, 20 minutes"),
        (timedelta(minutes=1, seconds=30), "1 minute", "1 minute"),
        (-timedelta(hours=2), "0 minutes", "0 minute"),
    ],
)
def test_time_left_counts_days_and_hours_then_hours_and_minutes(before, english, french):
    now = DEADLINE - before
    with translation.override("en"):
        assert time_left(DEADLINE, now) == english
    with translation.override("fr"):
        assert time_left(DEADLINE, now) == french


@pytest.mark.django_db
def test_the_call_page_shows_the_time_left_in_the_visitors_language(client):
    call = CallFactory(closes_at=DEADLINE, opens_at=DEADLINE - timedelta(days=60))

    now = DEADLINE - timedelta(days=3, hours=7, minutes=10)
    with time_machine.travel(now, tick=False):
        english = client.get(call.get_absolute_url()).content.decode()
        french = client.get(
            call.get_absolute_url(), headers={"accept-language": "fr"}
        ).content.decode()

    assert (
        f'data-countdown="{DEADLINE.isoformat()}" data-now="{now.isoformat()}">'
        "3 days, 7 hours</span> left"
    ) in english
    assert "il reste <span data-countdown" in french
    assert ">3 jours, 7 heures</span>" in french


@pytest.mark.django_db
def test_the_applicant_sees_the_time_left_on_the_dashboard_and_every_step(
    applicant_client, applicant
):
    eoi = EOIFactory(
        owner=applicant,
        call=CallFactory(closes_at=DEADLINE, opens_at=DEADLINE - timedelta(days=60)),
    )

    with time_machine.travel(DEADLINE - timedelta(hours=5, minutes=20), tick=False):
        dashboard = applicant_client.get(reverse("submissions:dashboard")).content.decode()
        step = applicant_client.get(
            reverse("submissions:eoi_step", args=[eoi.uuid, "project"])
        ).content.decode()

    assert ">5 hours, 20 minutes</span> left" in dashboard
    assert ">5 hours, 20 minutes</span> left" in step


@pytest.mark.django_db
def test_a_closed_call_shows_no_countdown(client):
    call = CallFactory(closes_at=DEADLINE, opens_at=DEADLINE - timedelta(days=60))

    with time_machine.travel(DEADLINE + timedelta(minutes=1), tick=False):
        page = client.get(call.get_absolute_url()).content.decode()

    assert "data-countdown" not in page
