"""The floor (bench/floor/) that bench.pages times beside our pages, and the ratios it prints.
The floor runs in a process of its own, with its own settings, on a SQLite file here."""

import json
import os
import subprocess
import sys

from bench import common, pages


def floor_pages(tmp_path, n):
    environment = {**os.environ, "FLOOR_DATABASE_URL": f"sqlite:///{tmp_path / f'floor{n}.db'}"}
    output = subprocess.run(
        [sys.executable, "-m", "bench.floor.prepare", str(n)],
        cwd=common.PROJECT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output)


def test_the_floor_shows_50_rows_and_3_children_in_2_queries_whatever_the_rows(tmp_path):
    small, large = floor_pages(tmp_path, 60), floor_pages(tmp_path, 240)

    for floor in (small, large):
        assert floor["list"] == {"path": "/items/", "queries": 2, "rows": 50}
        assert floor["detail"]["queries"] == 2  # the item, its children
        assert floor["detail"]["rows"] == 3
    assert small["detail"]["path"] == "/items/31/"


def test_a_ratio_is_ours_over_the_floors_to_one_decimal():
    assert pages.ratio(52.0, 20.0) == 2.6
    assert pages.ratio(79.6, 4.4) == 18.1
    assert pages.ratio(None, 4.4) is None
    assert pages.ratio(10.0, None) is None
    assert pages.ratio(10.0, 0.0) is None  # a floor too fast to register


def test_each_page_is_compared_with_the_floor_page_of_its_shape():
    floor = {
        "list": pages.figures(pages.FLOOR_PAGES["list"], 100, [20.0], 2, 10.0),
        "detail": pages.figures(pages.FLOOR_PAGES["detail"], 100, [4.0], 2, 2.0),
    }

    listed = pages.compared(pages.figures("secretariat eoi list", 100, [50.0], 9, 45.0), floor)
    detail = pages.compared(pages.figures("eoi page with 3 reviews", 100, [30.0], 16, 9.0), floor)
    export = pages.compared(pages.figures("full csv export", 100, [900.0], 9, 800.0), floor)

    assert listed["floor"] == "floor: list of 50 rows"
    assert (listed["ratio"], listed["cpu_ratio"]) == (2.5, 4.5)
    assert listed["median_ms"] == 50.0  # the page's own figures stay
    assert detail["floor"] == "floor: detail with 3 child rows"
    assert (detail["ratio"], detail["cpu_ratio"]) == (7.5, 4.5)
    assert (export["floor"], export["ratio"], export["cpu_ratio"]) == (None, None, None)
