"""Exports for the Secretariat: EOIs with answers, figures and per-criterion means; reviews."""

import csv
import io
from decimal import Decimal

from django.db.models import Avg
from django.http import HttpResponse
from openpyxl import Workbook

from questionnaires.answers import as_text, is_answered
from questionnaires.models import Kind
from submissions import answers as eoi_answers
from submissions.models import ExpressionOfInterest

from .models import Review, Score

FIGURES = ["reviews", "mean", "median", "spread", "normalised", "rank", "disagreement"]


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula is quoted instead."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def choice_labels(model, *names):
    """{field: {value: label}} for choice fields, built once per export in the active language:
    get_FOO_display() hashes every translated choice again on each call, which cost seconds
    over a call's EOIs (docs/BENCHMARKS.md)."""
    return {
        name: {value: str(label) for value, label in model._meta.get_field(name).flatchoices}
        for name in names
    }


NUMBERS = (Kind.MONEY, Kind.INTEGER, Kind.PERCENTAGE)
# Answers from a short list, said the same way for every EOI that gives them: each is put into
# words once per export (each time costs a translation lookup, thousands of times at scale).
FEW_VALUES = (Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE, Kind.YES_NO, Kind.COUNTRY, Kind.COUNTRIES)


def _answer(question, value, challenges, said):
    """Numbers stay numbers for the spreadsheet; everything else as the answers page says it."""
    if not is_answered(question, value):
        return None
    if question.kind in NUMBERS:
        return value if question.kind == Kind.INTEGER else Decimal(value)
    if question.kind not in FEW_VALUES:
        return as_text(question, value, challenges)
    key = (question.key, tuple(value) if isinstance(value, list) else value)
    if key not in said:
        said[key] = as_text(question, value, challenges)
    return said[key]


def eoi_rows(call, eois):
    """The header and one row per EOI of `eois` (any queryset of the call's EOIs): a column per
    question of the call's questionnaire, then the review figures."""
    criteria = list(call.criteria.all())
    questions = [q for q in eoi_answers.asked(call).questions if not q.is_file]
    challenges = eoi_answers.challenge_titles(call)
    labels = choice_labels(ExpressionOfInterest, "status")
    said = {}
    # Only the ids of `eois`: its figures and filters are not recomputed for every row.
    chosen = eois.values("pk")
    means = {
        (row["review__eoi"], row["criterion"]): row["mean"]
        for row in Score.objects.filter(
            review__eoi__in=chosen, review__status=Review.Status.SUBMITTED
        )
        .values("review__eoi", "criterion")
        .annotate(mean=Avg("value"))
    }
    yield (
        # Column names stay in English, as the rest of the header, whoever exports.
        ["reference", "status"]
        + [question.label.en for question in questions]
        + FIGURES
        + [f"mean: {criterion.title_en}" for criterion in criteria]
    )
    rows = (
        ExpressionOfInterest.objects.filter(pk__in=chosen)
        .select_related("score")
        .only("pk", "reference", "status", "answers", "score")
        .order_by("reference")
    )
    for eoi in rows.iterator(chunk_size=500):
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
            [eoi.reference, labels["status"].get(eoi.status, eoi.status)]
            + [_answer(q, eoi.answers.get(q.key), challenges, said) for q in questions]
            + figures
            + [
                round(means[(eoi.pk, c.pk)], 2) if (eoi.pk, c.pk) in means else None
                for c in criteria
            ]
        )


def review_rows(call):
    criteria = list(call.criteria.all())
    labels = choice_labels(Review, "status", "recommendation")
    yield ["reference", "reviewer", "status", "total", "recommendation", "comment", "feedback"] + [
        criterion.title_en for criterion in criteria
    ]
    # Plain values rather than model instances: a call has tens of thousands of scores.
    marks = {}
    for review, criterion, value in Score.objects.filter(review__eoi__call=call).values_list(
        "review", "criterion", "value"
    ):
        marks.setdefault(review, {})[criterion] = value
    reviews = (
        Review.objects.filter(eoi__call=call)
        .order_by("eoi__reference", "reviewer__email")
        .values_list(
            "pk",
            "eoi__reference",
            "reviewer__email",
            "status",
            "total",
            "recommendation",
            "internal_comment",
            "applicant_feedback",
        )
    )
    for pk, reference, email, status, total, recommendation, comment, feedback in reviews:
        values = marks.get(pk, {})
        yield [
            reference,
            email,
            labels["status"].get(status, status),
            total,
            labels["recommendation"].get(recommendation, recommendation),
            comment,
            feedback,
        ] + [values.get(criterion.pk) for criterion in criteria]


def as_csv(rows, filename):
    # Written to memory and handed over once: a write to the response per row cost more
    # than the rows themselves.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([spreadsheet_safe(value) for value in row])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
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
