"""A grant in its applicants' data download; an old call's EOIs go at the end of retention,
their grants with them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.privacy import apply_retention, delete_account, personal_data
from awards import domain
from awards.models import Grant
from submissions import coapplicants
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


def test_the_lead_and_a_coapplicant_find_the_grant_in_their_data(make_eoi, secretariat):
    eoi = make_eoi()
    grant = domain.record_grant(eoi, Decimal("15000"), "Two reports.", secretariat)
    domain.issue_letter(grant, secretariat)
    partner = ApplicantFactory()
    coapplicants.accept(coapplicants.invite(eoi, eoi.owner, partner.email, []), partner)

    for person in (eoi.owner, partner):
        (found,) = personal_data(person)["grants"]
        assert found["reference"] == eoi.reference
        assert (found["amount"], found["currency"]) == ("15000.00", "EUR")
        assert found["conditions"] == "Two reports."
        assert found["letter_issued_at"] is not None
    assert personal_data(ApplicantFactory())["grants"] == []


def test_retention_deletes_an_old_calls_eois_with_their_grants(make_eoi, secretariat, award_call):
    eoi = make_eoi()
    domain.record_grant(eoi, Decimal("15000"), "", secretariat)
    award_call.opens_at = timezone.now() - timedelta(days=6 * 365)
    award_call.closes_at = timezone.now() - timedelta(days=5 * 365 + 1)
    award_call.save()

    assert apply_retention()["expressions_of_interest"] == 1
    assert not Grant.objects.exists()


def test_a_secretariat_member_who_deletes_their_account_leaves_the_grant(make_eoi, secretariat):
    grant = domain.record_grant(make_eoi(), Decimal("15000"), "", secretariat)

    delete_account(secretariat)

    grant.refresh_from_db()
    assert grant.amount == Decimal("15000")
