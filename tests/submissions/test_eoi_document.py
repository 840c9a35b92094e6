"""The printable page and the PDF are one template: they show the same answers, whatever the
call's questionnaire asks."""

import html
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from questionnaires import definition as definitions
from submissions.kmf2021 import questionnaire_2021
from tests.factories import CallFactory, EOIFactory

pytestmark = pytest.mark.django_db

PARTNERS = [
    {"name": "Forum de Mopti", "country": "ML", "role": "Convenes the forums", "locally_led": True},
    {"name": "Université de Ouagadougou", "country": "BF", "role": "Research"},
]
FOOTER = re.compile(r"\S+ · page \d+ (of|sur) \d+ ")


def words(markup):
    """Markup as the words a reader sees, tags as spaces."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def page_answers(content):
    """The printable page's step titles and (question, answer) pairs, in order."""
    page = content.decode()
    steps = [words(title) for title in re.findall(r"<h2>(.*?)</h2>", page, re.S)]
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", page, re.S)
    return steps, [(words(question), words(answer)) for question, answer in pairs]


def pdf_words(content):
    """The PDF's words in order, without its page footers and list bullets."""
    pages = PdfReader(io.BytesIO(content)).pages
    found = " ".join(page.extract_text() for page in pages).split()
    return FOOTER.sub("", " ".join(word for word in found if word != "•") + " ")


def page_and_pdf(client, eoi):
    page = client.get(reverse("submissions:eoi_print", args=[eoi.uuid]))
    document = client.get(reverse("submissions:eoi_pdf", args=[eoi.uuid]))
    assert page.status_code == document.status_code == 200
    return page, document


@pytest.mark.parametrize(
    ("language", "step", "question", "row"),
    [
        ("en", "Partners and budget", "Summary", "Forum de Mopti · Mali · Convenes the forums"),
        ("fr", "Partenaires et budget", "Résumé", "Forum de Mopti · Mali · Convenes the forums"),
    ],
)
def test_the_page_and_the_pdf_show_the_same_answers(
    applicant_client, applicant, call, language, step, question, row
):
    applicant.preferred_language = language
    applicant.save()
    eoi = EOIFactory(
        call=call,
        owner=applicant,
        reference="KMF21-0007",
        summary="Forums decide.\nLine two « locale » – 100 %.",
        partners=PARTNERS,
    )

    page, document = page_and_pdf(applicant_client, eoi)

    steps, answers = page_answers(page.content)
    text = pdf_words(document.content)
    assert step in steps
    assert (question, "Forums decide. Line two « locale » – 100 %.") in answers
    assert any(answer.startswith(row) for _, answer in answers)
    asked = definitions.definition(call.questionnaire_id).questions
    with translation.override(language):
        assert [label for label, _ in answers] == [str(q.label) for q in asked]
    for title in steps:
        assert title in text
    for label, answer in answers:
        assert f"{label} {answer} " in text


def test_a_question_added_to_the_questionnaire_shows_in_both(applicant_client, applicant):
    data = definitions.as_dict(questionnaire_2021())
    project = next(step for step in data["steps"] if step["key"] == "project")
    project["questions"].append(
        {
            "key": "theory_of_change",
            "kind": "long_text",
            "word_limit": 150,
            "label": {"en": "Theory of change", "fr": "Théorie du changement"},
        }
    )
    call = CallFactory(questionnaire=definitions.save(definitions.from_dict(data)))
    eoi = EOIFactory(
        call=call, owner=applicant, theory_of_change="If forums decide, money follows."
    )

    page, document = page_and_pdf(applicant_client, eoi)

    _, answers = page_answers(page.content)
    assert ("Theory of change", "If forums decide, money follows.") in answers
    assert "Theory of change If forums decide, money follows. " in pdf_words(document.content)

    applicant.preferred_language = "fr"
    applicant.save()
    page, document = page_and_pdf(applicant_client, eoi)
    assert ("Théorie du changement", "If forums decide, money follows.") in page_answers(
        page.content
    )[1]
    assert "Théorie du changement If forums decide" in pdf_words(document.content)


def test_the_printable_page_stands_alone_under_the_sites_policy(applicant_client, applicant):
    eoi = EOIFactory(owner=applicant, summary='<img src="http://127.0.0.1:9/x.png"><style>')

    page = applicant_client.get(reverse("submissions:eoi_print", args=[eoi.uuid]))

    content = page.content.decode()
    nonce = re.search(r'<style nonce="([^"]+)">', content)[1]
    policy = dict(part.strip().split(" ", 1) for part in page["Content-Security-Policy"].split(";"))
    assert policy["style-src"] == f"'self' 'nonce-{nonce}'"
    assert policy["script-src"] == "'self'"
    assert content.count("<style") == 1
    assert "<script" not in content
    assert "<link" not in content
    assert "&lt;img src=&quot;http://127.0.0.1:9/x.png&quot;&gt;&lt;style&gt;" in content
    assert "<pdf:" not in content  # the PDF's page footer is the PDF's


def test_the_answers_page_links_to_the_printable_page(applicant_client, applicant):
    eoi = EOIFactory(owner=applicant)

    page = applicant_client.get(eoi.get_absolute_url())

    assert reverse("submissions:eoi_print", args=[eoi.uuid]) in page.content.decode()
