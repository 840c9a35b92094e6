"""Where one page's time goes: render it N times in this process, with the production settings
of bench.pages, against the database a `python -m bench.pages` run seeded, under cProfile.

    python -m bench.profile_page PAGE [N] [SORT]

PAGE is a word of one of bench.pages' page names ("form step", "3 reviews", "scoring"...); N
requests (default 200) after 5 warm-up ones; SORT is cProfile's sort key (default "cumulative").
Prints the mean ms per request, then the 40 heaviest functions, on stdout.
"""

import cProfile
import os
import pstats
import sys
import time


def main(argv):
    from . import common

    common.configure()
    import django

    django.setup()
    from tests.clients import Client

    from .pages import forget_figures, pages
    from .seed import seeded

    wanted = argv[1]
    n = int(argv[2]) if len(argv) > 2 else 200
    sort = argv[3] if len(argv) > 3 else "cumulative"
    name, path, who = next(p for p in pages(seeded()) if wanted in p[0])
    client = Client()
    client.force_login(who)

    before = forget_figures(name)  # the dashboard counted afresh drops its figures first

    def get():
        before()
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        response.getvalue()

    for _warm_up in range(5):
        get()
    started = time.process_time()
    for _request in range(n):
        get()
    cpu_ms = (time.process_time() - started) * 1000 / n
    print(f"{name}: {cpu_ms:.2f} ms CPU per request (no profiler), {n} requests")
    if os.environ.get("PROFILE", "1") == "0":
        return
    profile = cProfile.Profile()
    profile.enable()
    for _request in range(n):
        get()
    profile.disable()
    if os.environ.get("PROFILE_OUT"):
        profile.dump_stats(os.environ["PROFILE_OUT"])
    pstats.Stats(profile, stream=sys.stdout).sort_stats(sort).print_stats(40)


if __name__ == "__main__":
    main(sys.argv)
