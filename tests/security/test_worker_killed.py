"""Faults with real processes: a Celery worker killed with SIGKILL in the middle of a batch."""

import asyncio
import threading
import time
from contextlib import ExitStack

import pytest

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
        # Every mail the server took has been recorded as sent: kill now, mid-conversation.
        assert wait_for(lambda: sent() == len(handler.messages), seconds=10)
        first.kill()
        killed_at = time.monotonic()
        handler.hold_after = None

        assert len(handler.messages) == 10
        being_sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENDING)
        # Only the mail held at the server: the rest of the batch was never claimed.
        assert being_sent.count() == 1
        assert OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING).count() == 19

        second.start()
        # Nobody sweeps by hand: the beat's sweep queues them again once the dead task's time
        # limit has passed (a minute after it began), the live worker sends them.
        deadline = (outbox.TASK_TIME_LIMIT + outbox.CLOCK_SLACK).total_seconds() + 60
        assert wait_for(lambda: sent() == BATCH, seconds=deadline), f"only {sent()} of {BATCH}"
        print(f"\nAll {BATCH} mails sent {time.monotonic() - killed_at:.1f} s after the kill")
        time.sleep(1)  # anything sent twice would arrive now

    assert sorted(m["Subject"] for m in handler.messages) == [f"Mail {n:02d}" for n in range(BATCH)]
    assert not OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT).exists()
