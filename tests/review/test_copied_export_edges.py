"""Inputs a review of the COPY export found where the database's CSV differed from Python's (or
where one of them failed): each now reads the same from both writers."""

import pytest
from django.utils import translation

from core import tables
from questionnaires import definition as definitions
from review import copied_exports, exports
from review.models import EOIScore, Review
from submissions.models import ExpressionOfInterest
from tests.factories import ApplicantFactory, CallFactory, EOIFactory

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db]

Status = ExpressionOfInterest.Status
CHOICES = [
    {"value": "cso", "label": {"en": "Civil society", "fr": "Société civile"}},
    {"value": "gov", "label": {"en": "Government", "fr": "Gouvernement"}},
]


def questionnaire(*questions):
    title = {"key": "title", "kind": "short_text", "role": "title", "label": {"en": "Title"}}
    return definitions.save(
        definitions.from_dict(
            {
                "name": "Review",
                "steps": [{"key": "one", "title": {"en": "One"}, "questions": [title, *questions]}],
            }
        )
    )


def call_with(questions, *answer_sets):
    call = CallFactory(questionnaire=questionnaire(*questions), reference_prefix="R")
    for number, answers in enumerate(answer_sets, start=1):
        eoi = EOIFactory(call=call, reference=f"R-{number:04d}", status=Status.SUBMITTED)
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(answers=answers)
    assert copied_exports.available(definitions.definition(call.questionnaire_id))
    return call


def both(call, sort=""):
    python = b"".join(tables.csv_chunks(exports.eoi_rows(call, call.eois.all(), sort)))
    database = b"".join(copied_exports.eoi_chunks(call, call.eois.all(), sort))
    return python, database


def assert_same(call, sort=""):
    python, database = both(call, sort)
    assert database.decode() == python.decode()


STORY = {"key": "story", "kind": "long_text", "label": {"en": "Story"}}
AMOUNT = {"key": "amount", "kind": "money", "label": {"en": "Amount"}}
TAGS = {"key": "tags", "kind": "multiple_choice", "label": {"en": "Tags"}, "choices": CHOICES}
WHERE = {"key": "where", "kind": "countries", "label": {"en": "Where"}}
LOCAL = {"key": "local", "kind": "yes_no", "label": {"en": "Local?"}}
PARTNERS = {
    "key": "partners",
    "kind": "rows",
    "label": {"en": "Partners"},
    "columns": [
        {"key": "name", "kind": "short_text", "label": {"en": "Name"}},
        {
            "key": "kind",
            "kind": "single_choice",
            "label": {"en": "Kind"},
            "choices": [
                {"value": "cso", "label": {"en": "Partner CSO"}},
            ],
        },
    ],
}
KIND = {"key": "kind", "kind": "single_choice", "label": {"en": "Kind"}, "choices": CHOICES}


# 1. A carriage return inside text: PostgreSQL quotes the field, Python's csv (lineterminator
#    "\n") does not.
def test_a_bare_carriage_return_in_text():
    call = call_with([STORY], {"title": "T", "story": "old mac\rline"})
    assert_same(call)


def test_a_bare_carriage_return_in_a_review_comment(rubric_call):
    eoi = EOIFactory(call=rubric_call, reference="KMF21-0001", status=Status.UNDER_REVIEW)
    Review.objects.create(
        eoi=eoi,
        reviewer=ApplicantFactory(),
        status=Review.Status.SUBMITTED,
        internal_comment="first\rsecond",
    )
    python = b"".join(tables.csv_chunks(exports.review_rows(rubric_call)))
    database = b"".join(copied_exports.review_chunks(rubric_call))
    assert database.decode() == python.decode()


# 2. Amounts and percentages Decimal() reads (and fits() accepts) but the SQL regex refuses, or
#    that Decimal writes otherwise than numeric::text.
@pytest.mark.parametrize(
    "amount", ["-0.00", "0.0000001", "1E+3", " 5", "5\n", "1_000", "\uff15", "1e2"]
)
def test_amounts(amount):
    call = call_with([AMOUNT], {"title": "T", "amount": amount})
    assert_same(call)


# 3. Nested arrays: jsonb_path_exists in lax mode unwraps them, so [["gov"]] passes as a list
#    of strings in SQL while fits() refuses it.
@pytest.mark.parametrize(
    ("question", "answer"),
    [
        (TAGS, [["gov"]]),
        (TAGS, [[]]),
        (WHERE, [["ML"]]),
        (PARTNERS, [[{"name": "a"}], {"name": "b"}]),
    ],
)
def test_nested_arrays(question, answer):
    call = call_with([question], {"title": "T", question["key"]: answer})
    assert_same(call)


# 4. A normalised score just below zero: Python writes -0.000, PostgreSQL 0.000.
@pytest.mark.parametrize("normalised", [-0.0004, -2.7e-17])
def test_a_normalised_score_just_below_zero(rubric_call, normalised):
    eoi = EOIFactory(call=rubric_call, reference="KMF21-0001", status=Status.UNDER_REVIEW)
    EOIScore.objects.create(
        eoi=eoi,
        review_count=2,
        mean=3.0,
        median=3.0,
        spread=0.0,
        normalised=normalised,
        rank=1,
        disagreement=False,
    )
    assert_same(rubric_call)


# 5. Python's Answers.say remembers words by (question key, value): True == 1 and a rows
#    column sharing a top-level question's key read each other's words.
def test_a_yes_remembered_for_a_1():
    call = call_with([LOCAL], {"title": "A", "local": True}, {"title": "B", "local": 1})
    assert_same(call)


def test_a_wrong_shape_remembered_for_a_real_no():
    call = call_with([LOCAL], {"title": "A", "local": 0}, {"title": "B", "local": False})
    assert_same(call)


def test_a_column_with_the_key_of_a_question():
    call = call_with(
        [KIND, PARTNERS], {"title": "A", "kind": "cso", "partners": [{"name": "x", "kind": "cso"}]}
    )
    assert_same(call)


# 6. An infinite figure: Python's fixed() raised (InvalidOperation), PostgreSQL wrote Infinity;
#    both now leave it empty.
def test_an_infinite_figure(rubric_call):
    eoi = EOIFactory(call=rubric_call, reference="KMF21-0001", status=Status.UNDER_REVIEW)
    EOIScore.objects.create(
        eoi=eoi,
        review_count=2,
        mean=3.0,
        median=3.0,
        spread=0.0,
        normalised=float("inf"),
        rank=1,
        disagreement=False,
    )
    assert_same(rubric_call)


# Found fine: text of every other sort, keys that are SQL words or capitalised.
def test_fine_text_and_keys():
    questions = [
        {"key": "select", "kind": "short_text", "label": {"en": "Select"}},
        {"key": "Upper_Key", "kind": "long_text", "label": {"en": "Upper"}},
        {"key": "1x", "kind": "url", "label": {"en": "Digit first"}},
        {
            "key": "t",
            "kind": "single_choice",
            "label": {"en": "T"},
            "choices": [
                {"value": "a", "label": {"en": "50% 'quoted' \\ %s %(x)s \"dq\""}},
            ],
        },
        STORY,
    ]
    weird = "100% sure; %s %(name)s 'single' \"double\" back\\slash \\n \x01\x0b\x1f\u2028 é中😀"
    call = call_with(
        questions,
        {
            "title": "T",
            "select": weird,
            "Upper_Key": "=1+1",
            "1x": "\tx",
            "t": "a",
            "story": "x" * 200_000,
        },
        {"title": "T", "select": "", "Upper_Key": "-", "t": "b", "story": "a\r\nb"},
    )
    for language in ("en", "fr"):
        with translation.override(language):
            assert_same(call)


# 7. An amount with more decimals than numeric holds: the regex lets it through, the cast fails,
#    and the whole export fails after its header has left (Python writes it).
def test_an_amount_numeric_cannot_hold():
    call = call_with([AMOUNT], {"title": "T", "amount": "0." + "1" * 17000})
    assert_same(call)


# Ordering: drafts (reference NULL) chosen by uuid in a bulk export tie on every sort.
@pytest.mark.parametrize("sort", ["", "title", "-mean", "status"])
def test_ties_without_a_reference(rubric_call, sort):
    for n in range(60):
        EOIFactory(
            call=rubric_call,
            reference=None,
            status=Status.DRAFT,
            title="Same",
            summary=f"draft {n}",
        )
    python = b"".join(
        tables.csv_chunks(exports.eoi_rows(rubric_call, rubric_call.eois.all(), sort))
    )
    database = b"".join(copied_exports.eoi_chunks(rubric_call, rubric_call.eois.all(), sort))
    assert database.decode() == python.decode()
