"""The figures the Secretariat compares, computed in the database on SQLite and PostgreSQL alike.

- Each review's weighted total is on a 0–100 scale: a score s of 1…S on a criterion of weight w
  counts w·(s−1)/(S−1), and the weights of a call sum to 100.
- Reviews of withdrawn EOIs count nowhere (withdrawing refreshes the figures).
- Per EOI: the number of submitted reviews, their mean, their true median (the middle total, or
  the mean of the two middle ones), the spread (highest − lowest, flagged above the call's
  disagreement threshold), and the normalised score: the mean of its reviews' z-scores, each
  review measured against all of its reviewer's reviews in the call (population standard
  deviation), so a harsh or lenient reviewer does not decide the ranking. A reviewer with one
  review, or with identical totals, contributes z = 0.
- Rank 1 is the highest normalised score; the mean breaks ties, and equal both share a rank.

Each round of review is counted on its own: the EOI's (reviews with no stage, into EOIScore) and
each reviewed later stage's (its proposals' reviews, scored on the stage's own rubric, into
StageScore). A reviewer's z-scores are measured against their reviews of the same round.
"""

from django.db import connection, transaction
from django.db.models import F, Sum

from submissions.models import ExpressionOfInterest

from .models import EOIScore, Score, StageScore

WITHDRAWN = ExpressionOfInterest.Status.WITHDRAWN.value

STATISTICS_SQL = """
WITH totals AS (
    SELECT review.eoi_id, review.reviewer_id,
           CAST(review.total AS DOUBLE PRECISION) AS total
    FROM review_review AS review
    JOIN submissions_expressionofinterest AS eoi ON eoi.id = review.eoi_id
    WHERE review.status = 'submitted' AND review.total IS NOT NULL AND eoi.call_id = %(call)s
          AND eoi.status <> %(withdrawn)s AND {round}
),
reviewers AS (
    SELECT reviewer_id, COUNT(*) AS reviews, AVG(total) AS mean,
           AVG(total * total) - AVG(total) * AVG(total) AS variance
    FROM totals GROUP BY reviewer_id
),
normalised AS (
    SELECT totals.eoi_id, totals.total,
           CASE WHEN reviewers.reviews > 1 AND reviewers.variance > 1e-9
                THEN (totals.total - reviewers.mean) / SQRT(reviewers.variance)
                ELSE 0 END AS z
    FROM totals JOIN reviewers ON reviewers.reviewer_id = totals.reviewer_id
),
ranked AS (
    SELECT eoi_id, total, z,
           ROW_NUMBER() OVER (PARTITION BY eoi_id ORDER BY total) AS position,
           COUNT(*) OVER (PARTITION BY eoi_id) AS reviews
    FROM normalised
)
SELECT eoi_id,
       COUNT(*) AS review_count,
       AVG(total) AS mean,
       AVG(CASE WHEN position IN ((reviews + 1) / 2, (reviews + 2) / 2) THEN total END) AS median,
       MAX(total) - MIN(total) AS spread,
       AVG(z) AS normalised,
       RANK() OVER (ORDER BY AVG(z) DESC, AVG(total) DESC) AS rank
FROM ranked
GROUP BY eoi_id
"""

# Which reviews a round counts (its stage's, or the EOI's: no stage).
EOI_ROUND = "review.stage_id IS NULL"
STAGE_ROUND = "review.stage_id = %(stage)s"


def weighted_total(review):
    """The review's weighted total (0–100) over the criteria scored so far, from the database."""
    top = review.eoi.call.score_scale_max
    points = Score.objects.filter(review=review).aggregate(
        points=Sum((F("value") - 1) * F("criterion__weight"))
    )["points"]
    return None if points is None else round(points / (top - 1), 2)


def _figures(call, stage):
    """The rows of STATISTICS_SQL for one round of the call, with the call locked: one refresh
    per call at a time, so that two reviews submitted together both end up counted."""
    type(call).objects.select_for_update().filter(pk=call.pk).exists()
    with connection.cursor() as cursor:
        if stage is None:
            cursor.execute(
                STATISTICS_SQL.format(round=EOI_ROUND), {"call": call.pk, "withdrawn": WITHDRAWN}
            )
        else:
            cursor.execute(
                STATISTICS_SQL.format(round=STAGE_ROUND),
                {"call": call.pk, "withdrawn": WITHDRAWN, "stage": stage.pk},
            )
        return [
            {
                "eoi_id": eoi_id,
                "review_count": count,
                "mean": mean,
                "median": median,
                "spread": spread,
                "normalised": normalised,
                "disagreement": spread > call.disagreement_threshold,
                "rank": rank,
            }
            for eoi_id, count, mean, median, spread, normalised, rank in cursor.fetchall()
        ]


def refresh_call_scores(call):
    """Recompute every EOI figure of the call; run it in the transaction that changed a review."""
    with transaction.atomic():
        rows = _figures(call, None)
        EOIScore.objects.filter(eoi__call=call).delete()
        EOIScore.objects.bulk_create(EOIScore(**row) for row in rows)
    return len(rows)


def refresh_stage_scores(stage):
    """Recompute the figures of a later stage's round of review (its proposals'), as
    refresh_call_scores does the EOI's; in the transaction that changed a review."""
    with transaction.atomic():
        rows = _figures(stage.call, stage)
        StageScore.objects.filter(stage=stage).delete()
        StageScore.objects.bulk_create(StageScore(stage=stage, **row) for row in rows)
    return len(rows)


def refresh_scores(call, stage=None):
    """The figures of one round: the EOI's (no stage) or a later stage's."""
    return refresh_call_scores(call) if stage is None else refresh_stage_scores(stage)
