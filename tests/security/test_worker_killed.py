"""Faults with real processes: a Celery worker killed with SIGKILL in the middle of a batch."""

import asyncio
import threading
import time
from contextlib import ExitStack

import pytest
from django.conf import settings

from notifications import outbox
from notifications.models import OutboundEmail
from tests.conftest import RecordingHandler, smtp_sink, tasks_through_broker, wait_for
from tests.factories import OutboundEmailFactory
from tests.processes import BeatProcess, WorkerProcess, site_env

pytestmark = [
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]

BATCH = 30
SWEEP_SECONDS = settings.CELERY_BEAT_SCHEDULE["sweep-outbox"]["schedule"]
# The lease left when the worker died, the clocks' slack, the next sweep, a few seconds to send.
TAIL_SECONDS = (outbox.RUNNING_LEASE + outbox.CLOCK_SLACK).total_seconds() + SWEEP_SECONDS + 10


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


def sent():
    return OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count()


def test_a_worker_killed_mid_batch_leaves_every_mail_delivered_exactly_once_soon_after(
    private_redis, holding_smtp_server, tmp_path
):
    handler, smtp_port = holding_smtp_server
    env = site_env(private_redis.url, smtp_port)
    first, second = WorkerProcess(env), WorkerProcess(env)
    beat = BeatProcess(env, tmp_path / "beat-schedule")
    with tasks_through_broker(private_redis.url), ExitStack() as processes:
        for process in (beat, second, first):
            processes.callback(process.stop)
        emails = [OutboundEmailFactory(subject=f"Mail {n:02d}") for n in range(BATCH)]
        outbox.enqueue([email.pk for email in emails])  # one task: one batch, one connection
        handler.hold_after = 10
        first.start()
        beat.start()

        assert handler.holding.wait(60), "the worker never reached the eleventh mail"
        # Every mail the server took has been recorded as sent.
        assert wait_for(lambda: sent() == len(handler.messages), seconds=10)
        # Kill it now, mid-conversation.
        first.kill()
        killed_at = time.monotonic()
        handler.hold_after = None

        assert len(handler.messages) == 10
        being_sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING)
        # Only the mail held at the server: the rest of the batch was never claimed.
        assert being_sent.count() == 1
        assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count() == 19

        second.start()
        # Nobody sweeps by hand: the beat's sweep queues them again once the dead task's lease
        # has run out (nobody renews it), the live worker sends them: well within a minute of
        # the kill, long before the dead task's time limit would have ended.
        assert wait_for(lambda: sent() == BATCH, seconds=TAIL_SECONDS), f"only {sent()} of {BATCH}"
        print(f"\nAll {BATCH} mails sent {time.monotonic() - killed_at:.1f} s after the kill")
        time.sleep(1)  # anything sent twice would arrive now

    assert sorted(m["Subject"] for m in handler.messages) == [f"Mail {n:02d}" for n in range(BATCH)]
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()


def test_a_live_worker_kept_waiting_by_the_server_keeps_its_mails(
    private_redis, holding_smtp_server, tmp_path
):
    handler, smtp_port = holding_smtp_server
    env = site_env(private_redis.url, smtp_port)
    worker = WorkerProcess(env)
    beat = BeatProcess(env, tmp_path / "beat-schedule")
    with tasks_through_broker(private_redis.url), ExitStack() as processes:
        for process in (beat, worker):
            processes.callback(process.stop)
        emails = [OutboundEmailFactory(subject=f"Mail {n:02d}") for n in range(5)]
        outbox.enqueue([email.pk for email in emails])
        handler.hold_after = 2
        worker.start()
        beat.start()
        assert handler.holding.wait(60), "the worker never reached the third mail"

        # The server keeps the worker waiting longer than a lease and a sweep: the worker is
        # alive and renews its lease, so nobody takes its mails (a second attempt would show,
        # and the worker's second process would send the mail again).
        time.sleep((outbox.RUNNING_LEASE + outbox.CLOCK_SLACK * 2).total_seconds() + SWEEP_SECONDS)
        on_the_wire = OutboundEmail.objects.get(status=OutboundEmail.Status.SENDING)
        assert (on_the_wire.subject, on_the_wire.attempts) == ("Mail 02", 1)
        assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count() == 2
        assert len(handler.messages) == 2
        processes.close()  # the worker is stopped mid-conversation
