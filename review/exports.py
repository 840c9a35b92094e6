"""Exports for the Secretariat: EOIs with answers, figures and per-criterion means; reviews."""

import csv
import io

from django.db.models import Avg
from django.http import HttpResponse
from openpyxl import Workbook

from .models import Review, Score
from .selectors import secretariat_eois

EOI_ANSWERS = [
    ("reference", "reference"),
    ("status", "get_status_display"),
    ("title", "title"),
    ("organisation", "organisation_name"),
    ("organisation type", "get_organisation_type_display"),
    ("country", "organisation_country"),
    ("budget (€)", "budget_requested"),
    ("personnel (%)", "personnel_share"),
    ("duration (months)", "duration_months"),
    ("summary", "summary"),
    ("problem and context", "problem_context"),
    ("asymmetry and power", "asymmetry"),
    ("activities and timeline", "activities_timeline"),
    ("outcomes and uptake", "outcomes_uptake"),
]
FIGURES = ["reviews", "mean", "median", "spread", "normalised", "rank", "disagreement"]


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula is quoted instead."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _value(eoi, attribute):
    value = getattr(eoi, attribute)
    return value() if callable(value) else value


def eoi_rows(call, eois):
    criteria = list(call.criteria.all())
    means = {
        (row["review__eoi"], row["criterion"]): row["mean"]
        for row in Score.objects.filter(
            review__eoi__in=eois, review__status=Review.Status.SUBMITTED
        )
        .values("review__eoi", "criterion")
        .annotate(mean=Avg("value"))
    }
    yield (
        [label for label, _attribute in EOI_ANSWERS]
        + FIGURES
        # Column names stay in English, as the rest of the header, whoever exports.
        + [f"mean: {criterion.title_en}" for criterion in criteria]
    )
    for eoi in secretariat_eois(call).filter(pk__in=eois).prefetch_related(None):
        score = getattr(eoi, "score", None)
        figures = (
            [
                score.review_count,
                round(score.mean, 2),
                round(score.median, 2),
                round(score.spread, 2),
                round(score.normalised, 3),
                score.rank,
                score.disagreement,
            ]
            if score
            else [0, None, None, None, None, None, None]
        )
        yield (
            [_value(eoi, attribute) for _label, attribute in EOI_ANSWERS]
            + figures
            + [
                round(means[(eoi.pk, c.pk)], 2) if (eoi.pk, c.pk) in means else None
                for c in criteria
            ]
        )


def review_rows(call):
    criteria = list(call.criteria.all())
    yield ["reference", "reviewer", "status", "total", "recommendation", "comment", "feedback"] + [
        criterion.title_en for criterion in criteria
    ]
    reviews = (
        Review.objects.filter(eoi__call=call)
        .select_related("eoi", "reviewer")
        .prefetch_related("scores")
        .order_by("eoi__reference", "reviewer__email")
    )
    for review in reviews:
        values = {score.criterion_id: score.value for score in review.scores.all()}
        yield [
            review.eoi.reference,
            review.reviewer.email,
            review.get_status_display(),
            review.total,
            review.get_recommendation_display(),
            review.internal_comment,
            review.applicant_feedback,
        ] + [values.get(criterion.pk) for criterion in criteria]


def as_csv(rows, filename):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    return response


def as_xlsx(rows, filename):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in rows:
        sheet.append([spreadsheet_safe(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
