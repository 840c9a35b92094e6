"""Create and seed the floor's database, then count each floor page's SQL queries and rows.
Runs in a process of its own (the benchmark's has the site's settings):

    python -m bench.floor.prepare N [--reuse]

Prints one JSON object: {"list": {"path", "queries", "rows"}, "detail": {...}}."""

import json
import os
import sys
from datetime import UTC, datetime, timedelta

WORDS = [
    "grant",
    "community",
    "water",
    "health",
    "school",
    "women",
    "youth",
    "energy",
    "market",
    "climate",
]


def seed(n):
    """N items of about the width of an EOI's listed fields, each with three children."""
    from .models import Child, Item

    started = datetime(2021, 3, 1, tzinfo=UTC)
    items = Item.objects.bulk_create(
        Item(
            reference=f"FLR-{number:06d}",
            title=" ".join(WORDS[(number + k) % len(WORDS)] for k in range(6)).capitalize(),
            organisation=f"Organisation {number % 997}",
            country=["Kenya", "Ghana", "Senegal", "Uganda", "Nepal"][number % 5],
            status=["submitted", "under_review", "draft"][number % 3],
            amount=10_000 + number * 37 % 90_000,
            score=None if number % 7 == 0 else (number * 13) % 100,
            summary=" ".join(WORDS[(number * k) % len(WORDS)] for k in range(150)),
            created=started + timedelta(minutes=number),
        )
        for number in range(1, n + 1)
    )
    Child.objects.bulk_create(
        Child(item=item, author=f"Reviewer {k}", score=k * 20, comment=" ".join(WORDS * 8))
        for item in items
        for k in range(1, 4)
    )


def measure():
    """Each page's path, its SQL queries (the second of two requests) and the rows it shows."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from .models import Item

    total = Item.objects.count()
    middle = Item.objects.order_by("reference")[total // 2]
    paths = {"list": "/items/", "detail": f"/items/{middle.pk}/"}
    client = Client()
    result = {}
    for name, path in paths.items():
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        html = response.content.decode()
        rows = html.count("<tr>") - 1 if name == "list" else html.count('class="child"')
        result[name] = {"path": path, "queries": len(captured.captured_queries), "rows": rows}
    return result


def main(argv):
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.floor.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if "--reuse" not in argv:
        call_command("migrate", "--no-input", "-v", "0")
        seed(int(argv[1]))
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    print(json.dumps(measure()), flush=True)


if __name__ == "__main__":
    main(sys.argv)
