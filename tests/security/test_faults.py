"""Faults with real services: the broker goes away while an applicant submits."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from notifications import outbox
from notifications.models import OutboundEmail
from submissions.models import ExpressionOfInterest
from tests.conftest import forget_broker_connections, tasks_through_broker
from tests.factories import EOIFactory
from tests.files import attach_budget

pytestmark = [pytest.mark.needs_redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker(private_redis):
    with tasks_through_broker(private_redis.url) as app:
        yield app


def test_a_submission_while_redis_is_down_is_saved_and_its_receipt_goes_out_later(
    client, broker, private_redis, smtp_server
):
    from celery.contrib.testing.worker import start_worker

    eoi = attach_budget(EOIFactory())
    client.force_login(eoi.owner)
    private_redis.stop()

    response = client.post(
        reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": "submit"}),
        {"declares_accuracy": "on", "declares_consent": "on"},
    )

    eoi.refresh_from_db()
    assert response.status_code == 302
    assert eoi.status == ExpressionOfInterest.Status.SUBMITTED
    assert eoi.reference
    receipt = OutboundEmail.objects.get()
    assert receipt.status == OutboundEmail.Status.PENDING

    private_redis.start()
    forget_broker_connections(broker)
    with start_worker(broker, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert outbox.sweep() == 1  # the next sweep: no task carries it
        for _ in range(200):
            receipt.refresh_from_db()
            if receipt.status == OutboundEmail.Status.SENT:
                break
            time.sleep(0.1)

    assert receipt.status == OutboundEmail.Status.SENT
    assert [m["Subject"] for m in smtp_server.messages] == [
        f"We received your expression of interest {eoi.reference}"
    ]


@pytest.mark.needs_postgres
def test_submits_racing_the_deadline_second_are_accepted_or_refused_never_half_saved():
    import threading
    from datetime import UTC, datetime

    from django.db import connection

    from submissions import domain
    from submissions.domain import DomainError
    from tests.factories import CallFactory

    deadline = datetime(2027, 1, 27, 22, 59, 59, tzinfo=UTC)
    call = CallFactory(
        reference_prefix="KMF21", opens_at=deadline - timedelta(days=30), closes_at=deadline
    )
    with time_machine.travel(deadline - timedelta(hours=1), tick=False):
        eois = [attach_budget(EOIFactory(call=call)) for _ in range(10)]
    # Five just before the deadline; five at it (the first exactly on it) or after.
    moments = [deadline - timedelta(milliseconds=5 * (n + 1)) for n in range(5)] + [
        deadline + timedelta(milliseconds=5 * n) for n in range(5)
    ]
    start = threading.Barrier(len(eois))
    outcomes = {}

    def submit(eoi, moment):
        try:
            start.wait()
            domain.submit_eoi(
                eoi, eoi.owner, {"declares_accuracy": True, "declares_consent": True}, now=moment
            )
            outcomes[eoi.pk] = "accepted"
        except DomainError as refusal:
            outcomes[eoi.pk] = refusal.message
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=[eoi, moment])
        for eoi, moment in zip(eois, moments, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    accepted = ExpressionOfInterest.objects.filter(status="submitted")
    assert sorted(accepted.values_list("reference", flat=True)) == [
        f"KMF21-{n:04d}" for n in range(1, 6)
    ]
    for eoi in eois[5:]:
        eoi.refresh_from_db()
        assert (eoi.status, eoi.reference, eoi.submitted_at) == ("draft", None, None)
        assert "deadline has passed" in str(outcomes[eoi.pk])
    assert not OutboundEmail.objects.exclude(eoi__in=accepted).exists()
