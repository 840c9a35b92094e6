"""Aggregation on a hand-computed fixture: weights, mean, true median, spread, z-scores, rank.

Scale 1–5, weights 60 and 40; a score s counts weight·(s−1)/4.
    R1: E1 (5,5) = 100   E2 (3,1) = 30   E3 (1,1) = 0
    R2: E1 (4,4) = 75    E2 (4,2) = 55
    R3: E1 (2,3) = 35
E1: 100, 75, 35 → mean 70, median 75, spread 65 (disagreement above 25)
E2: 30, 55      → mean 42.5, median 42.5, spread 25 (not above 25)
E3: 0           → mean 0, median 0, spread 0
R1's mean is 43.33 and standard deviation 41.90: z = 1.3525, −0.3182, −1.0343.
R2's mean is 65 and standard deviation 10: z = 1, −1. R3 has one review: z = 0.
Normalised: E1 (1.3525 + 1 + 0)/3 = 0.7842; E2 (−0.3182 − 1)/2 = −0.6591; E3 −1.0343.
"""

import pytest

from review import domain
from review.models import Assignment, EOIScore

pytestmark = pytest.mark.django_db


def score(eoi, reviewer, secretariat, relevance, feasibility):
    (assignment,) = domain.assign([eoi], reviewer, secretariat) or [
        Assignment.objects.get(eoi=eoi, reviewer=reviewer)
    ]
    relevance_criterion, feasibility_criterion = eoi.call.rubric
    return domain.save_review(
        assignment,
        reviewer,
        {relevance_criterion: (relevance, ""), feasibility_criterion: (feasibility, "")},
        "invite",
        "",
        "",
        submit=True,
    )


@pytest.fixture
def scored(rubric_call, make_eoi, make_reviewer, secretariat):
    e1, e2, e3 = make_eoi(), make_eoi(), make_eoi()
    r1, r2, r3 = make_reviewer(), make_reviewer(), make_reviewer()
    reviews = [
        score(e1, r1, secretariat, 5, 5),
        score(e2, r1, secretariat, 3, 1),
        score(e3, r1, secretariat, 1, 1),
        score(e1, r2, secretariat, 4, 4),
        score(e2, r2, secretariat, 4, 2),
        score(e1, r3, secretariat, 2, 3),
    ]
    return (e1, e2, e3), reviews


def test_each_reviews_weighted_total(scored):
    _, reviews = scored

    assert [float(review.total) for review in reviews] == [100, 30, 0, 75, 55, 35]


def test_mean_median_spread_and_disagreement(scored):
    (e1, e2, e3), _ = scored

    figures = {s.eoi_id: s for s in EOIScore.objects.all()}
    assert (figures[e1.pk].review_count, figures[e1.pk].mean) == (3, pytest.approx(70))
    assert figures[e1.pk].median == pytest.approx(75)
    assert figures[e1.pk].spread == pytest.approx(65)
    assert figures[e1.pk].disagreement is True
    assert (figures[e2.pk].mean, figures[e2.pk].median) == (
        pytest.approx(42.5),
        pytest.approx(42.5),
    )
    assert (figures[e2.pk].spread, figures[e2.pk].disagreement) == (pytest.approx(25), False)
    assert (figures[e3.pk].mean, figures[e3.pk].median, figures[e3.pk].spread) == (0, 0, 0)


def test_normalised_scores_and_rank_correct_for_harsh_and_lenient_reviewers(scored):
    (e1, e2, e3), _ = scored

    figures = {s.eoi_id: s for s in EOIScore.objects.all()}
    assert figures[e1.pk].normalised == pytest.approx(0.7842, abs=1e-4)
    assert figures[e2.pk].normalised == pytest.approx(-0.6591, abs=1e-4)
    assert figures[e3.pk].normalised == pytest.approx(-1.0343, abs=1e-4)
    assert [figures[e.pk].rank for e in (e1, e2, e3)] == [1, 2, 3]


def test_a_draft_review_shows_a_running_total_but_does_not_count(
    rubric_call, make_eoi, make_reviewer, secretariat
):
    eoi, reviewer = make_eoi(), make_reviewer()
    (assignment,) = domain.assign([eoi], reviewer, secretariat)
    relevance, _ = rubric_call.rubric

    review = domain.save_review(
        assignment, reviewer, {relevance: (5, "")}, "", "", "", submit=False
    )

    assert float(review.total) == 60
    assert not EOIScore.objects.exists()


def test_submitting_needs_every_score_and_a_recommendation(
    rubric_call, make_eoi, make_reviewer, secretariat
):
    from submissions.domain import DomainError

    eoi, reviewer = make_eoi(), make_reviewer()
    (assignment,) = domain.assign([eoi], reviewer, secretariat)
    relevance, _ = rubric_call.rubric

    with pytest.raises(DomainError, match="Score every criterion"):
        domain.save_review(
            assignment, reviewer, {relevance: (5, "")}, "invite", "", "", submit=True
        )
