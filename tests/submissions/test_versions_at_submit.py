"""What is checked at submission is what is stored: a draft is submitted in the call's current
questionnaire and checked against it, every answer within that version's limits (and the
call's); a submitted EOI edited before the deadline keeps the version it was submitted in."""

import pytest
from django.urls import reverse

from accounts.roles import SECRETARIAT
from questionnaires import versions
from questionnaires.models import Question, Questionnaire
from submissions import domain
from submissions.models import ExpressionOfInterest
from tests.factories import ApplicantFactory, EOIFactory, give_role
from tests.files import attach_budget

pytestmark = pytest.mark.django_db

Status = ExpressionOfInterest.Status
DECLARED = {"declares_accuracy": True, "declares_consent": True}


@pytest.fixture
def secretariat(db):
    return give_role(ApplicantFactory(is_staff=True), SECRETARIAT)


def new_version(call, secretariat, **limits):
    """The call's next questionnaire version, its questions' limits changed ({key: {...}})."""
    old = Questionnaire.objects.get(pk=call.questionnaire_id)
    versions.mark_answered(old.pk)
    old.refresh_from_db()
    new = versions.new_version(questionnaire=old, actor=secretariat)
    for key, changes in limits.items():
        Question.objects.filter(questionnaire=new, key=key, row_of=None).update(**changes)
    versions.record_change(questionnaire=new, actor=secretariat, created=False, parts=["questions"])
    call.refresh_from_db()
    return old, new


def step_url(eoi, step):
    return reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": step})


def messages_of(missing):
    return [(item.step, str(item.message)) for item in missing]


def test_a_submitted_eoi_edited_before_the_deadline_keeps_its_version(
    applicant_client, applicant, call, secretariat
):
    eoi = EOIFactory(call=call, owner=applicant, status=Status.SUBMITTED, reference="KMF21-0001")
    attach_budget(eoi)
    eoi.refresh_from_db()
    old, new = new_version(
        call, secretariat, summary={"label_en": "Your idea in brief", "word_limit": 3}
    )

    page = applicant_client.get(step_url(eoi, "project")).content.decode()
    assert "Summary" in page  # the version it was submitted in, not the call's new one
    assert "Your idea in brief" not in page
    response = applicant_client.post(
        step_url(eoi, "project"),
        {
            "version": eoi.version,
            "title": "Justice forums in Gao",
            "summary": eoi.answers["summary"],
            "problem_context": eoi.answers["problem_context"],
            "activities_timeline": eoi.answers["activities_timeline"],
            "outcomes_uptake": eoi.answers["outcomes_uptake"],
            "countries": eoi.answers["countries"],
            "duration_months": "9",
            "go": "stay",
        },
    )

    assert response.status_code == 302
    eoi.refresh_from_db()
    assert (eoi.answers["title"], eoi.title) == ("Justice forums in Gao", "Justice forums in Gao")
    assert eoi.questionnaire_id == old.pk
    new.refresh_from_db()
    assert new.answered_at is None  # nobody answers in it yet: it can still be edited
    assert domain.missing_items(eoi) == []  # checked against its own version's limits


def test_a_draft_in_an_older_version_is_submitted_in_the_current_one(call, secretariat):
    eoi = EOIFactory(call=call)
    attach_budget(eoi)
    old, new = new_version(call, secretariat)
    assert eoi.questionnaire_id == old.pk

    submitted = domain.submit_eoi(eoi, eoi.owner, DECLARED)

    assert submitted.status == Status.SUBMITTED
    eoi.refresh_from_db()
    assert eoi.questionnaire_id == new.pk
    assert (eoi.title, eoi.budget_requested) == ("Community justice forums in Mopti", 18000)
    assert eoi.challenges.exists()
    new.refresh_from_db()
    assert new.answered_at is not None  # never edited in place from now on


def test_a_draft_is_checked_against_the_version_it_is_submitted_in(
    applicant_client, applicant, call, secretariat
):
    eoi = EOIFactory(call=call, owner=applicant)
    attach_budget(eoi)
    old, new = new_version(call, secretariat, summary={"word_limit": 5})

    with pytest.raises(domain.Incomplete) as incomplete:
        domain.submit_eoi(eoi, applicant, DECLARED)

    summary = "Summary: At most 5 words, please: this text has 11."
    assert messages_of(incomplete.value.missing) == [("project", summary)]
    eoi.refresh_from_db()
    assert (eoi.status, eoi.questionnaire_id) == (Status.DRAFT, old.pk)
    # The submit page says so, and sends the applicant to the step where it is fixed.
    page = applicant_client.get(step_url(eoi, "submit")).content.decode()
    assert summary in page
    assert step_url(eoi, "project") in page
    applicant.preferred_language = "fr"
    applicant.save()
    page = applicant_client.get(step_url(eoi, "submit")).content.decode()
    assert (
        "Résumé\u00a0: Au plus 5\u00a0mots, s’il vous plaît\u00a0: ce texte en compte 11." in page
    )

    eoi = domain.save_step(eoi, applicant, eoi.version, {"summary": "Local forums decide."})
    assert domain.submit_eoi(eoi, applicant, DECLARED).status == Status.SUBMITTED
    eoi.refresh_from_db()
    assert eoi.questionnaire_id == new.pk


@pytest.mark.parametrize(
    ("answers", "step", "message"),
    [
        (
            {"summary": " ".join(["word"] * 201)},
            "project",
            "Summary: At most 200 words, please: this text has 201.",
        ),
        (
            {"duration_months": 0},
            "project",
            "Duration (months): At least 1 month, please.",
        ),
        (
            {"duration_months": 12},
            "project",
            "Duration (months): Projects last at most 9 months in this call.",
        ),
        (
            {"personnel_share": "45.00"},
            "budget",
            "Personnel costs (% of the budget): At most 30\u00a0%, please.",
        ),
        (
            {"budget_requested": "25000.00"},
            "budget",
            "Budget requested (€): This call funds at most €20,000.",
        ),
        (
            {"organisation_type": "ministry"},
            "organisation",
            "Type of organisation: Select a valid choice. ministry is not one of the available "
            "choices.",
        ),
        (
            {"partners": [{"name": f"Partner {n}", "country": "ML"} for n in range(21)]},
            "budget",
            "Partners: at most 20 rows, please.",
        ),
        (
            {"partners": [{"name": "Partner", "country": "XX"}]},
            "budget",
            "Partners, row 1, Country: Select a valid choice. XX is not one of the available "
            "choices.",
        ),
    ],
)
def test_an_answer_beyond_its_limits_is_not_submitted(call, answers, step, message):
    """Saved under an older version, or written straight into the database: the submit check
    asks what the step's form would, and names the answer to fix."""
    eoi = EOIFactory(call=call)
    attach_budget(eoi)
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(answers={**eoi.answers, **answers})
    eoi.refresh_from_db()

    with pytest.raises(domain.Incomplete) as incomplete:
        domain.submit_eoi(eoi, eoi.owner, DECLARED)

    assert messages_of(incomplete.value.missing) == [(step, message)]
    eoi.refresh_from_db()
    assert eoi.status == Status.DRAFT
