"""Answers given under one version meet the next: a key may now ask another kind. Nothing reads
an answer as a kind it was not given as: no page, column, export or submit check fails on it,
and the question counts as unanswered until it is answered again. And a "No" is an answer."""

import pytest
from django.urls import reverse

from questionnaires import definition as definitions
from review.exports import eoi_rows
from submissions import domain
from tests.factories import CallFactory, EOIFactory

pytestmark = pytest.mark.django_db


def questionnaire(budget_kind, **budget):
    return definitions.save(
        definitions.from_dict(
            {
                "name": f"Budget as {budget_kind}",
                "steps": [
                    {
                        "key": "plan",
                        "title": {"en": "Plan"},
                        "questions": [
                            {
                                "key": "title",
                                "kind": "short_text",
                                "role": "title",
                                "label": {"en": "Title"},
                            },
                            {
                                "key": "budget",
                                "kind": budget_kind,
                                "label": {"en": "Budget"},
                                **budget,
                            },
                            {
                                "key": "partners_local",
                                "kind": "yes_no",
                                "label": {"en": "Are all partners local?"},
                            },
                        ],
                    }
                ],
            }
        )
    )


def test_an_answer_of_another_kind_is_unanswered_under_the_new_version(applicant_client, applicant):
    call = CallFactory(questionnaire=questionnaire("short_text"))
    eoi = EOIFactory(call=call, owner=applicant, answers={"title": "Forums", "budget": "abc"})
    # The Secretariat makes a new version where the same key asks an amount, the call's role.
    call.questionnaire = questionnaire("money", role="amount")
    call.save()
    step = reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": "plan"})

    page = applicant_client.get(step)
    assert page.status_code == 200
    response = applicant_client.post(
        step, {"version": eoi.version, "title": "Forums in Gao", "go": "stay"}
    )
    eoi.refresh_from_db()

    assert response.status_code in (200, 302)
    assert eoi.questionnaire_id == call.questionnaire_id  # the draft moved to the new version
    assert eoi.budget_requested is None  # "abc" is not an amount: no column takes it
    assert "Budget" in [str(item.message) for item in domain.missing_items(eoi)]
    assert eoi.readable_answers()[0]["items"][1]["text"] == ""
    rows = list(eoi_rows(call, call.eois.all()))
    assert rows[1][rows[0].index("Budget")] is None
    assert applicant_client.get(reverse("submissions:eoi_pdf", args=[eoi.uuid])).status_code == 200


def test_an_unticked_yes_or_no_answers_no(applicant_client, applicant):
    call = CallFactory(questionnaire=questionnaire("money"))
    eoi = EOIFactory(call=call, owner=applicant, answers={"title": "Forums", "budget": "100.00"})
    step = reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": "plan"})

    applicant_client.post(
        step, {"version": eoi.version, "title": "Forums", "budget": "100", "go": "stay"}
    )
    eoi.refresh_from_db()

    assert eoi.answers["partners_local"] is False
    assert [str(item.message) for item in domain.missing_items(eoi)] == []
    assert eoi.readable_answers()[0]["items"][2]["text"] == "No"


def test_deleting_questions_from_the_list_is_recorded_and_no_longer_asked(client):
    from accounts.roles import SECRETARIAT
    from audit.models import AuditEntry
    from questionnaires.models import Question
    from tests.factories import ApplicantFactory, give_role

    member = give_role(ApplicantFactory(is_staff=True), SECRETARIAT)
    client.force_login(member)
    asked = questionnaire("money")
    before = definitions.definition(asked.pk)
    question = Question.objects.get(questionnaire=asked, key="budget")

    client.post(
        reverse("admin:questionnaires_question_changelist"),
        {"action": "delete_selected", "_selected_action": [question.pk], "post": "yes"},
    )

    assert not Question.objects.filter(pk=question.pk).exists()
    assert "budget" in before.by_key
    assert "budget" not in definitions.definition(asked.pk).by_key
    assert AuditEntry.objects.filter(action__startswith="questionnaire.").exists()
