"""Limits are said with their unit and in the right number: "1 file", "9 months", "30 %"."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from questionnaires.definition import QuestionDef, Text
from questionnaires.forms import AnswersForm, Bounds
from questionnaires.models import Kind, Role
from submissions.forms import FilesForm
from tests.files import budget_pdf


def refusal(question, value, bounds=None, language="en"):
    with translation.override(language):
        form = AnswersForm({question.key: value}, questions=[question], bounds=bounds or Bounds())
        assert not form.is_valid()
        return [str(error) for error in form.errors[question.key]]


def test_a_share_is_refused_with_its_percent_in_each_language():
    share = QuestionDef(
        "share", Kind.PERCENTAGE, Text("Personnel costs"), max_value=Decimal("30.00")
    )

    assert refusal(share, "45") == ["At most 30\u00a0%, please."]
    assert refusal(share, "45", language="fr") == ["Au plus 30\u00a0%, s’il vous plaît."]
    assert refusal(share, "a third") == ["Enter a percentage in figures, such as 25."]


@pytest.mark.parametrize(("limit", "said"), [(1, "1 month"), (9, "9 months")])
def test_a_duration_is_refused_in_months(limit, said):
    duration = QuestionDef(
        "duration", Kind.INTEGER, Text("Duration"), role=Role.DURATION, min_value=Decimal(1)
    )

    assert refusal(duration, "0") == ["At least 1 month, please."]
    assert refusal(duration, str(limit + 1), Bounds(max_duration=limit)) == [
        f"Projects last at most {said} in this call."
    ]


def test_a_word_limit_of_one_says_one_word():
    with translation.override("en"):
        form = AnswersForm(
            questions=[QuestionDef("motto", Kind.LONG_TEXT, Text("Motto"), word_limit=1)]
        )

    assert "At most 1 word." in str(form.fields["motto"].help_text)


def test_a_single_file_list_says_one_file():
    annexes = QuestionDef("annexes", Kind.FILES, Text("Annexes"), max_rows=1, required=False)
    files = MultiValueDict({"annexes": [budget_pdf("a.pdf"), budget_pdf("b.pdf")]})

    with translation.override("en"):
        form = FilesForm({}, files, questions=[annexes])
        assert not form.is_valid()

    assert form.errors["annexes"] == ["Annexes: at most 1 file, please."]


def test_a_word_limit_bounds_the_characters_too():
    """200 'words' of 244 characters passed the word count and cost the PDF seconds each."""
    summary = QuestionDef("summary", Kind.LONG_TEXT, Text("Summary"), word_limit=200)
    long_words = " ".join(["x" * 244] * 200)
    ordinary = " ".join(["partenariat"] * 200)

    assert refusal(summary, long_words) == [
        f"Ensure this value has at most 4000 characters (it has {len(long_words)})."
    ]
    form = AnswersForm({"summary": ordinary}, questions=[summary], bounds=Bounds())
    assert form.is_valid(), form.errors
    # The browser is told the same bound.
    assert form.fields["summary"].widget.attrs["maxlength"] == "4000"
