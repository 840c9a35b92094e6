"""The benchmark's own parts at a tiny size: the seeding, the pages it measures, its output.
(The benchmarks themselves run with `make bench`, never in the test suite.)"""

import json
from datetime import timedelta

import pytest
from django.db.models import Count, Q
from django.utils import timezone

from awards.models import Grant
from bench import common, pages
from bench.seed import drafts, seed
from interviews.models import Booking
from review.models import Decision, EOIScore, Review, StageScore
from submissions.models import OUTCOMES, ExpressionOfInterest, Proposal, Stage
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
    reviewed = sent.exclude(status=ExpressionOfInterest.Status.WITHDRAWN)
    eoi_round = Q(reviews__stage=None)
    per_eoi = reviewed.annotate(n=Count("reviews", filter=eoi_round)).values_list("n", flat=True)
    assert set(per_eoi) == {3}
    assert Review.objects.filter(status="submitted", stage=None).count() == 3 * reviewed.count()
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
    # The same for the proposal's scoring page (its round's own rubric), and the Board ranks
    # the scored proposals.
    proposal = people["reviewed proposal"]
    assert (
        StageScore.objects.filter(stage=proposal.stage).count()
        == proposal.stage.proposals.filter(status="submitted").count()
    )
    proposal_scoring = next(
        p for n, p, _w in pages.pages(people) if n == "reviewer proposal scoring page"
    )
    response = client.get(proposal_scoring)
    assert response.status_code == 200
    assert 'name="declaration"' not in response.content.decode()
    assert {"review board", "reviewer proposal scoring page"} <= {
        n for n, _p, _w in pages.pages(people)
    }
    # Every page but the exports (every row of the call) has a floor page of its shape.
    names = {name for name, _path, _who in pages.pages(people)}
    assert set(pages.FLOORS) == {name for name in names if "export" not in name}


def test_the_later_stages_follow_the_lifecycle_of_the_2021_call():
    people = seed(40, reviewers=4, random_seed=5)
    call = people["call"]
    Status = ExpressionOfInterest.Status
    stages = {stage.kind: stage for stage in call.stages.all()}

    assert list(call.stages.values_list("kind", flat=True)) == [
        "eoi", "proposal", "interview", "award"
    ]  # fmt: skip
    assert call.closes_at < timezone.now()
    # Each decision is one of its stage's outcomes (the EOI stage's: its stage empty).
    for decision in Decision.objects.select_related("stage"):
        kind = decision.stage.kind if decision.stage else Stage.Kind.EXPRESSION_OF_INTEREST
        assert decision.outcome in OUTCOMES[kind], (kind, decision.outcome)
        assert decision.released_at is not None
    assert not Decision.objects.filter(stage=None, outcome__in=["awarded", "shortlisted"]).exists()
    # Its last decision gave each decided EOI its status and, for one that moved on, its stage.
    for eoi in call.eois.exclude(decisions=None).prefetch_related("decisions__stage"):
        last = max(eoi.decisions.all(), key=lambda d: d.stage.order if d.stage else 1)
        assert eoi.status == last.outcome
        opened = {"invited": "proposal", "shortlisted": "interview", "recommended": "award"}
        expected = opened.get(last.outcome, last.stage.kind if last.stage else None)
        assert (eoi.stage.kind if eoi.stage else None) == expected, eoi.status
    # Every EOI invited has its full proposal, most of them submitted, with budget lines.
    invited = Decision.objects.filter(stage=None, outcome="invited").values("eoi")
    proposals = Proposal.objects.filter(eoi__in=invited)
    assert proposals.count() == invited.count() >= 10
    assert proposals.filter(status="draft").exists()
    assert proposals.filter(status="submitted").count() > proposals.filter(status="draft").count()
    assert all(p.answers["budget_lines"] for p in proposals)
    assert not Decision.objects.filter(stage=stages["proposal"], eoi__proposals__status="draft")
    # The shortlisted book slots; those held are assessed; the recommended get grants within
    # the call's funds; the awarded have their letter.
    bookings = Booking.objects.select_related("slot", "eoi")
    assert bookings.exists()
    shortlisted = Decision.objects.filter(stage=stages["proposal"], outcome="shortlisted")
    assert {b.eoi_id for b in bookings} <= set(shortlisted.values_list("eoi_id", flat=True))
    assert all(b.eoi.stage_id == stages["interview"].pk for b in bookings if b.score is None)
    assert all((b.score is not None) == (b.slot.starts_at < timezone.now()) for b in bookings)
    grants = Grant.objects.select_related("eoi")
    assert grants.exists()
    assert all(g.eoi.status in ("recommended", "awarded") for g in grants)
    assert all((g.eoi.status == "awarded") == bool(g.letter_issued_at) for g in grants)
    assert sum(g.amount for g in grants) <= call.budget_available
    assert people["proposal"].eoi.status == Status.INVITED
    assert people["shortlisted"].status == Status.SHORTLISTED


def test_late_drafts_are_complete_and_can_be_submitted():
    from submissions import domain

    call = seed(5, reviewers=3, random_seed=4)["call"]
    # The seeded call's deadline has passed: the spike (bench/spike.py) moves it to minutes ahead.
    call.closes_at = timezone.now() + timedelta(minutes=20)
    call.save(update_fields=["closes_at"])
    (late,) = drafts(call, 1)

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
