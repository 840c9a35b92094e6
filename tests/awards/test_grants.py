"""Recording a grant: within the call's maximum, the amount asked and the funds left; audited;
required before an award."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import translation

from audit.models import AuditEntry
from audit.wording import sentence
from awards import domain, selectors
from awards.models import Grant
from core.money import euros
from notifications.models import OutboundEmail
from review import domain as review_domain
from review.models import Decision
from submissions import coapplicants
from submissions.lifecycle import DomainError
from tests.factories import ApplicantFactory

from .conftest import Status

pytestmark = pytest.mark.django_db


def test_a_grant_within_the_limits_is_recorded_and_audited(make_eoi, secretariat):
    eoi = make_eoi(budget_requested=Decimal("18000"))

    grant = domain.record_grant(eoi, Decimal("15000"), "Report by June.", secretariat)

    assert (grant.amount, grant.conditions, grant.version) == (
        Decimal("15000"),
        "Report by June.",
        1,
    )
    assert (grant.recorded_by, grant.currency, grant.letter_issued_at) == (secretariat, "EUR", None)
    entry = AuditEntry.objects.get(action="grant.recorded")
    assert sentence(entry) == "Sanne Bakker recorded a grant of €15,000.00."
    with translation.override("fr"):
        amount = euros(Decimal("15000"), 2)  # the house's French: 15 000,00 €
        assert sentence(entry) == f"Sanne Bakker a enregistré une subvention de {amount}."


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "A grant is more than €0."),
        ("-5", "A grant is more than €0."),
        ("20000.01", "The call grants at most €20,000.00."),
        ("18000.01", "KMF21-0001 asked for €18,000.00: a grant is at most what was asked."),
    ],
)
def test_a_grant_outside_the_limits_is_refused_with_the_limit_named(
    make_eoi, secretariat, amount, message
):
    eoi = make_eoi(budget_requested=Decimal("18000"))

    with pytest.raises(DomainError) as refused:
        domain.record_grant(eoi, Decimal(amount), "", secretariat)

    assert refused.value.message == message
    assert not Grant.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="grant.").exists()


def test_the_call_s_grants_together_stay_within_its_funds(make_eoi, secretariat, award_call):
    first, second, third = (make_eoi(budget_requested=Decimal("20000")) for _ in range(3))
    domain.record_grant(first, Decimal("20000"), "", secretariat)
    domain.record_grant(second, Decimal("20000"), "", secretariat)

    with pytest.raises(DomainError) as refused:
        domain.record_grant(third, Decimal("12000"), "", secretariat)

    assert refused.value.message == (
        "The call has €10,000.00 left of the €50,000.00 available: this grant would overspend "
        "it by €2,000.00."
    )
    domain.record_grant(third, Decimal("10000"), "", secretariat)
    assert selectors.committed(award_call) == Decimal("50000")


def test_changing_a_grant_counts_the_funds_without_its_own_old_amount(
    make_eoi, secretariat, award_call
):
    award_call.budget_available = Decimal("20000")
    award_call.save()
    eoi = make_eoi(budget_requested=Decimal("20000"))
    grant = domain.record_grant(eoi, Decimal("15000"), "", secretariat)

    changed = domain.record_grant(eoi, Decimal("20000"), "", secretariat, version=grant.version)

    assert (changed.amount, changed.version) == (Decimal("20000"), 2)
    entry = AuditEntry.objects.get(action="grant.changed")
    assert sentence(entry) == "Sanne Bakker changed the grant from €15,000.00 to €20,000.00."


def test_a_grant_of_an_eoi_that_left_the_award_commits_no_money(make_eoi, secretariat, award_call):
    eoi = make_eoi()
    domain.record_grant(eoi, Decimal("15000"), "", secretariat)
    type(eoi).objects.filter(pk=eoi.pk).update(status=Status.NOT_SELECTED)

    assert selectors.committed(award_call) == 0


def test_no_grant_for_an_eoi_not_recommended(make_eoi, secretariat):
    eoi = make_eoi(status=Status.INVITED)

    with pytest.raises(DomainError, match="is not recommended for an award"):
        domain.record_grant(eoi, Decimal("1000"), "", secretariat)


def test_a_change_on_top_of_someone_else_s_is_refused(make_eoi, secretariat):
    eoi = make_eoi()
    grant = domain.record_grant(eoi, Decimal("10000"), "", secretariat)
    domain.record_grant(eoi, Decimal("12000"), "", secretariat, version=grant.version)

    with pytest.raises(domain.Stale):
        domain.record_grant(eoi, Decimal("9000"), "", secretariat, version=grant.version)

    assert Grant.objects.get().amount == Decimal("12000")


def test_changing_an_issued_grant_withdraws_its_letter_until_issued_again(make_eoi, secretariat):
    eoi = make_eoi()
    grant = domain.record_grant(eoi, Decimal("10000"), "", secretariat)
    grant = domain.issue_letter(grant, secretariat)
    assert grant.letter_issued_at is not None
    # Saving it unchanged leaves the letter as it is.
    assert domain.record_grant(eoi, Decimal("10000"), "", secretariat).letter_issued_at

    grant = domain.record_grant(eoi, Decimal("10000"), "Two reports.", secretariat)

    assert grant.letter_issued_at is None
    entry = AuditEntry.objects.get(action="grant.changed")
    assert sentence(entry).endswith("Its letter is to be issued again.")
    domain.issue_letter(grant, secretariat)
    assert AuditEntry.objects.filter(action="grant.letter_issued").count() == 2


def test_an_eoi_is_awarded_only_once_its_grant_is_recorded(make_eoi, secretariat, award_call):
    eoi = make_eoi()
    with time_machine.travel(award_call.closes_at + timedelta(days=1), tick=True):
        with pytest.raises(DomainError) as refused:
            review_domain.decide(eoi, Decision.Outcome.AWARDED, secretariat)
        assert refused.value.message == (
            "Nothing was decided. KMF21-0001 has no grant recorded: record its amount first."
        )
        changes = review_domain.what_would_change("decide", [eoi], outcome=Decision.Outcome.AWARDED)
        assert changes[0].refusal.endswith("has no grant recorded: record its amount first.")

        domain.record_grant(eoi, Decimal("15000"), "", secretariat)
        review_domain.decide(eoi, Decision.Outcome.AWARDED, secretariat)
        review_domain.release(Decision.objects.filter(eoi=eoi), secretariat)

    eoi.refresh_from_db()
    assert eoi.status == Status.AWARDED


def test_the_applicants_hear_the_letter_is_ready_once_it_is_issued_and_the_eoi_awarded(
    make_eoi, secretariat, award_call
):
    lead = ApplicantFactory(name="Amina Traoré", preferred_language="fr")
    partner = ApplicantFactory(name="Jonas Weber")
    eoi = make_eoi(owner=lead)
    coapplicants.accept(coapplicants.invite(eoi, lead, partner.email, []), partner)
    grant = domain.record_grant(eoi, Decimal("15000"), "", secretariat)
    domain.issue_letter(grant, secretariat)
    assert not OutboundEmail.objects.filter(event="grant_letter").exists()  # not awarded yet

    with time_machine.travel(award_call.closes_at + timedelta(days=1), tick=True):
        review_domain.decide(eoi, Decision.Outcome.AWARDED, secretariat)
        review_domain.release(Decision.objects.filter(eoi=eoi), secretariat)

    letters = {m.to: m for m in OutboundEmail.objects.filter(event="grant_letter")}
    assert set(letters) == {lead.email, partner.email}
    french, english = letters[lead.email], letters[partner.email]
    assert french.subject == "Votre lettre d’attribution pour KMF21-0001"
    assert english.body_text.startswith("Dear Jonas")
    assert "€15,000.00" in english.body_text
    assert f"/awards/eois/{eoi.uuid}/letter.pdf" in english.body_text
    # Issued again after a change: a mail again; issued twice over: once.
    domain.record_grant(eoi, Decimal("14000"), "", secretariat)
    grant.refresh_from_db()
    domain.issue_letter(grant, secretariat)
    domain.issue_letter(grant, secretariat)
    assert OutboundEmail.objects.filter(event="grant_letter", recipient=lead).count() == 2
