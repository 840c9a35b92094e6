"""The exports of every EOI and every review, timed in this process on a seeded database.

    BENCH_DATABASE_URL=… python -m bench.exports [ROUNDS]

BENCH_EXPORTS="full CSV" times only the exports whose names contain one of those words.

Run after `python -m bench.pages N` seeded the database (it is not seeded here). Each export is
read whole through the test client, as a browser reads it, ROUNDS times (default 3) after one
warm-up, and printed as one JSON line: the median time to the first byte and to the last, the
bytes, and the CPU spent by this process (Python: the view, and for the CSV on PostgreSQL only
passing bytes on) and by the PostgreSQL backend that served it (the database writing the CSV),
read from /proc, so the work moved into the database is counted too.
"""

import json
import os
import resource
import statistics
import sys
import time

from . import common

EXPORTS = {
    "full CSV export": ("export_eois", "csv"),
    "full XLSX export": ("export_eois", "xlsx"),
    "every review, CSV": ("export_reviews", "csv"),
}


def backend_cpu_s(pid):
    """CPU seconds (user and system) a local PostgreSQL backend has used so far."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def read_once(client, path, backend):
    started, cpu, database = time.perf_counter(), time.process_time(), backend_cpu_s(backend)
    response = client.get(path)
    chunks = iter(response.streaming_content)
    first = next(chunks)
    first_byte = time.perf_counter() - started
    # Read to the end, which closes the response as the test client does (keeping this
    # process's one connection, whose backend's CPU is read around each export).
    size = len(first) + sum(len(chunk) for chunk in chunks)
    return {
        "first_byte_ms": first_byte * 1000,
        "total_ms": (time.perf_counter() - started) * 1000,
        "bytes": size,
        "python_cpu_ms": (time.process_time() - cpu) * 1000,
        "database_cpu_ms": (backend_cpu_s(backend) - database) * 1000,
    }


def main(argv):
    rounds = int(argv[1]) if len(argv) > 1 else 3
    common.configure()
    import django

    django.setup()
    from django.db import connection
    from django.urls import reverse

    from accounts.models import User
    from submissions.models import Call
    from tests.clients import Client

    call = Call.objects.get(slug="kmf-2021")
    client = Client()
    client.force_login(User.objects.get(email="secretariat0@bench.example.org"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    wanted = [w.strip() for w in os.environ.get("BENCH_EXPORTS", "").split(",") if w.strip()]
    for name, (view, file_format) in EXPORTS.items():
        if wanted and not any(word in name for word in wanted):
            continue
        path = reverse(f"review:{view}", args=[call.slug, file_format])
        read_once(client, path, backend)
        runs = [read_once(client, path, backend) for _ in range(rounds)]
        figures = {
            key: round(statistics.median(run[key] for run in runs), 1)
            for key in runs[0]
            if key != "bytes"
        }
        print(
            json.dumps(
                {
                    "export": name,
                    "rows_bytes": runs[0]["bytes"],
                    **figures,
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv)
