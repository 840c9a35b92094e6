"""The reminder fan-out: N draft EOIs (default 10,000) a day before the deadline, one beat tick,
two Celery workers, and a local SMTP sink. Measures the time from the tick to the last reminder
received, and checks that every applicant got exactly one.

    python -m bench.fanout [N]
Prints one JSON line. Uses Redis db 5 (BENCH_FANOUT_REDIS_URL) as the broker.
"""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

from . import common

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/5"


class CountingSink:
    """An SMTP server's handler that counts each recipient's messages and nothing else."""

    def __init__(self):
        self.received = Counter()
        self.lock = threading.Lock()
        self.last_at = None

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.update(envelope.rcpt_tos)
            self.last_at = time.perf_counter()
        return "250 OK"

    @property
    def total(self):
        with self.lock:
            return sum(self.received.values())


def start_workers(count):
    workers = []
    for number in range(1, count + 1):
        command = [
            sys.executable, "-m", "celery", "-A", "kmf", "worker", "--concurrency", "1",
            "--hostname", f"bench{number}@%h", "--loglevel", "WARNING",
            "--without-gossip", "--without-mingle", "--without-heartbeat",
        ]  # fmt: skip
        # The workers' banners and logs go to stderr: stdout carries the result only.
        workers.append(
            subprocess.Popen(command, cwd=common.PROJECT, start_new_session=True, stdout=sys.stderr)
        )
    from kmf.celery import app

    for _attempt in range(60):
        if len(app.control.ping(timeout=1)) >= count:
            return workers
    raise RuntimeError("the Celery workers did not answer")


def stop(workers):
    for worker in workers:
        os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        worker.wait(timeout=60)


def run(n, workers_count, timeout):
    from aiosmtpd.controller import Controller

    sink = CountingSink()
    port = common.free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    os.environ["BENCH_REDIS_URL"] = os.environ.get("BENCH_FANOUT_REDIS_URL", DEFAULT_REDIS_URL)
    os.environ["BENCH_EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    common.configure()
    common.recreate_database()
    common.flush_redis()
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from notifications.models import OutboundEmail
    from submissions.kmf2021 import load_2021_call
    from submissions.tasks import send_deadline_reminders

    from .seed import analyze, drafts

    call, _created = load_2021_call()
    # A day before the deadline: every draft is due its 24-hour reminder.
    call.closes_at = timezone.now() + timedelta(hours=23)
    call.save(update_fields=["closes_at"])
    late = drafts(call, n)
    analyze()
    recipients = {eoi.owner.email for eoi in late}
    workers = start_workers(workers_count)
    try:
        tick = time.perf_counter()
        send_deadline_reminders.delay()  # what beat sends on its tick
        written_at = None
        while time.perf_counter() - tick < timeout:
            if written_at is None and OutboundEmail.objects.count() >= n:
                written_at = time.perf_counter()
            if sink.total >= n:
                break
            time.sleep(0.2)
        time.sleep(2)  # anything sent twice would arrive now
    finally:
        stop(workers)
        controller.stop()
    delivered_at = sink.last_at or time.perf_counter()
    seconds = delivered_at - tick
    statuses = dict(OutboundEmail.objects.values_list("status").annotate(n=Count("pk")))
    connection.close()
    result = {
        "fanout": n,
        "workers": workers_count,
        "seconds": round(seconds, 1),
        "written_seconds": round(written_at - tick, 1) if written_at else None,
        "mails_per_second": round(sink.total / seconds, 1) if seconds else None,
        "delivered": sink.total,
        "recipients_once": sum(1 for email in recipients if sink.received[email] == 1),
        "duplicates": sum(count - 1 for count in sink.received.values() if count > 1),
        "missing": len(recipients - set(sink.received)),
        "outbox": statuses,
    }
    print(json.dumps(result), flush=True)
    return result["recipients_once"] == n and result["duplicates"] == 0


def main(argv):
    n = int(argv[1]) if len(argv) > 1 else int(os.environ.get("BENCH_FANOUT_N", "10000"))
    workers = int(os.environ.get("BENCH_FANOUT_WORKERS", "2"))
    timeout = int(os.environ.get("BENCH_FANOUT_TIMEOUT", "600"))
    sys.exit(0 if run(n, workers, timeout) else 1)


if __name__ == "__main__":
    main(sys.argv)
