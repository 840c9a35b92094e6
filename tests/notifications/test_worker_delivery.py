"""Delivery as in production: a real Redis broker, a real Celery worker, a real SMTP server."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import OutboundEmail
from submissions import domain
from tests.conftest import wait_for
from tests.factories import EOIFactory, OutboundEmailFactory
from tests.files import attach_budget

pytestmark = [pytest.mark.needs_redis, pytest.mark.django_db(transaction=True)]


def test_the_worker_delivers_the_receipt_to_the_smtp_server(celery_worker, smtp_server):
    eoi = attach_budget(EOIFactory())

    eoi = domain.submit_eoi(eoi, eoi.owner, {"declares_accuracy": True, "declares_consent": True})

    assert wait_for(lambda: smtp_server.messages)
    message = smtp_server.messages[0]
    assert message["To"] == eoi.owner.email
    assert message["Subject"] == f"We received your expression of interest {eoi.reference}"
    assert message.get_body(("plain",)).get_content().startswith("Dear ")
    assert "<p>" in message.get_body(("html",)).get_content()
    assert wait_for(lambda: OutboundEmail.objects.get().status == OutboundEmail.Status.SENT)
    time.sleep(0.5)
    assert len(smtp_server.messages) == 1


def test_the_sweep_through_the_broker_delivers_each_pending_mail_once(celery_worker, smtp_server):
    from notifications import outbox

    for n in range(5):
        OutboundEmailFactory(subject=f"Mail {n}", next_attempt_at=None)
    # Written an hour ago, and their tasks lost with a broker that went down.
    OutboundEmail.objects.update(created_at=timezone.now() - timedelta(hours=1))

    assert outbox.sweep() == 5
    outbox.sweep()  # a second sweep before the first is done queues them again: still once each

    assert wait_for(lambda: len(smtp_server.messages) == 5)
    assert wait_for(
        lambda: OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count() == 5
    )
    time.sleep(1)
    assert sorted(m["Subject"] for m in smtp_server.messages) == [f"Mail {n}" for n in range(5)]
