"""The benchmark's own parts at a tiny size: the seeding, the pages it measures, its output.
(The benchmarks themselves run with `make bench`, never in the test suite.)"""

import json

import pytest
from django.db.models import Count

from bench import common, pages
from bench.seed import drafts, seed
from review.models import EOIScore, Review
from submissions.models import ExpressionOfInterest
from tests.clients import Client

pytestmark = pytest.mark.django_db


def test_seeding_makes_a_reviewed_call_and_every_measured_page_answers():
    people = seed(20, reviewers=4, random_seed=3)
    call = people["call"]

    eois = call.eois.all()
    assert eois.count() == 20
    sent = eois.exclude(status=ExpressionOfInterest.Status.DRAFT)
    numbers = sorted(
        int(reference.split("-")[1]) for reference in sent.values_list("reference", flat=True)
    )
    assert numbers == list(range(1, sent.count() + 1))
    reviewed = eois.filter(status__in=["submitted", "under_review"])
    per_eoi = reviewed.annotate(n=Count("reviews", filter=None)).values_list("n", flat=True)
    assert set(per_eoi) == {3}
    assert Review.objects.filter(status="submitted").count() == 3 * reviewed.count()
    assert EOIScore.objects.count() == reviewed.count()
    assert all(eoi.attachments.filter(question="budget").exists() for eoi in eois)
    assert all(eoi.answers.get("partners") and eoi.challenges.exists() for eoi in eois)

    for name, path, who in pages.pages(people):
        assert pages.count_queries(path, who) > 0, name
    # The reviewer declared no conflict before scoring: the scoring page is timed, not the
    # declaration the page asks for first.
    scoring = next(p for n, p, _w in pages.pages(people) if n == "reviewer scoring page")
    client = Client()
    client.force_login(people["reviewer"])
    assert next(t.name for t in client.get(scoring).templates) == "review/review_eoi.html"
    # Every page but the exports (every row of the call) has a floor page of its shape.
    names = {name for name, _path, _who in pages.pages(people)}
    assert set(pages.FLOORS) == {name for name in names if "export" not in name}


def test_late_drafts_are_complete_and_can_be_submitted():
    from submissions import domain

    people = seed(5, reviewers=3, random_seed=4)
    (late,) = drafts(people["call"], 1)

    submitted = domain.submit_eoi(
        late, late.owner, {"declares_accuracy": True, "declares_consent": True}
    )
    assert submitted.status == "submitted"
    assert submitted.reference.startswith("KMF21-")


def test_an_output_line_is_json_with_the_page_figures():
    line = json.dumps(
        pages.figures("secretariat eoi list", 5000, [30.0, 10.0, 20.0, 40.0], 9, 12.345)
    )

    assert json.loads(line) == {
        "page": "secretariat eoi list",
        "n": 5000,
        "median_ms": 20.0,
        "p95_ms": 40.0,
        "queries": 9,
        "server_cpu_ms": 12.3,
    }


def test_percentiles_are_nearest_rank():
    timings = list(range(1, 101))

    assert common.percentile(timings, 0.5) == 50
    assert common.percentile(timings, 0.95) == 95
    assert common.percentile([7.0], 0.95) == 7.0
