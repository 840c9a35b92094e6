"""On PostgreSQL the database writes the CSV exports (review/copied_exports.py): the same file,
byte for byte, as Python writes row by row (review/exports.py), for every kind of answer, for
answers of the wrong shape, for text a spreadsheet would run, in both languages and every sort.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation

from core import tables
from questionnaires import definition as definitions
from review import copied_exports, exports
from review.models import Criterion, EOIScore, Review, Score
from submissions.models import Challenge, ExpressionOfInterest, Stage
from tests.factories import ApplicantFactory, CallFactory, EOIFactory

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db]

Status = ExpressionOfInterest.Status


def every_kind():
    choices = [
        {"value": "cso", "label": {"en": "Civil society", "fr": "Société civile"}},
        {"value": "gov", "label": {"en": "=Government", "fr": 'Gouvernement, "local"'}},
    ]
    return definitions.save(
        definitions.from_dict(
            {
                "name": "Every kind",
                "steps": [
                    {
                        "key": "all",
                        "title": {"en": "All"},
                        "questions": [
                            {
                                "key": "title",
                                "kind": "short_text",
                                "role": "title",
                                "label": {"en": "Title"},
                            },
                            {"key": "story", "kind": "long_text", "label": {"en": "Story"}},
                            {"key": "site", "kind": "url", "label": {"en": "Site"}},
                            {
                                "key": "type",
                                "kind": "single_choice",
                                "label": {"en": "Type"},
                                "choices": choices,
                            },
                            {
                                "key": "tags",
                                "kind": "multiple_choice",
                                "label": {"en": "Tags"},
                                "choices": choices,
                            },
                            {
                                "key": "challenges",
                                "kind": "multiple_choice",
                                "role": "challenges",
                                "label": {"en": "Challenges"},
                            },
                            {"key": "local", "kind": "yes_no", "label": {"en": "Local?"}},
                            {"key": "home", "kind": "country", "label": {"en": "Home"}},
                            {"key": "where", "kind": "countries", "label": {"en": "Where"}},
                            {"key": "amount", "kind": "money", "label": {"en": "Amount"}},
                            {"key": "months", "kind": "integer", "label": {"en": "Months"}},
                            {"key": "share", "kind": "percentage", "label": {"en": "Share"}},
                            {
                                "key": "partners",
                                "kind": "rows",
                                "label": {"en": "Partners"},
                                "columns": [
                                    {"key": "name", "kind": "short_text", "label": {"en": "Name"}},
                                    {
                                        "key": "country",
                                        "kind": "country",
                                        "label": {"en": "Country"},
                                    },
                                    {
                                        "key": "kind",
                                        "kind": "single_choice",
                                        "label": {"en": "Kind"},
                                        "choices": choices,
                                    },
                                    {"key": "areas", "kind": "countries", "label": {"en": "Areas"}},
                                    {"key": "staff", "kind": "integer", "label": {"en": "Staff"}},
                                    {
                                        "key": "led",
                                        "kind": "yes_no",
                                        "label": {"en": "Locally led", "fr": "Dirigé localement"},
                                    },
                                ],
                            },
                        ],
                    }
                ],
            }
        )
    )


ANSWERS = [
    {  # every answer given, with text a spreadsheet would run and CSV's own characters
        "title": '=HYPERLINK("http://evil.example","click")',
        "story": 'Line one, "quoted"\nline two\r\nline three · é ü 中文',
        "site": "https://example.org/?a=1,b=2",
        "type": "gov",
        "tags": ["gov", "cso", "unknown"],
        "challenges": ["2", "1", "9"],
        "local": False,
        "home": "ML",
        "where": ["ML", "BF", "XX"],
        "amount": "18000.00",
        "months": 9,
        "share": "-5.50",
        "partners": [
            {
                "name": "-Réseau",
                "country": "SN",
                "kind": "cso",
                "areas": ["ML"],
                "staff": 12,
                "led": True,
            },
            {},
            {"name": "@Other", "led": False, "staff": 0},
        ],
    },
    {  # nothing answered, or answered empty
        "title": "",
        "story": "",
        "tags": [],
        "where": [],
        "partners": [],
        "home": "",
    },
    {  # answers of another shape (given under a version that asked another kind)
        "title": "Wrong shapes",
        "story": ["not", "text"],
        "site": 12,
        "type": ["cso"],
        "tags": "cso",
        "challenges": [1, 2],
        "local": "yes",
        "home": ["ML"],
        "where": ["ML", 3],
        "amount": "abc",
        "months": "9",
        "share": 25,
        "partners": [{"name": "ok"}, "not a row"],
    },
    {  # numbers as Decimal() would read them, a yes, one row whose cells are all empty
        "title": "+Numbers",
        "amount": "5.",
        "share": ".5",
        "months": -3,
        "local": True,
        "partners": [{"name": "", "areas": []}],
    },
]


def both(call, eois, sort=""):
    python = b"".join(tables.csv_chunks(exports.eoi_rows(call, eois, sort)))
    database = b"".join(copied_exports.eoi_chunks(call, eois, sort))
    return python, database


def test_every_kind_of_answer_reads_the_same_from_the_database_as_from_python():
    call = CallFactory(questionnaire=every_kind(), reference_prefix="ALL")
    Challenge.objects.create(call=call, number=1, title="Power, in partnerships")
    Challenge.objects.create(call=call, number=2, title="=Donors")
    for number, answers in enumerate(ANSWERS, start=1):
        eoi = EOIFactory(
            call=call, reference=f"ALL-{number:04d}", status=Status.SUBMITTED, challenges=[]
        )
        # Stored as they are, shapes the forms would refuse included.
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(answers=answers)
    assert copied_exports.available(definitions.definition(call.questionnaire_id))

    for language in ("en", "fr"):
        with translation.override(language):
            python, database = both(call, call.eois.all())
            assert database == python
    rows = list(csv.reader(io.StringIO(python.decode())))
    assert len(rows) == 1 + len(ANSWERS)
    first = dict(zip(rows[0], rows[1], strict=True))
    # Read back in French (the last language): words as the answers page says them.
    assert first["Title"].startswith("'=HYPERLINK")
    assert first["Type"] == 'Gouvernement, "local"'
    assert first["Where"] == "Mali, Burkina Faso, XX"
    assert first["Challenges"] == "2. =Donors; 1. Power, in partnerships; 9"
    assert first["Local?"] == "Non"
    assert first["Share"] == "-5.50"  # a number, not a formula
    assert first["Partners"].splitlines() == [
        "'-Réseau · Sénégal · Société civile · Mali · 12 · Dirigé localement",
        "",
        "@Other · 0",
    ]
    questions = len(rows[0]) - 3 - len(exports.FIGURES) - len(exports.PARTNERSHIP)
    assert rows[2][3 : 3 + questions] == [""] * questions
    # Answers of another shape read as unanswered, as the answers page reads them.
    assert rows[3][3 : 3 + questions] == ["Wrong shapes"] + [""] * (questions - 1)


def test_figures_and_sorts_read_the_same_from_the_database_as_from_python(rubric_call):
    relevance, feasibility = rubric_call.rubric
    reviewer = ApplicantFactory()
    # Floats at the edge of rounding: 2.675 is stored as 2.67499999…; a third; a whole number.
    figures = [(2.675, 1 / 3, 4.0, 0.0005), (80.0, 2.6749999999999998, 0.125, -1.0005), None]
    for number, figure in enumerate(figures, start=1):
        eoi = EOIFactory(
            call=rubric_call,
            reference=f"KMF21-{number:04d}",
            status=Status.UNDER_REVIEW,
            title=f"Title {4 - number}",
            budget_requested=1000 * number,
        )
        if figure is None:
            continue
        mean, median, spread, normalised = figure
        EOIScore.objects.create(
            eoi=eoi,
            review_count=number,
            mean=mean,
            median=median,
            spread=spread,
            normalised=normalised,
            rank=number,
            disagreement=number == 2,
        )
        review = Review.objects.create(
            eoi=eoi,
            reviewer=reviewer,
            status=Review.Status.SUBMITTED,
        )
        Score.objects.create(review=review, criterion=relevance, value=number)
        Score.objects.create(review=review, criterion=feasibility, value=5)
    Criterion.objects.create(call=rubric_call, position=3, title="Unscored", weight=0)
    # The balance of power: a share, a lead abroad, and none known.
    eois = rubric_call.eois
    eois.filter(reference="KMF21-0001").update(
        local_share=Decimal("80"), lead_is_local=True, partners_named=2, partners_confirmed=1
    )
    eois.filter(reference="KMF21-0002").update(
        local_share=Decimal("12.5"), lead_is_local=False, partners_named=3
    )
    eois.filter(reference="KMF21-0003").update(local_share=None, lead_is_local=None)
    # One in a later stage; the others in none, the expression of interest's.
    interview = Stage.objects.create(call=rubric_call, order=3, kind=Stage.Kind.INTERVIEW)
    eois.filter(reference="KMF21-0002").update(stage=interview)

    sorts = ("", "-mean", "mean", "title", "-budget", "rank", "status", "nonsense")
    for sort in (*sorts, "local_share", "-local_share", "partners", "-partners"):
        python, database = both(rubric_call, rubric_call.eois.all(), sort)
        assert database == python, sort
    rows = list(csv.reader(io.StringIO(python.decode())))
    by_reference = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert by_reference["KMF21-0001"]["mean"] == "2.68"  # half away from zero, as people round
    assert by_reference["KMF21-0001"]["median"] == "0.33"
    assert by_reference["KMF21-0001"]["spread"] == "4.00"
    assert by_reference["KMF21-0002"]["normalised"] == "-1.001"
    assert by_reference["KMF21-0002"]["disagreement"] == "True"
    assert by_reference["KMF21-0003"]["reviews"] == "0"
    assert by_reference["KMF21-0001"]["mean: Unscored"] == ""
    share = "budget share in the countries of focus (%)"
    lead = "lead based in a country of focus"
    assert [by_reference[f"KMF21-000{n}"][share] for n in (1, 2, 3)] == ["80.00", "12.50", ""]
    assert [by_reference[f"KMF21-000{n}"][lead] for n in (1, 2, 3)] == ["True", "False", ""]
    assert by_reference["KMF21-0001"]["partners confirmed"] == "1"
    assert by_reference["KMF21-0002"]["partners named"] == "3"
    assert [by_reference[f"KMF21-000{n}"]["stage"] for n in (1, 2)] == [
        "Expression of interest",
        "Interview",
    ]
    with translation.override("fr"):
        python, database = both(rubric_call, rubric_call.eois.all())
    assert database == python
    assert "Entretien" in python.decode()


def test_the_reviews_export_reads_the_same_from_the_database(rubric_call):
    relevance, _feasibility = rubric_call.rubric
    for number, (comment, recommendation) in enumerate(
        [("=1+1", "invite"), ('He said "no", twice\nthen yes', ""), ("", "reject")], start=1
    ):
        eoi = EOIFactory(
            call=rubric_call, reference=f"KMF21-{number:04d}", status=Status.UNDER_REVIEW
        )
        reviewer = ApplicantFactory(email=f"reviewer{number}@example.org")
        review = Review.objects.create(
            eoi=eoi,
            reviewer=reviewer,
            status=Review.Status.SUBMITTED if number < 3 else Review.Status.DRAFT,
            total="80.50" if number == 1 else None,
            recommendation=recommendation,
            internal_comment=comment,
            applicant_feedback="-feedback" if number == 2 else "",
        )
        Score.objects.create(review=review, criterion=relevance, value=number)

    for language in ("en", "fr"):
        with translation.override(language):
            python = b"".join(tables.csv_chunks(exports.review_rows(rubric_call)))
            database = b"".join(copied_exports.review_chunks(rubric_call))
            assert database == python
    rows = list(csv.reader(io.StringIO(python.decode())))
    assert rows[1][3] == "80.50"
    assert rows[1][5] == "'=1+1"
    assert rows[2][6] == "'-feedback"
    assert rows[1][7:] == ["1", ""]


def test_a_date_leaves_the_export_to_python(rubric_call):
    with_date = definitions.from_dict(
        {
            "name": "Dated",
            "steps": [
                {
                    "key": "one",
                    "title": {"en": "One"},
                    "questions": [
                        {"key": "start", "kind": "date", "label": {"en": "Start"}},
                    ],
                }
            ],
        }
    )
    assert not copied_exports.available(with_date)
    assert copied_exports.available(definitions.definition(rubric_call.questionnaire_id))


def test_an_abandoned_download_stops_the_copy_and_leaves_the_connection_usable(rubric_call):
    for number in range(1, 40):
        EOIFactory(
            call=rubric_call,
            reference=f"KMF21-{number:04d}",
            status=Status.SUBMITTED,
            summary="word " * 20000,  # ~100 kB a row: far more than one chunk in all
        )
    chunks = copied_exports.eoi_chunks(rubric_call, rubric_call.eois.all())
    header, first = next(chunks), next(chunks)
    assert header.startswith(b"reference,status,")
    assert first.startswith(b"KMF21-0001,")
    assert len(first) >= tables.COPY_CHUNK

    chunks.close()  # the client went away

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM submissions_expressionofinterest")
        assert cursor.fetchone()[0] == 39
