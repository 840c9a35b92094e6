"""The reminder fan-out: N draft EOIs (default 10,000) a day before the deadline, one beat tick,
two Celery workers and beat (its sweep), and a local SMTP sink. Measures the time from the tick
to the last reminder received, and checks that every applicant got exactly one.

With BENCH_FANOUT_KILL=1 (the default) the first worker is killed with SIGKILL, its processes
all at once, when half the mails have arrived: the mails it held come back through the outbox's
lease and the sweep, and `tail_seconds` is the time from the kill to the last mail.

    python -m bench.fanout [N]
Prints one JSON line. Uses Redis db 5 (BENCH_FANOUT_REDIS_URL) as the broker.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
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


def start_workers(count, concurrency):
    workers = []
    for number in range(1, count + 1):
        command = [
            sys.executable, "-m", "celery", "-A", "kmf", "worker",
            "--concurrency", str(concurrency),
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


def start_beat(folder):
    """celery beat with the production schedule: its sweep takes back a dead worker's mails."""
    command = [
        sys.executable, "-m", "celery", "-A", "kmf", "beat", "--loglevel", "WARNING",
        "--schedule", os.path.join(folder, "beat-schedule"),
    ]  # fmt: skip
    return subprocess.Popen(command, cwd=common.PROJECT, start_new_session=True, stdout=sys.stderr)


def stop(processes):
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        process.wait(timeout=60)


def run(n, workers_count, timeout, concurrency=1, kill=True):
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
    workers = start_workers(workers_count, concurrency)
    folder = tempfile.mkdtemp(prefix="bench-fanout-")
    beat = start_beat(folder)
    killed_at = None
    try:
        tick = time.perf_counter()
        send_deadline_reminders.delay()  # what beat sends on its tick
        written_at = None
        while time.perf_counter() - tick < timeout:
            if written_at is None and OutboundEmail.objects.count() >= n:
                written_at = time.perf_counter()
            if kill and killed_at is None and sink.total >= n // 2:
                os.killpg(workers[0].pid, signal.SIGKILL)  # the worker and its pool, at once
                killed_at = time.perf_counter()
                delivered_at_kill = sink.total
            if sink.total >= n:
                break
            time.sleep(0.2)
        time.sleep(2)  # anything sent twice would arrive now
    finally:
        stop([*workers, beat])
        controller.stop()
    delivered_at = sink.last_at or time.perf_counter()
    seconds = delivered_at - tick
    statuses = dict(OutboundEmail.objects.values_list("status").annotate(n=Count("pk")))
    connection.close()
    result = {
        "fanout": n,
        "workers": workers_count,
        "concurrency": concurrency,
        "seconds": round(seconds, 1),
        "killed_after_mails": delivered_at_kill if killed_at else None,
        "killed_at_seconds": round(killed_at - tick, 1) if killed_at else None,
        "tail_seconds": round(delivered_at - killed_at, 1) if killed_at else None,
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
    concurrency = int(os.environ.get("BENCH_FANOUT_CONCURRENCY", "1"))
    kill = os.environ.get("BENCH_FANOUT_KILL", "1") == "1"
    sys.exit(0 if run(n, workers, timeout, concurrency, kill) else 1)


if __name__ == "__main__":
    main(sys.argv)
