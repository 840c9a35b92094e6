"""`backfill_partnerships`: a deployment that loaded the 2021 call before partners had roles
gets the roles, and every EOI its partners and figures (issue 19)."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from audit.models import AuditEntry
from audit.wording import said
from questionnaires import definition as definitions
from questionnaires import versions
from questionnaires.models import Question
from submissions.kmf2021 import SLUG, questionnaire_2021
from submissions.models import ExpressionOfInterest, Partner
from tests.factories import CallFactory, EOIFactory


def roleless_2021():
    """The 2021 questionnaire as loaded before partners had roles."""
    data = definitions.as_dict(questionnaire_2021())
    for step in data["steps"]:
        for question in step["questions"]:
            if question["key"] == "partners":
                question.pop("role")
                for column in question["columns"]:
                    column.pop("role", None)
    return definitions.from_dict(data)


PARTNERS = [
    {"name": "Sahel Voices", "country": "ML", "role": "Forums", "budget_share": 40},
    {"name": "Andes Lab", "country": "PE", "role": "Research", "budget_share": 20},
]


@pytest.fixture
def old_eoi(db):
    questionnaire = definitions.save(roleless_2021())
    call = CallFactory(slug=SLUG, questionnaire=questionnaire)
    eoi = EOIFactory(call=call, answers={"partners": PARTNERS})
    versions.mark_answered(questionnaire.pk)
    return eoi


def backfill():
    out = StringIO()
    call_command("backfill_partnerships", "--batch", "1", stdout=out)
    return out.getvalue()


def test_an_eoi_made_under_a_roleless_version_gets_its_partners_and_figures(old_eoi):
    assert not Partner.objects.exists()
    assert old_eoi.partners_named == 0

    said_ = backfill()

    roles = dict(
        Question.objects.filter(questionnaire=old_eoi.questionnaire_id).values_list("key", "role")
    )
    assert roles["partners"] == "partners"
    assert Question.objects.get(
        questionnaire=old_eoi.questionnaire_id, row_of__key="partners", key="name"
    ).role == ("partner_name")
    assert list(old_eoi.partners.values_list("name", "budget_share")) == [
        ("Sahel Voices", Decimal("40.00")),
        ("Andes Lab", Decimal("20.00")),
    ]
    old_eoi.refresh_from_db()
    assert old_eoi.partners_named == 2
    # Mali and Burkina Faso are the focus; the lead (Mali) keeps 40 %, Sahel Voices 40 %.
    assert old_eoi.local_share == Decimal("80.00")
    assert old_eoi.lead_is_local is True
    assert "versions given partner roles: 1" in said_
    assert "EOIs read: 1; partner rows made or changed: 2, removed: 0" in said_
    assert "EOIs whose figures changed: 1" in said_
    entry = AuditEntry.objects.get(action="questionnaire.filled_in")
    assert "partners → name (role: partner_name)" in said([entry])[0].sentence


def test_running_it_twice_changes_nothing(old_eoi):
    backfill()
    partners = list(Partner.objects.values())
    figures = ExpressionOfInterest.objects.values("local_share", "partners_named").get()
    entries = AuditEntry.objects.count()

    said_ = backfill()

    assert "versions given partner roles: 0" in said_
    assert "partner rows made or changed: 0, removed: 0; EOIs whose figures changed: 0" in said_
    assert list(Partner.objects.values()) == partners
    assert ExpressionOfInterest.objects.values("local_share", "partners_named").get() == figures
    assert AuditEntry.objects.count() == entries


def test_a_role_the_secretariat_set_stays(old_eoi):
    Question.objects.filter(
        questionnaire=old_eoi.questionnaire_id, row_of__key="partners", key="role"
    ).update(role="")
    Question.objects.filter(
        questionnaire=old_eoi.questionnaire_id, row_of__key="partners", key="email"
    ).update(role="partner_role", kind="long_text")  # the Secretariat's own choice

    backfill()

    columns = dict(
        Question.objects.filter(
            questionnaire=old_eoi.questionnaire_id, row_of__key="partners"
        ).values_list("key", "role")
    )
    assert columns["email"] == "partner_role"
    assert columns["role"] == ""  # the role is another column's already


def test_a_deployment_without_the_2021_call_only_reads_its_eois(db):
    EOIFactory(call=CallFactory())
    said_ = backfill()
    assert "versions given partner roles: 0" in said_
    assert "EOIs read: 1" in said_
