"""Where a reminder's CPU goes, in one process: N drafts (default 2,000) due their reminder are
written by the reminder job, then delivered by `notifications.outbox.deliver` in batches of
BATCH_SIZE to an SMTP sink in a process of its own. Prints, for each part, the CPU time of this
process per mail (`time.process_time`, its threads included) and the wall time per mail: CPU
does not grow when other processes share the machine, wall time does.

    python -m bench.profile_fanout [N]

BENCH_PROFILE=writing or BENCH_PROFILE=delivery also prints that part's cProfile (the top
BENCH_PROFILE_LINES functions by their own CPU time, then by cumulative) to stderr.
BENCH_REUSE=1 keeps the database of the last run (its drafts, its N) and empties the outbox.
Uses BENCH_DATABASE_URL and BENCH_REDIS_URL, like every benchmark; the tasks the writing
publishes are flushed from that Redis db before the delivery.
"""

import cProfile
import json
import os
import pstats
import subprocess
import sys
import time
from datetime import timedelta

from . import common

SINK = """
import sys, time
from aiosmtpd.controller import Controller

class Sink:
    count = 0
    async def handle_DATA(self, server, session, envelope):
        Sink.count += len(envelope.rcpt_tos)
        return "250 OK"

controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.read()  # until the benchmark closes it
controller.stop()
print(Sink.count, flush=True)
"""


def measured(part, action):
    """Run `action`; returns (CPU seconds, wall seconds), profiling it if BENCH_PROFILE names it."""
    profiling = os.environ.get("BENCH_PROFILE") == part
    # Timed in CPU, not wall: the waits on PostgreSQL and the sink are not this process's work.
    profile = cProfile.Profile(time.process_time) if profiling else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profile:
        profile.enable()
    action()
    if profile:
        profile.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if profile:
        lines = int(os.environ.get("BENCH_PROFILE_LINES", "30"))
        stats = pstats.Stats(profile, stream=sys.stderr)
        stats.sort_stats("tottime").print_stats(lines)
        stats.sort_stats("cumulative").print_stats(lines)
    return cpu, wall


def run(n):
    port = common.free_port()
    sink = subprocess.Popen(
        [sys.executable, "-c", SINK, str(port)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert sink.stdout.readline().strip() == "ready"
    os.environ["BENCH_EMAIL_URL"] = f"smtp://127.0.0.1:{port}"
    common.configure()
    reuse = os.environ.get("BENCH_REUSE") == "1"
    if not reuse:
        common.recreate_database()
    common.flush_redis()
    import django

    django.setup()
    from django.urls import get_resolver
    from django.utils import timezone

    from notifications import outbox
    from notifications.models import OutboundEmail
    from submissions.jobs import send_deadline_reminders
    from submissions.kmf2021 import load_2021_call

    from .seed import analyze, drafts

    call, _created = load_2021_call()
    call.closes_at = timezone.now() + timedelta(hours=23)
    call.save(update_fields=["closes_at"])
    if reuse:
        OutboundEmail.objects.all().delete()  # the drafts are due their reminder again
        n = call.eois.count()
    else:
        drafts(call, n)
    analyze()
    # Imported before the clock starts, as a worker has them after its first task: the
    # URLconf (reverse) imports every app's views.
    assert get_resolver().url_patterns

    written = []
    writing = measured("writing", lambda: written.append(send_deadline_reminders()))
    common.flush_redis()  # the workers' tasks: nobody runs them here
    ids = list(OutboundEmail.objects.order_by("pk").values_list("pk", flat=True))

    def deliver_all():
        for start in range(0, len(ids), outbox.BATCH_SIZE):
            outbox.deliver(ids[start : start + outbox.BATCH_SIZE])

    delivery = measured("delivery", deliver_all)
    sink.stdin.close()
    received = int(sink.stdout.readline())
    sink.wait(timeout=30)
    sent = OutboundEmail.objects.filter(status=OutboundEmail.Status.SENT).count()

    def per_mail(seconds):
        return round(seconds * 1000 / n, 3)

    print(
        json.dumps(
            {
                "mails": n,
                "written": written[0],
                "writing_cpu_ms_per_mail": per_mail(writing[0]),
                "writing_wall_ms_per_mail": per_mail(writing[1]),
                "delivery_cpu_ms_per_mail": per_mail(delivery[0]),
                "delivery_wall_ms_per_mail": per_mail(delivery[1]),
                "received": received,
                "outbox_sent": sent,
            }
        ),
        flush=True,
    )


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else int(os.environ.get("BENCH_N", "2000")))
