"""The audit trail reads as sentences in the reader's language, never as codes or raw details."""

import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from audit.wording import _sayers, said, sentence
from review import domain as review_domain
from submissions import domain, lifecycle
from tests.factories import ApplicantFactory, EOIFactory

pytestmark = pytest.mark.django_db

PROJECT = Path(__file__).resolve().parents[2]
APPS = [
    "accounts",
    "audit",
    "awards",
    "core",
    "interviews",
    "notifications",
    "questionnaires",
    "review",
    "submissions",
]
# An action given as a string where an entry is recorded: trail.record(actor, "eoi.started", …).
RECORDED = re.compile(r'record\(\s*[^,()]+,\s*"([a-z_]+\.[a-z_]+)"')


def recorded_actions():
    """Every action the code records: written where it is recorded, the lifecycle's events,
    and the two an admin edit chooses between."""
    actions = {"questionnaire.created", "questionnaire.changed"}
    actions |= {move.event for move in lifecycle.TRANSITIONS.values()}
    for app in APPS:
        for source in (PROJECT / app).rglob("*.py"):
            actions |= set(RECORDED.findall(source.read_text()))
    return actions


def test_every_action_the_code_records_has_its_own_sentence():
    actions = recorded_actions()

    assert len(actions) > 15  # the scan found them
    assert sorted(actions - set(_sayers)) == []


def test_an_edit_after_submitting_names_the_question_and_both_amounts():
    applicant = ApplicantFactory(name="Amina Traoré")
    eoi = EOIFactory(owner=applicant, status="submitted", budget_requested="18000.00")

    domain.save_step(eoi, applicant, eoi.version, {"budget_requested": "19500.00"})

    entry = AuditEntry.objects.get(action="eoi.edited_after_submission")
    assert sentence(entry) == (
        "Amina Traoré changed Budget requested (€) from €18,000.00 to €19,500.00."
    )
    with translation.override("fr"):
        assert sentence(entry) == (
            "Amina Traoré a modifié Budget demandé (€) de 18\u00a0000,00\u00a0€ "
            "à 19\u00a0500,00\u00a0€."
        )


def test_a_text_edit_is_named_not_copied():
    applicant = ApplicantFactory(name="Amina Traoré")
    eoi = EOIFactory(owner=applicant, status="submitted")

    domain.save_step(eoi, applicant, eoi.version, {"summary": "A new summary."})

    entry = AuditEntry.objects.get(action="eoi.edited_after_submission")
    assert "A new summary" not in str(entry.details)
    assert sentence(entry) == "Amina Traoré changed Summary."


def test_the_secretariat_reads_the_trail_as_sentences(client, rubric_call, make_eoi, secretariat):
    reviewer = ApplicantFactory(name="Rui Costa", email="rui@example.org")
    eoi = make_eoi()
    (assignment,) = review_domain.assign([eoi], reviewer, secretariat)
    review_domain.declare_conflict(assignment, "Former employer", reviewer)
    client.force_login(secretariat)

    page = client.get(reverse("review:secretariat_eoi", args=[eoi.uuid])).content.decode()

    assert "Sanne Bakker assigned rui@example.org to review it." in page
    assert "Rui Costa declared a conflict of interest: “Former employer”." in page
    assert "review.assigned" not in page
    assert "{&#x27;" not in page  # no Python dict


def test_an_action_nobody_says_still_reads_as_a_sentence(secretariat, rubric_call):
    entry = AuditEntry(actor=secretariat, action="something.new", details={"x": 1})

    assert said([entry])[0].sentence == "Sanne Bakker made a change."
