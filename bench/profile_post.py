"""Where the deadline's POSTs spend their time: N late applicants' drafts autosaved, then
submitted, in this process, with the production settings of bench.pages, against the database
a `python -m bench.pages` run seeded (it adds the drafts), under cProfile.

    python -m bench.profile_post [autosave|submit] [N] [SORT]

Prints the CPU ms per request without the profiler (a first pass over N drafts), then the 40
heaviest functions of a second pass over N more (default N 100, SORT "cumulative").
"""

import cProfile
import os
import pstats
import sys
import time
from datetime import timedelta
from itertools import count

BATCHES = count()


def main(argv):
    from . import common

    common.configure()
    import django

    django.setup()
    from django.utils import timezone

    from submissions.models import Call

    kind = argv[1] if len(argv) > 1 else "submit"
    n = int(argv[2]) if len(argv) > 2 else 100
    sort = argv[3] if len(argv) > 3 else "cumulative"
    call = Call.objects.get(slug="kmf-2021")
    # Twenty minutes to the deadline, as in bench.spike; put back after.
    closed_at = call.closes_at
    call.closes_at = timezone.now() + timedelta(minutes=20)
    call.save(update_fields=["closes_at"])
    try:
        profile_posts(call, kind, n, sort)
    finally:
        call.closes_at = closed_at
        call.save(update_fields=["closes_at"])


def profile_posts(call, kind, n, sort):
    from tests.clients import Client

    from .seed import drafts

    def done(response):
        if kind == "submit":  # to the receipt
            return response.status_code == 302 and "/receipt/" in response["Location"]
        return response.status_code == 200 and "version" in response.json()

    # One client, so that its handler loads the middleware once, as a worker does.
    client = Client()

    def requests_for(eois):
        for eoi in eois:
            if kind == "autosave":
                path = f"/eois/{eoi.uuid}/project/autosave/"
                data = {"version": eoi.version, "title": "Last-minute forums", "summary": "S."}
            else:
                path = f"/eois/{eoi.uuid}/submit/"
                data = {"declares_accuracy": "on", "declares_consent": "on"}
            yield eoi.owner, path, data

    def post_all(eois, profile=None):
        spent = 0.0
        prepared = list(requests_for(eois))
        for owner, path, data in prepared:
            client.force_login(owner)  # the sign-in outside the clock
            started = time.process_time()
            if profile:
                profile.enable()
            response = client.post(path, data)
            if profile:
                profile.disable()
            spent += time.process_time() - started
            if not done(response):
                raise RuntimeError(f"{path} answered {response.status_code}")
        return spent * 1000 / len(prepared)

    def batch():
        return drafts(call, n, prefix=f"profiled{os.getpid()}x{next(BATCHES)}x")

    post_all(batch()[:5])  # warm-up
    print(f"{kind}: {post_all(batch()):.2f} ms CPU per request (no profiler), {n} requests")
    if os.environ.get("PROFILE", "1") == "0":
        return
    eois = batch()
    profile = cProfile.Profile()
    post_all(eois, profile)
    if os.environ.get("PROFILE_OUT"):
        profile.dump_stats(os.environ["PROFILE_OUT"])
    pstats.Stats(profile, stream=sys.stdout).sort_stats(sort).print_stats(40)


if __name__ == "__main__":
    main(sys.argv)
