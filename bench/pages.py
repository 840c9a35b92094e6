"""Page timings at scale: seed N EOIs, serve the site with gunicorn on loopback, time each page
from a client over HTTP, and count its SQL queries by running the same request in-process.

    python -m bench.pages [N]        (N defaults to BENCH_N, then 5000)

BENCH_PAGES="eoi list,export" times only the pages whose names contain one of those words.
BENCH_REUSE=1 times the pages on the database an earlier run seeded (no seeding).
BENCH_FLOOR=0 leaves out the floor (bench/floor/): a bare Django project, seeded with the same N
rows, served beside the site by a gunicorn of the same kind, whose 50-row list and detail page
with three child rows are timed first with the same client.

Prints one JSON object per page on stdout, the floor's two pages first:
    {"page": ..., "n": ..., "median_ms": ..., "p95_ms": ..., "queries": ..., "server_cpu_ms": ...,
     "floor": ..., "ratio": ..., "cpu_ratio": ...}
(`floor` names the floor page a page is compared with, `ratio` is its median over the floor's,
`cpu_ratio` its server CPU over the floor's.) Progress and the seeding time go to stderr.
"""

import json
import os
import subprocess
import sys
import time
from contextlib import ExitStack

from . import common

WARM_UP = 3
# The dashboard counts its figures at most once a minute; this line times it when every
# request has to count them (the first look of the minute).
RECOUNTED = "dashboard with charts, figures counted afresh"

# The floor's pages, and which of them each of ours is compared with: a list of 50 rows, or one
# object with a few child rows. The exports (every row of the call) have no floor.
FLOOR_PAGES = {"list": "floor: list of 50 rows", "detail": "floor: detail with 3 child rows"}
FLOORS = {
    "applicant dashboard": "detail",
    "eoi form step": "detail",
    "secretariat eoi list": "list",
    "secretariat eoi list, filtered and sorted by score": "list",
    "dashboard with charts": "detail",
    RECOUNTED: "detail",
    "eoi page with 3 reviews": "detail",
    "reviewer scoring page": "detail",
    "reviewer's assignments": "list",
    # The Fund's year after the EOI (issue 15).
    "secretariat proposal list": "list",
    "proposal form step (budget lines)": "detail",
    "printable proposal": "detail",
    "proposal pdf": "detail",
    "interview slots (secretariat)": "list",
    "applicant's interview booking": "detail",
    "grant list": "list",
    "grant form": "detail",
    "grant letter pdf": "detail",
    # The second round of review.
    "review board": "list",
    "reviewer proposal scoring page": "detail",
}


def forget_figures(name):
    """What to do before each request of a page: for RECOUNTED, drop the counted figures."""
    if name != RECOUNTED:
        return lambda: None
    from django.core.cache import cache

    from review.selectors import intake_key
    from submissions.models import Call

    key = intake_key(Call.objects.get(slug="kmf-2021"))
    return lambda: cache.delete(key)


def pages(people):
    """(name, path, who) of every page measured."""
    from django.urls import reverse

    call, draft, reviewed = people["call"], people["draft"], people["reviewed"]
    eoi_list = reverse("review:eoi_list", args=[call.slug])
    measured = [
        ("applicant dashboard", reverse("submissions:dashboard"), people["applicant"]),
        ("eoi form step", reverse("submissions:eoi_step", args=[draft.uuid, "project"]),
         people["applicant"]),
        ("secretariat eoi list", eoi_list, people["secretariat"]),
        # The status most EOIs have once the EOI stage is decided (four in five): the filter and
        # the sort still go through most of the call's rows.
        ("secretariat eoi list, filtered and sorted by score",
         eoi_list + "?status=not_selected&min_score=40&sort=-mean", people["secretariat"]),
        ("dashboard with charts", reverse("review:dashboard", args=[call.slug]),
         people["secretariat"]),
        (RECOUNTED, reverse("review:dashboard", args=[call.slug]), people["secretariat"]),
        ("eoi page with 3 reviews", reverse("review:secretariat_eoi", args=[reviewed.uuid]),
         people["secretariat"]),
        ("reviewer scoring page", reverse("review:review_eoi", args=[reviewed.uuid]),
         people["reviewer"]),
        ("reviewer's assignments", reverse("review:assignments"), people["reviewer"]),
        ("full csv export", reverse("review:export_eois", args=[call.slug, "csv"]),
         people["secretariat"]),
        ("full xlsx export", reverse("review:export_eois", args=[call.slug, "xlsx"]),
         people["secretariat"]),
        ("reviews csv export", reverse("review:export_reviews", args=[call.slug, "csv"]),
         people["secretariat"]),
    ]  # fmt: skip
    return measured + later_stage_pages(people)


def later_stage_pages(people):
    """(name, path, who) of the pages of the stages after the EOI (issue 15). A tiny sample may
    lack the application one of them shows: that page is left out."""
    from django.urls import reverse

    slug = people["call"].slug
    measured = [
        ("secretariat proposal list", reverse("review:proposal_list", args=[slug]),
         people["secretariat"]),
        ("interview slots (secretariat)", reverse("interviews:slots", args=[slug]),
         people["secretariat"]),
        ("grant list", reverse("awards:grant_list", args=[slug]), people["secretariat"]),
    ]  # fmt: skip
    if proposal := people.get("proposal"):
        eoi = proposal.eoi
        measured += [
            ("proposal form step (budget lines)",
             reverse("submissions:proposal_step", args=[eoi.uuid, "budget"]), eoi.owner),
            ("printable proposal", reverse("submissions:proposal_print", args=[eoi.uuid]),
             eoi.owner),
            ("proposal pdf", reverse("submissions:proposal_pdf", args=[eoi.uuid]), eoi.owner),
        ]  # fmt: skip
    if reviewed := people.get("reviewed proposal"):
        measured += [
            ("review board", reverse("review:board", args=[slug, reviewed.stage_id]),
             people["secretariat"]),
            ("reviewer proposal scoring page",
             reverse("review:review_proposal", args=[reviewed.eoi.uuid, reviewed.stage_id]),
             people["reviewer"]),
        ]  # fmt: skip
    if shortlisted := people.get("shortlisted"):
        measured.append(
            ("applicant's interview booking",
             reverse("interviews:booking", args=[shortlisted.uuid]), shortlisted.owner)
        )  # fmt: skip
    if recommended := people.get("recommended"):
        measured.append(
            ("grant form", reverse("awards:grant", args=[recommended.uuid]),
             people["secretariat"])
        )  # fmt: skip
    if awarded := people.get("awarded"):
        measured.append(
            ("grant letter pdf", reverse("awards:letter", args=[awarded.uuid]), awarded.owner)
        )
    return measured


def count_queries(path, user, before=lambda: None):
    """The SQL queries of one request to `path`, run in this process against the same database
    (the second of two, so per-process caches are warm as in a running web node)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.clients import Client

    client = Client()
    client.force_login(user)
    client.get(path).getvalue()
    before()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        response.getvalue()  # a streamed export runs its queries as it is read
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code} in-process")
    return len(captured.captured_queries)


def time_page(base, path, session_key, requests_per_page, before=lambda: None, rounds=WARM_UP):
    """Wall-clock ms of each request and of its first byte of body, and the server's CPU ms
    per request over them all. The body is read as it arrives, as a browser's download would;
    requests' default of 10 kB at a time cost more client CPU than the export's server."""
    import requests

    client = requests.Session()
    if session_key:  # the floor has no sessions
        client.cookies.set("sessionid", session_key, domain="127.0.0.1")
    warm_up(base + path, session_key, rounds)
    cpu_before = common.server_cpu_seconds(base)
    timings, first_bytes = [], []
    for _attempt in range(requests_per_page):
        before()
        started = time.perf_counter()
        response = client.get(base + path, allow_redirects=False, stream=True)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code} over HTTP")
        chunks = response.iter_content(chunk_size=None)  # each as it arrives
        next(chunks, None)
        first_bytes.append((time.perf_counter() - started) * 1000)
        for _chunk in chunks:
            pass
        timings.append((time.perf_counter() - started) * 1000)
    cpu_ms = (common.server_cpu_seconds(base) - cpu_before) * 1000 / requests_per_page
    return timings, first_bytes, cpu_ms


def warm_up(url, session_key, rounds=WARM_UP):
    """Have every gunicorn worker serve the page WARM_UP times before it is timed: a worker's
    first request of a page loads and compiles what it needs, once in the worker's life. One at
    a time, the requests would mostly reach the same worker, and the others' first requests
    would land among the timed ones."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    def get(_number):
        cookies = {"sessionid": session_key} if session_key else {}
        response = requests.get(url, cookies=cookies, allow_redirects=False, timeout=600)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code} over HTTP")

    workers = common.web_workers()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(get, range(rounds * workers)))


def figures(page, n, timings, queries, cpu_ms=None, first_bytes=None):
    """One output line: the page, the number of EOIs, median and p95 in ms, the SQL queries,
    the web server's CPU ms per request (what the page costs, whatever else runs), and for an
    export the median ms to its first byte."""
    result = {
        "page": page,
        "n": n,
        "median_ms": round(common.percentile(timings, 0.5), 1),
        "p95_ms": round(common.percentile(timings, 0.95), 1),
        "queries": queries,
        "server_cpu_ms": None if cpu_ms is None else round(cpu_ms, 1),
    }
    if first_bytes:
        result["first_byte_ms"] = round(common.percentile(first_bytes, 0.5), 1)
    return result


def ratio(ours, floor):
    """How many times the floor's figure ours is, to one decimal; None without both."""
    if ours is None or not floor:
        return None
    return round(ours / floor, 1)


def compared(result, floor_results):
    """`result` with the floor page it is compared with and its ratios to that page's figures."""
    floor = floor_results.get(FLOORS.get(result["page"]))
    return {
        **result,
        "floor": floor and floor["page"],
        "ratio": floor and ratio(result["median_ms"], floor["median_ms"]),
        "cpu_ratio": floor and ratio(result["server_cpu_ms"], floor["server_cpu_ms"]),
    }


def prepare_floor(n, reuse):
    """The floor's database, seeded with N items (unless reused), and each floor page's path,
    queries and rows, from a process with the floor's settings."""
    environment = {**os.environ, "FLOOR_DATABASE_URL": common.floor_database_url()}
    if not reuse:
        common.drop_and_create(environment["FLOOR_DATABASE_URL"])
    command = [sys.executable, "-m", "bench.floor.prepare", str(n), *(["--reuse"] if reuse else [])]
    output = subprocess.run(
        command, cwd=common.PROJECT, env=environment, check=True, capture_output=True, text=True
    ).stdout
    return environment, json.loads(output.splitlines()[-1])


def time_floor(stack, floor, n, requests_per_page):
    """Serve the floor beside the site and time its pages: {"list": line, "detail": line}."""
    environment, floor_pages = floor
    base = stack.enter_context(
        common.gunicorn(
            app="bench.floor.wsgi",
            config=["-c", str(common.PROJECT / "bench" / "floor" / "gunicorn.conf.py")],
            env=environment,
        )
    )
    results = {}
    for kind, page in floor_pages.items():
        timings, _first_bytes, cpu_ms = time_page(base, page["path"], None, requests_per_page)
        result = figures(FLOOR_PAGES[kind], n, timings, page["queries"], cpu_ms)
        result["rows"] = page["rows"]
        print(json.dumps(result), flush=True)
        results[kind] = result
    return results


def run(n, requests_per_page):
    common.configure()
    reuse = os.environ.get("BENCH_REUSE") == "1"
    if not reuse:
        common.recreate_database()
    common.flush_redis()
    import django

    django.setup()
    from django.db import connection

    from .seed import analyze, seed, seeded

    started = time.perf_counter()
    if reuse:  # the database an earlier run of the same N left, to time other pages on it
        people = seeded()
        n = people["call"].eois.count()
    else:
        people = seed(n)
        analyze()
        print(f"seeded {n} EOIs in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    wanted = [w.strip() for w in os.environ.get("BENCH_PAGES", "").split(",") if w.strip()]
    measured = [p for p in pages(people) if not wanted or any(w in p[0] for w in wanted)]
    sessions = {who.pk: common.session_for(who) for _name, _path, who in measured}
    before = {name: forget_figures(name) for name, _path, _who in measured}
    queries = {name: count_queries(path, who, before[name]) for name, path, who in measured}
    floor = None if os.environ.get("BENCH_FLOOR") == "0" else prepare_floor(n, reuse)
    results = []
    with ExitStack() as stack:
        base = stack.enter_context(common.gunicorn())
        floor_results = time_floor(stack, floor, n, requests_per_page) if floor else {}
        for name, path, who in measured:
            # The export takes seconds at scale: fewer samples keep the run bounded.
            samples = max(5, requests_per_page // 5) if "export" in name else requests_per_page
            # An export at 50,000 takes seconds: one warm-up request per worker is enough.
            rounds = 1 if "export" in name else WARM_UP
            timings, first_bytes, cpu_ms = time_page(
                base, path, sessions[who.pk], samples, before[name], rounds
            )
            exported = first_bytes if "export" in name else None
            result = figures(name, n, timings, queries[name], cpu_ms, exported)
            if exported:
                result["worker_peak_mb"] = common.server_peak_memory_mb(base)
            if floor:
                result = compared(result, floor_results)
            print(json.dumps(result), flush=True)
            results.append(result)
    connection.close()
    return results


def main(argv):
    n = int(argv[1]) if len(argv) > 1 else int(os.environ.get("BENCH_N", "5000"))
    run(n, int(os.environ.get("BENCH_REQUESTS", "50")))


if __name__ == "__main__":
    main(sys.argv)
