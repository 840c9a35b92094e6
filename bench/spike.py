"""The deadline spike: N applicants (default 200) with complete drafts open their EOI, autosave
it while typing and submit it in the last minutes, against gunicorn on loopback, driven by locust
headless for a bounded time. Then every submission is checked in the database: stored once,
with a unique, gap-free reference, one audit entry and one receipt.

    python -m bench.spike [N]
Prints one JSON line: throughput, p50/p95/p99, failures and the checks.
"""

import csv
import json
import os
import subprocess
import sys
import tempfile
import time
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


def run(applicants, seconds, background):
    common.configure()
    common.recreate_database()
    common.flush_redis()
    import django

    django.setup()
    from django.db import connection

    call, late = prepare(applicants, background)
    connection.close()
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        applicants_file = folder / "applicants.json"
        applicants_file.write_text(json.dumps(late))
        with common.gunicorn() as base:
            started = time.perf_counter()
            stats = run_locust(base, applicants_file, applicants, seconds, folder)
            elapsed = time.perf_counter() - started
    total = stats["Aggregated"]
    checks = check(call, late)
    result = {
        "spike": applicants,
        "seconds": round(elapsed, 1),
        "requests": int(total["Request Count"]),
        "throughput_rps": round(float(total["Requests/s"]), 1),
        "p50_ms": float(total["50%"]),
        "p95_ms": float(total["95%"]),
        "p99_ms": float(total["99%"]),
        "errors": int(total["Failure Count"]),
        "submit_p99_ms": float(stats["submit"]["99%"]) if "submit" in stats else None,
        "autosave_p99_ms": float(stats["autosave"]["99%"]) if "autosave" in stats else None,
        **checks,
    }
    print(json.dumps(result), flush=True)
    ok = (
        result["errors"] == 0
        and checks["submitted"] == checks["expected"]
        and checks["references_unique"]
        and checks["references_gap_free"]
        and checks["audited_once"] == checks["receipts_once"] == checks["expected"]
    )
    return ok


def main(argv):
    applicants = int(argv[1]) if len(argv) > 1 else int(os.environ.get("BENCH_SPIKE_USERS", "200"))
    seconds = int(os.environ.get("BENCH_SPIKE_SECONDS", "60"))
    background = int(os.environ.get("BENCH_SPIKE_BACKGROUND", "1000"))
    sys.exit(0 if run(applicants, seconds, background) else 1)


if __name__ == "__main__":
    main(sys.argv)
