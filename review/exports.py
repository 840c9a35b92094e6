"""Exports for the Secretariat: EOIs with answers, figures and per-criterion means; reviews.

Each is one query read through a server-side cursor (PostgreSQL) and written as it is read
(core/tables.py): constant memory and a first row within milliseconds, at any size. On
PostgreSQL a CSV is written by the database instead (copied_exports.py), to the same bytes.
"""

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Avg, OuterRef, Subquery

from questionnaires.answers import as_text, is_answered, row_as_text
from questionnaires.models import Kind
from submissions import answers as eoi_answers
from submissions.models import ExpressionOfInterest, Stage

from .models import Review, Score, eoi_rubric
from .selectors import sorted_eois

FIGURES = ["reviews", "mean", "median", "spread", "normalised", "rank", "disagreement"]
# The balance of power (submissions.balance), from the EOI's columns.
PARTNERSHIP = [
    "budget share in the countries of focus (%)",
    "lead based in a country of focus",
    "partners named",
    "partners confirmed",
]
# Rows fetched from the cursor at a time.
BATCH = 500


def streamed(rows):
    """The rows of a queryset through a cursor inside a transaction. Outside one, PostgreSQL's
    cursor is declared WITH HOLD and copies the whole result before the first row leaves (3 s
    and half a gigabyte of temporary file for 50,000 EOIs); inside, rows leave as they are read,
    from one snapshot. A download abandoned half-way closes the generator: the transaction,
    which wrote nothing, is rolled back."""
    with transaction.atomic():
        yield from rows.iterator(chunk_size=BATCH)


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


# An amount or a percentage as both writers read it (PostgreSQL's numeric reads these the same
# way; Decimal() reads more: spaces, exponents, underscores, other scripts' digits).
PLAIN_DECIMAL = r"^[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)$"
PLAIN_DIGITS = 1000


def plain_decimal(value):
    return (
        isinstance(value, str)
        and len(value) <= PLAIN_DIGITS
        and re.fullmatch(PLAIN_DECIMAL[1:-1], value, re.ASCII) is not None
    )


# Answers written as they were typed: the text is the answer.
AS_TYPED = (Kind.SHORT_TEXT, Kind.LONG_TEXT, Kind.URL)


class Answers:
    """Puts answers into words for one export, remembering those of few values (and the
    columns of repeating rows, such as a partner's country), so each is translated once."""

    def __init__(self, challenges):
        self.challenges = challenges
        self.said = {}

    def say(self, question, value):
        """The answer in words ("" when unanswered), as the answers page says it."""
        if question.kind not in FEW_VALUES:
            return as_text(question, value, self.challenges)
        try:
            # The question itself (a column may share a question's key) and the value's type
            # (True == 1, False == 0).
            key = (id(question), type(value), tuple(value) if isinstance(value, list) else value)
            return self.said[key]
        except KeyError:
            said = self.said[key] = as_text(question, value, self.challenges)
            return said
        except TypeError:  # a value of another shape (another version's kind): not remembered
            return as_text(question, value, self.challenges)

    def cell(self, question, value):
        """Numbers stay numbers for the spreadsheet; everything else as the answers page says
        it; None when unanswered (or answered as another kind under another version)."""
        kind = question.kind
        if kind in AS_TYPED:
            return value if isinstance(value, str) and value else None
        if kind in FEW_VALUES:
            return self.say(question, value) or None
        if not is_answered(question, value):
            return None
        if kind in NUMBERS:
            if kind == Kind.INTEGER:
                return value
            return Decimal(value) if plain_decimal(value) else None
        if kind == Kind.ROWS:
            return "\n".join(row_as_text(question, row, say=self.say) for row in value)
        return self.say(question, value)


def _criterion_mean(criterion):
    """The mean of an EOI's submitted scores on one criterion, as a column of the EOI query."""
    return Subquery(
        Score.objects.filter(
            review__eoi=OuterRef("pk"),
            review__status=Review.Status.SUBMITTED,
            criterion=criterion,
        )
        .values("criterion")
        .annotate(mean=Avg("value"))
        .values("mean")[:1]
    )


def fixed(value, places):
    """A figure with `places` decimals, rounded half away from zero after reading the float to
    15 significant digits: what PostgreSQL's round(x::numeric, places) gives, so that both
    writers of the export (copied_exports.py) agree to the last digit."""
    if value is None or not math.isfinite(value):
        return None
    return Decimal(f"{value:.15g}").quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)


# The stage of an EOI in no stage row: a call without stages keeps its EOIs in this one.
EOI_STAGE = Stage.Kind.EXPRESSION_OF_INTEREST.value


def stage_labels():
    """{kind: label} of the stages, in the active language."""
    return choice_labels(Stage, "kind")["kind"]


def eoi_columns(call):
    """The EOI export's header, the questions it has a column for, and the criteria."""
    criteria = list(eoi_rubric(call))
    questions = [q for q in eoi_answers.asked(call).questions if not q.is_file]
    header = (
        # Column names stay in English, as the rest of the header, whoever exports.
        ["reference", "status", "stage"]
        + [question.label.en for question in questions]
        + FIGURES
        + PARTNERSHIP
        + [f"mean: {criterion.title_en}" for criterion in criteria]
    )
    return header, questions, criteria


def criterion_mean_columns(criteria):
    return {f"mean_{criterion.pk}": _criterion_mean(criterion) for criterion in criteria}


def eoi_rows(call, eois, sort=""):
    """The header and one row per EOI of `eois` (any queryset of the call's EOIs), in the
    order `sort` names as the list does: a column per question of the call's questionnaire,
    then the review figures and each criterion's mean."""
    header, questions, criteria = eoi_columns(call)
    answers = Answers(eoi_answers.challenge_titles(call))
    labels = choice_labels(ExpressionOfInterest, "status")["status"]
    stages = stage_labels()
    yield header
    means = criterion_mean_columns(criteria)
    rows = (
        # Only the ids of `eois`: its figures and filters are not recomputed for every row.
        sorted_eois(ExpressionOfInterest.objects.filter(pk__in=eois.values("pk")), sort)
        .annotate(**means)
        .values_list(
            "reference",
            "status",
            "stage__kind",
            "answers",
            "score__review_count",
            "score__mean",
            "score__median",
            "score__spread",
            "score__normalised",
            "score__rank",
            "score__disagreement",
            "local_share",
            "lead_is_local",
            "partners_named",
            "partners_confirmed",
            *means,
        )
    )
    for (
        reference,
        status,
        stage,
        given,
        count,
        mean,
        median,
        spread,
        normalised,
        rank,
        *rest,
    ) in streamed(rows):
        disagreement, partnership, criterion_means = rest[0], rest[1:5], rest[5:]
        yield (
            [reference, labels.get(status, status), stages[stage or EOI_STAGE]]
            + [answers.cell(q, given.get(q.key)) for q in questions]
            + [
                count or 0,
                fixed(mean, 2),
                fixed(median, 2),
                fixed(spread, 2),
                fixed(normalised, 3),
                rank,
                disagreement,
            ]
            + partnership
            + [fixed(value, 2) for value in criterion_means]
        )


def review_columns(call):
    """The reviews export's header, and each criterion's mark as a column of the query."""
    criteria = list(eoi_rubric(call))
    header = [
        "reference",
        "reviewer",
        "status",
        "total",
        "recommendation",
        "comment",
        "feedback",
    ] + [criterion.title_en for criterion in criteria]
    marks = {
        f"mark_{criterion.pk}": Subquery(
            Score.objects.filter(review=OuterRef("pk"), criterion=criterion).values("value")[:1]
        )
        for criterion in criteria
    }
    return header, marks


def review_rows(call):
    """The header and one row per review of the call, its score on each criterion last."""
    header, marks = review_columns(call)
    labels = choice_labels(Review, "status", "recommendation")
    yield header
    reviews = (
        Review.objects.filter(eoi__call=call, stage=None)
        .annotate(**marks)
        .order_by("eoi__reference", "reviewer__email")
        .values_list(
            "eoi__reference",
            "reviewer__email",
            "status",
            "total",
            "recommendation",
            "internal_comment",
            "applicant_feedback",
            *marks,
        )
    )
    for (
        reference,
        email,
        status,
        total,
        recommendation,
        comment,
        feedback,
        *values,
    ) in streamed(reviews):
        yield [
            reference,
            email,
            labels["status"].get(status, status),
            total,
            labels["recommendation"].get(recommendation, recommendation),
            comment,
            feedback,
            *values,
        ]
