"""The SQL behind each benchmarked page with its timing and plan, against the seeded database.

    python -m bench.seed 5000 && python -m bench.explain [page substring]

For each page: the request's queries in-process, slowest first, each with EXPLAIN ANALYZE.
"""

import sys
import time

from . import common


def main(argv):
    common.configure()
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from submissions.models import Call, ExpressionOfInterest
    from tests.clients import Client

    from .pages import forget_figures, pages

    call = Call.objects.get(slug="kmf-2021")
    Status = ExpressionOfInterest.Status
    draft = call.eois.filter(status=Status.DRAFT).order_by("pk").first()
    reviewed = call.eois.filter(status=Status.UNDER_REVIEW).order_by("pk").first()
    people = {
        "call": call,
        "draft": draft,
        "reviewed": reviewed,
        "applicant": draft.owner,
        "secretariat": User.objects.get(email="secretariat0@bench.example.org"),
        "reviewer": reviewed.reviews.order_by("reviewer__email").first().reviewer,
    }
    wanted = argv[1] if len(argv) > 1 else ""
    for name, path, who in pages(people):
        if wanted not in name:
            continue
        client = Client()
        client.force_login(who)
        client.get(path)
        forget_figures(name)()  # the recounted dashboard's figures, counted in the request timed
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
        queries = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        print(
            f"== {name}: {elapsed:.0f} ms in-process, {len(queries)} queries, {sql_ms:.0f} ms SQL"
        )
        for query in queries[: int(argv[2]) if len(argv) > 2 else 3]:
            print(f"-- {float(query['time']) * 1000:.1f} ms: {query['sql'][:300]}")
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()))


if __name__ == "__main__":
    main(sys.argv)
