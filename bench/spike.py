"""The deadline spike: N applicants (default 500) with complete drafts open their EOI, autosave
it while typing and submit it in the last minutes, against the stack as compose runs it on this
machine: gunicorn, PostgreSQL, a Redis of the benchmark's own (cache and broker), a Celery
worker and beat, and an SMTP sink; locust drives them headless for a bounded time. Then every
submission is checked in the database (stored once, with a unique, gap-free reference, one
audit entry, one receipt in the outbox), and every receipt must reach the SMTP sink once.

BENCH_SPIKE_REDIS_OUTAGE=20 stops that Redis for 20 seconds in the middle of the run, then
starts it again: no submission may be lost, and the receipts held by the outage go out after.

    python -m bench.spike [N]
Prints one JSON line: throughput, p50/p95/p99, failures and the checks.
"""

import csv
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from . import common


def prepare(applicants, background):
    from django.utils import timezone

    from .seed import analyze, drafts, seed

    people = seed(background)
    call = people["call"]
    # Twenty minutes to the deadline: the last rush.
    call.closes_at = timezone.now() + timedelta(minutes=20)
    call.save(update_fields=["closes_at"])
    late = drafts(call, applicants)
    analyze()
    return call, [
        {"session": common.session_for(eoi.owner), "uuid": str(eoi.uuid), "pk": eoi.pk}
        for eoi in late
    ]


def run_locust(base, applicants_file, users, seconds, folder):
    environment = {**os.environ, "BENCH_SPIKE_APPLICANTS": str(applicants_file)}
    command = [
        sys.executable, "-m", "locust", "-f", str(common.PROJECT / "bench" / "locustfile.py"),
        "--headless", "--host", base, "--users", str(users), "--spawn-rate", str(users / 20),
        "--run-time", f"{seconds}s", "--stop-timeout", "10", "--csv", str(folder / "spike"),
        "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    subprocess.run(command, env=environment, check=False, cwd=common.PROJECT)
    with open(folder / "spike_stats.csv") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    return rows


def check(call, late):
    """Every late applicant's EOI: submitted once, unique reference, one audit entry, one mail."""
    from django.db.models import Count

    from audit.models import AuditEntry
    from notifications.models import OutboundEmail
    from submissions.models import ExpressionOfInterest

    pks = [applicant["pk"] for applicant in late]
    eois = ExpressionOfInterest.objects.filter(pk__in=pks)
    submitted = eois.filter(status=ExpressionOfInterest.Status.SUBMITTED)
    references = list(call.eois.exclude(reference=None).values_list("reference", flat=True))
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    audit = (
        AuditEntry.objects.filter(action="eoi.submitted", object_id__in=[str(pk) for pk in pks])
        .values("object_id")
        .annotate(n=Count("pk"))
    )
    receipts = (
        OutboundEmail.objects.filter(event="submission_receipt", eoi__in=pks)
        .values("eoi")
        .annotate(n=Count("pk"))
    )
    return {
        "submitted": submitted.count(),
        "expected": len(pks),
        "references_unique": len(set(references)) == len(references),
        "references_gap_free": numbers == list(range(1, len(numbers) + 1)),
        "audited_once": sum(1 for row in audit if row["n"] == 1),
        "receipts_once": sum(1 for row in receipts if row["n"] == 1),
    }


class ReceiptSink:
    """An SMTP server's handler that counts the receipts each address received (the beat's
    reminders to the same drafts go to the same sink, and are not counted)."""

    def __init__(self):
        self.received = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if b"We received your expression of interest" in envelope.content:
            with self.lock:
                self.received.update(envelope.rcpt_tos)
        return "250 OK"

    @property
    def total(self):
        with self.lock:
            return sum(self.received.values())


def outage(redis_server, at, seconds, record):
    """Stop Redis `at` seconds from now for `seconds`, then start it again."""
    time.sleep(at)
    redis_server.stop()
    record["redis_down_at"] = time.perf_counter()
    time.sleep(seconds)
    redis_server.start()
    record["redis_up_at"] = time.perf_counter()


def wait_for_receipts(sink, late, timeout):
    """Seconds until the receipt of every late applicant who submitted reached the sink (None:
    not all did)."""
    from submissions.models import ExpressionOfInterest

    submitted = ExpressionOfInterest.objects.filter(
        pk__in=[applicant["pk"] for applicant in late], submitted_at__isnull=False
    ).count()
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if sink.total >= submitted:
            time.sleep(2)  # anything sent twice would arrive now
            return round(time.perf_counter() - started - 2, 1)
        time.sleep(0.5)
    return None


def run(applicants, seconds, background, outage_seconds=0):
    from aiosmtpd.controller import Controller

    from .fanout import start_beat, start_workers, stop

    sink = ReceiptSink()
    smtp_port = common.free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    redis_server = common.PrivateRedis()
    redis_server.start()
    os.environ["BENCH_REDIS_URL"] = redis_server.url
    os.environ["BENCH_EMAIL_URL"] = f"smtp://127.0.0.1:{smtp_port}"
    common.configure()
    common.recreate_database()
    common.flush_redis()
    import django

    django.setup()
    from django.db import connection

    call, late = prepare(applicants, background)
    connection.close()
    record = {}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        applicants_file = folder / "applicants.json"
        applicants_file.write_text(json.dumps(late))
        workers = [*start_workers(1, 1), start_beat(str(folder))]
        try:
            with common.gunicorn() as base:
                started = time.perf_counter()
                if outage_seconds:
                    # In the middle of the rush: the last applicants are submitting.
                    at = max(0, (seconds - outage_seconds) / 2)
                    arguments = (redis_server, at, outage_seconds, record)
                    threading.Thread(target=outage, args=arguments, daemon=True).start()
                stats = run_locust(base, applicants_file, applicants, seconds, folder)
                elapsed = time.perf_counter() - started
            receipts_after = wait_for_receipts(sink, late, timeout=180)
        finally:
            stop(workers)
            controller.stop()
            redis_server.stop()
    total = stats["Aggregated"]
    checks = check(call, late)
    emails = {f"late{i}@bench.example.org" for i in range(len(late))}
    result = {
        "spike": applicants,
        "redis_outage_seconds": outage_seconds,
        "redis_down_from_s": round(record["redis_down_at"] - started, 1) if record else None,
        "seconds": round(elapsed, 1),
        "requests": int(total["Request Count"]),
        "throughput_rps": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "errors": int(total["Failure Count"]),
        "submit_p99_ms": float(stats["submit"]["99%"]) if "submit" in stats else None,
        # Submits that answered with their receipt page: each must be stored (none lost).
        "submits_answered": int(stats["submit"]["Request Count"])
        - int(stats["submit"]["Failure Count"])
        if "submit" in stats
        else 0,
        "autosave_p99_ms": float(stats["autosave"]["99%"]) if "autosave" in stats else None,
        "step_page_p99_ms": float(stats["step page"]["99%"]) if "step page" in stats else None,
        **checks,
        "receipts_delivered_once": sum(1 for email in emails if sink.received[email] == 1),
        "receipts_expected": checks["submitted"],
        "receipts_duplicated": sum(n - 1 for n in sink.received.values() if n > 1),
        "receipts_seconds_after_run": receipts_after,
    }
    print(json.dumps(result), flush=True)
    ok = (
        result["errors"] == 0
        and result["receipts_delivered_once"] == len(late)
        and checks["submitted"] >= result["submits_answered"]
        and result["receipts_duplicated"] == 0
        and checks["submitted"] == checks["expected"]
        and checks["references_unique"]
        and checks["references_gap_free"]
        and checks["audited_once"] == checks["receipts_once"] == checks["expected"]
    )
    return ok


def main(argv):
    applicants = int(argv[1]) if len(argv) > 1 else int(os.environ.get("BENCH_SPIKE_USERS", "500"))
    seconds = int(os.environ.get("BENCH_SPIKE_SECONDS", "90"))
    background = int(os.environ.get("BENCH_SPIKE_BACKGROUND", "1000"))
    outage_seconds = int(os.environ.get("BENCH_SPIKE_REDIS_OUTAGE", "0"))
    sys.exit(0 if run(applicants, seconds, background, outage_seconds) else 1)


if __name__ == "__main__":
    main(sys.argv)
