"""Faults with real processes: a Celery worker killed with SIGKILL in the middle of a batch."""

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from notifications import outbox
from notifications.models import OutboundEmail
from tests.conftest import (
    PROJECT,
    RecordingHandler,
    production_env,
    smtp_sink,
    tasks_through_broker,
    wait_for,
)
from tests.factories import OutboundEmailFactory
from tests.security.test_faults import private_redis  # noqa: F401  (a fixture)

pytestmark = [
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]

BATCH = 30


class HoldingHandler(RecordingHandler):
    """Takes mail until told to hold; from then on it keeps every new message waiting without
    an answer, as a slow server would, so that a worker can be killed mid-conversation."""

    def __init__(self):
        super().__init__()
        self.hold_after = None
        self.holding = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        if self.hold_after is not None and len(self.messages) >= self.hold_after:
            self.holding.set()
            # Never answered while the client lives: its death cancels this, and a mail held
            # past a minute is refused; either way the server did not take it.
            for _ in range(1200):
                await asyncio.sleep(0.05)
            return "451 4.3.0 Held too long"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def holding_smtp_server(settings):
    with smtp_sink(settings, HoldingHandler()) as controller:
        yield controller.handler, controller.port
        controller.handler.hold_after = None


class WorkerProcess:
    """`celery worker` as production runs it: its own process group, prefork pool, the test
    database and a Redis broker of the test's own."""

    def __init__(self, broker_url, smtp_port):
        db = connection.settings_dict
        self.env = production_env(
            DATABASE_URL=(
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}"
                f"/{db['NAME']}"
            ),
            REDIS_URL=broker_url,
            EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        )
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "kmf", "worker", "--pool=prefork",
             "--concurrency=2", "--loglevel=WARNING", "--without-mingle", "--without-gossip"],
            cwd=PROJECT,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def sent():
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count()


def test_a_worker_killed_mid_batch_leaves_every_mail_delivered_exactly_once_after_restart(
    private_redis,  # noqa: F811
    holding_smtp_server,
):
    handler, smtp_port = holding_smtp_server
    first = WorkerProcess(private_redis.url, smtp_port)
    second = WorkerProcess(private_redis.url, smtp_port)
    with tasks_through_broker(private_redis.url), ExitStack() as workers:
        workers.callback(second.stop)
        workers.callback(first.stop)
        emails = [OutboundEmailFactory(subject=f"Mail {n:02d}") for n in range(BATCH)]
        outbox.enqueue([email.pk for email in emails])  # one task: one batch, one connection
        handler.hold_after = 10
        first.start()

        assert handler.holding.wait(60), "the worker never reached the eleventh mail"
        # Every mail the server took has been recorded as sent: kill now, mid-conversation.
        assert wait_for(lambda: sent() == len(handler.messages), seconds=10)
        first.kill()
        handler.hold_after = None

        assert len(handler.messages) == 10
        being_sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING)
        # Only the mail held at the server: the rest of the batch was never claimed.
        assert being_sent.count() == 1
        assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count() == 19

        second.start()
        # The beat's next sweep, past SWEEP_AFTER: it requeues the mail the dead worker was
        # sending and the pending ones whose task died with it.
        outbox.sweep(now=timezone.now() + outbox.SWEEP_AFTER + timedelta(seconds=1))

        assert wait_for(lambda: sent() == BATCH, seconds=60), f"only {sent()} of {BATCH} sent"
        time.sleep(1)  # anything sent twice would arrive now

    assert sorted(m["Subject"] for m in handler.messages) == [f"Mail {n:02d}" for n in range(BATCH)]
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()
