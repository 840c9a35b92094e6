"""Named checks across rows (issue 15, item 1): the Fund's budget rule on the budget lines,
said in the questionnaire file, chosen in the admin, run by the form and before submitting,
and each partner's share shown under the lines on the form and the printable page."""

import copy
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms import modelform_factory
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from audit.wording import said
from questionnaires import definition as definitions
from questionnaires import versions
from questionnaires.admin_forms import QuestionPageForm
from questionnaires.forms import refusal
from questionnaires.models import Question
from submissions import domain
from submissions.kmf2021 import load_2021_call, proposal_questionnaire_2021, questionnaire_2021
from submissions.models import Stage
from tests.factories import CallFactory, EOIFactory
from tests.files import attach_budget


def budget_lines_question():
    data = definitions.as_dict(proposal_questionnaire_2021())
    return next(
        q for step in data["steps"] for q in step["questions"] if q["key"] == "budget_lines"
    )


def eoi_questionnaire_with_budget_lines(change=None):
    """The 2021 EOI with the proposal's budget lines as a step of their own."""
    data = definitions.as_dict(questionnaire_2021())
    lines = budget_lines_question()
    # An overheads category the Secretariat may offer, so that applicants see it refused.
    lines["columns"][0]["choices"].append(
        {"value": "overheads", "label": {"en": "Overheads", "fr": "Frais généraux"}}
    )
    if change:
        change(lines)
    data["steps"].insert(-1, {"key": "lines", "title": {"en": "Lines"}, "questions": [lines]})
    return data


def line(category, amount, partner=""):
    return {"category": category, "description": "A cost", "partner": partner, "amount": amount}


@pytest.fixture
def budget_call(db):
    definition = definitions.from_dict(eoi_questionnaire_with_budget_lines())
    return CallFactory(questionnaire=definitions.save(definition))


@pytest.fixture
def draft(budget_call, applicant):
    return attach_budget(EOIFactory(call=budget_call, owner=applicant))


def lines_post(draft, lines):
    draft.refresh_from_db()  # its version, after its budget file
    data = {
        "version": draft.version,
        "budget_lines-TOTAL_FORMS": str(len(lines)),
        "budget_lines-INITIAL_FORMS": "0",
    }
    for number, cells in enumerate(lines):
        for key, value in cells.items():
            data[f"budget_lines-{number}-{key}"] = value
    return data


# ---- The file format -------------------------------------------------------------------------


def test_the_2021_proposal_names_the_budget_check_and_the_file_keeps_it():
    definition = proposal_questionnaire_2021()
    assert definition.by_key["budget_lines"].named_check == "kmf_budget"
    assert definitions.from_dict(definitions.as_dict(definition)) == definition
    assert '"check": "kmf_budget"' in definitions.as_json(definition)


@pytest.mark.parametrize(
    ("change", "said_"),
    [
        (lambda q: q.update(check="no_such_check"), "“no_such_check” is not a check this site"),
        (lambda q: q.update(check=["kmf_budget"]), "is not a check this site knows"),
        (lambda q: q["columns"][3].update(key="euros"), "column “amount” (euros)"),
        (lambda q: q["columns"][0]["choices"].pop(0), "among them “personnel”"),
        (lambda q: q["columns"][1].update(check="kmf_budget"), "is not a check this site"),
    ],
)
def test_a_check_unknown_or_that_does_not_fit_its_question_is_refused_by_name(change, said_):
    data = eoi_questionnaire_with_budget_lines(change)
    with pytest.raises(ValidationError) as refused:
        definitions.from_dict(data)
    assert said_ in refused.value.messages[0]
    assert "budget_lines" in refused.value.messages[0]


def test_an_imported_file_with_an_unknown_check_is_refused_in_the_admin(secretariat_client):
    data = eoi_questionnaire_with_budget_lines(lambda q: q.update(check="mystery"))
    upload = SimpleUploadedFile("q.json", json.dumps(data).encode(), "application/json")
    page = secretariat_client.post(
        reverse("admin:questionnaires_questionnaire_import"), {"file": upload}
    )
    assert "“mystery” is not a check this site knows" in page.content.decode()
    assert not Question.objects.filter(named_check="mystery").exists()


# ---- The admin -------------------------------------------------------------------------------


def test_the_admin_offers_the_registered_checks_and_refuses_one_that_does_not_fit(
    secretariat_client, budget_call
):
    lines = Question.objects.get(questionnaire=budget_call.questionnaire, key="budget_lines")
    url = reverse("admin:questionnaires_question_change", args=[lines.pk])
    page = secretariat_client.get(url).content.decode()
    assert 'value="kmf_budget"' in page
    assert "The Fund&#x27;s budget rule" in page

    title = Question.objects.get(questionnaire=budget_call.questionnaire, key="title")
    fields = ["questionnaire", "step", "position", "key", "kind", "label", "named_check"]
    form = modelform_factory(Question, form=QuestionPageForm, fields=fields)(
        instance=title,
        data={
            "questionnaire": title.questionnaire_id,
            "step": title.step_id,
            "position": 1,
            "key": "title",
            "kind": "short_text",
            "label": "Title",
            "named_check": "kmf_budget",
        },
    )
    assert not form.is_valid()
    assert "This check is for a question of repeating rows." in form.errors["named_check"]


# ---- The form --------------------------------------------------------------------------------


def test_personnel_above_30_percent_is_refused_naming_the_figures_and_the_draft_keeps_the_rows(
    applicant_client, draft
):
    url = reverse("submissions:eoi_step", kwargs={"uuid": draft.uuid, "step": "lines"})
    rows = [line("personnel", "7000"), line("travel", "13000", "Sahel Voices")]

    page = applicant_client.post(url, lines_post(draft, rows)).content.decode()

    assert "personnel costs are €7,000.00 of €20,000.00 (35\u00a0%)" in page
    assert "here €6,000.00" in page
    assert 'value="Sahel Voices"' in page  # nothing typed is lost
    draft.refresh_from_db()
    assert [r["amount"] for r in draft.answers["budget_lines"]] == ["7000.00", "13000.00"]
    missing = [str(item.message) for item in domain.missing_items(draft)]
    assert any("personnel costs are €7,000.00" in message for message in missing)
    with pytest.raises(domain.Incomplete):
        domain.submit_eoi(draft, draft.owner, {"declares_accuracy": True, "declares_consent": True})


def test_an_overheads_line_is_refused_with_its_row(applicant_client, draft):
    url = reverse("submissions:eoi_step", kwargs={"uuid": draft.uuid, "step": "lines"})
    rows = [line("travel", "9000"), line("overheads", "1000")]
    page = applicant_client.post(url, lines_post(draft, rows)).content.decode()
    assert "row 2: the Fund pays no overheads (Overheads, €1,000.00)" in page


def test_the_messages_are_french_for_a_french_reader(budget_call):
    question = definitions.from_dict(eoi_questionnaire_with_budget_lines()).by_key["budget_lines"]
    stored = [line("personnel", "4000.00"), line("travel", "6000.00"), line("overheads", "5.00")]
    with translation.override("fr"):
        said_ = refusal(question, stored, None).replace("\u202f", " ").replace("\u00a0", " ")
    assert "Lignes budgétaires, ligne 3 : le Fonds ne finance pas de frais généraux" in said_
    assert "les frais de personnel sont de 4 000,00 € sur 10 005,00 € (40 %)" in said_
    assert "au plus 30 % du budget en frais de personnel, ici 3 001,50 €" in said_


def test_a_budget_within_the_rule_is_accepted_and_each_partners_share_is_shown(
    applicant_client, draft
):
    url = reverse("submissions:eoi_step", kwargs={"uuid": draft.uuid, "step": "lines"})
    rows = [
        line("personnel", "3000"),
        line("travel", "5000", "Sahel Voices"),
        line("events", "2000", "sahel  voices"),
        line("research", "10000", "Andes Lab"),
    ]
    applicant_client.post(url, {**lines_post(draft, rows), "go": "stay"})
    draft.refresh_from_db()
    assert len(draft.answers["budget_lines"]) == 4
    assert not [m for m in domain.missing_items(draft) if m.step == "lines"]

    page = applicant_client.get(url).content.decode()
    assert "total €20,000.00" in page
    assert "Lead organisation: €3,000.00 (15\u00a0%)" in page
    assert "Sahel Voices: €7,000.00 (35\u00a0%)" in page
    assert "Andes Lab: €10,000.00 (50\u00a0%)" in page

    printed = applicant_client.get(reverse("submissions:eoi_print", args=[draft.uuid]))
    assert "Sahel Voices: €7,000.00 (35\u00a0%)" in printed.content.decode()
    pdf = applicant_client.get(reverse("submissions:eoi_pdf", args=[draft.uuid]))
    assert pdf.status_code == 200


def test_a_partners_name_is_escaped_in_the_shares(applicant_client, draft):
    url = reverse("submissions:eoi_step", kwargs={"uuid": draft.uuid, "step": "lines"})
    rows = [line("travel", "100", "<b>Bold</b>")]
    applicant_client.post(url, lines_post(draft, rows))
    page = applicant_client.get(url).content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt;: €100.00 (100\u00a0%)" in page
    assert "<b>Bold</b>" not in page


# ---- Loading the 2021 call again -------------------------------------------------------------


def test_loading_again_gives_a_proposal_loaded_before_checks_its_budget_check(db):
    call, _ = load_2021_call()
    proposal = call.stages.get(kind=Stage.Kind.FULL_PROPOSAL).questionnaire
    Question.objects.filter(questionnaire=proposal).update(named_check="")  # as loaded before
    versions.record_change(questionnaire=proposal, actor=None, created=False, parts=[])

    load_2021_call()

    lines = Question.objects.get(questionnaire=proposal, key="budget_lines")
    assert lines.named_check == "kmf_budget"
    entry = AuditEntry.objects.get(action="questionnaire.filled_in", object_id=str(proposal.pk))
    assert said([entry])[0].sentence == (
        "The platform gave the questionnaire's questions what the platform reads of them: "
        "budget_lines (named_check: kmf_budget)."
    )
    load_2021_call()  # again: nothing more to give
    assert AuditEntry.objects.filter(action="questionnaire.filled_in").count() == 1


def test_loading_again_leaves_a_check_on_an_answered_version_and_the_secretariats_alone(db):
    call, _ = load_2021_call()
    proposal = call.stages.get(kind=Stage.Kind.FULL_PROPOSAL).questionnaire
    Question.objects.filter(questionnaire=proposal).update(named_check="")
    versions.mark_answered(proposal.pk)

    load_2021_call()

    assert not Question.objects.get(questionnaire=proposal, key="budget_lines").named_check
    assert not AuditEntry.objects.filter(action="questionnaire.filled_in").exists()


def test_a_check_is_independent_of_the_application_it_reads():
    question = definitions.from_dict(copy.deepcopy(eoi_questionnaire_with_budget_lines())).by_key[
        "budget_lines"
    ]
    assert refusal(question, [line("personnel", "3000.00"), line("travel", "7000.00")], None) == ""
