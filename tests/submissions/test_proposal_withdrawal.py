"""The lead applicant withdraws the full proposal, and with it the application: confirmed on
a page, audited, seen by the Secretariat; nobody else may, nor after the proposal's deadline."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit import wording
from audit.models import AuditEntry
from submissions import coapplicants, domain, proposals
from submissions.models import ExpressionOfInterest, Proposal, Stage
from tests.factories import ApplicantFactory, EOIFactory
from tests.submissions.proposal_helpers import (
    COMPLETE,
    DECLARED,
    add_proposal_stage,
    invite,
    secretariat_member,
)

pytestmark = pytest.mark.django_db
Status = ExpressionOfInterest.Status


@pytest.fixture
def proposal(applicant):
    eoi = EOIFactory(owner=applicant)
    add_proposal_stage(eoi.call)
    invite(eoi)
    return Proposal.objects.get(eoi=eoi)


def withdraw_url(proposal):
    return reverse("submissions:proposal_withdraw", args=[proposal.eoi.uuid])


def test_the_lead_confirms_then_the_proposal_and_the_eoi_are_withdrawn(
    applicant_client, proposal, applicant
):
    detail = applicant_client.get(proposal.get_absolute_url()).content.decode()
    assert withdraw_url(proposal) in detail

    confirm = applicant_client.get(withdraw_url(proposal))

    assert "Withdraw your full proposal?" in confirm.content.decode()
    assert Proposal.objects.get().status == Proposal.Status.DRAFT  # nothing yet

    response = applicant_client.post(withdraw_url(proposal), follow=True)

    assert response.redirect_chain[-1][0] == reverse("submissions:dashboard")
    page = response.content.decode()
    assert "Your full proposal is withdrawn." in page
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.WITHDRAWN
    assert proposal.eoi.status == Status.WITHDRAWN
    entry = AuditEntry.objects.get(action="proposal.withdrawn")
    assert entry.actor == applicant
    assert entry.details["previous_status"] == "draft"
    assert wording.sentence(entry) == (
        f"{applicant.name} withdrew the full proposal, and with it the application."
    )
    assert AuditEntry.objects.get(action="eoi.withdrawn").details["proposal"] == proposal.pk
    # Closed to writing, and no second withdrawal.
    assert applicant_client.get(withdraw_url(proposal)).status_code == 404
    step = reverse("submissions:proposal_step", args=[proposal.eoi.uuid, "description"])
    assert applicant_client.get(step).url == proposal.get_absolute_url()


def test_a_submitted_proposal_is_withdrawn_too_and_the_secretariat_sees_it(
    client, proposal, applicant
):
    answered = {**proposal.answers, **COMPLETE, "summary": "A summary.", "countries": ["ML"]}
    Proposal.objects.filter(pk=proposal.pk).update(answers=answered)
    proposals.submit(proposal, applicant, DECLARED)

    proposals.withdraw(proposal, applicant)

    staff = secretariat_member()
    client.force_login(staff)
    listed = client.get(reverse("review:proposal_list", args=[proposal.call.slug]))
    assert "Withdrawn" in listed.content.decode()
    only_withdrawn = client.get(
        reverse("review:proposal_list", args=[proposal.call.slug]), {"status": "withdrawn"}
    )
    assert proposal.eoi.reference in only_withdrawn.content.decode()
    assert AuditEntry.objects.get(action="proposal.withdrawn").details["previous_status"] == (
        "submitted"
    )
    eoi_page = client.get(proposal.eoi.get_absolute_url()).content.decode()
    assert "The full proposal is withdrawn, and with it this expression of interest." in eoi_page


def test_only_the_lead_withdraws(client, proposal, applicant):
    partner = ApplicantFactory()
    coapplicants.accept(coapplicants.invite(proposal.eoi, applicant, partner.email, []), partner)

    for person in (partner, secretariat_member(), ApplicantFactory()):
        client.force_login(person)
        assert client.get(withdraw_url(proposal)).status_code == 404
        assert client.post(withdraw_url(proposal)).status_code == 404
        assert (
            withdraw_url(proposal) not in client.get(proposal.get_absolute_url()).content.decode()
        )

    with pytest.raises(domain.NotAllowed):
        proposals.withdraw(proposal, partner)
    assert Proposal.objects.get().status == Proposal.Status.DRAFT
    assert ExpressionOfInterest.objects.get().status == Status.INVITED


def test_not_after_the_proposals_deadline(applicant_client, proposal, applicant):
    Stage.objects.filter(pk=proposal.stage_id).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )

    assert applicant_client.get(withdraw_url(proposal)).status_code == 404
    with pytest.raises(proposals.NotEditable, match="the deadline has passed"):
        proposals.withdraw(proposal, applicant)
    assert ExpressionOfInterest.objects.get().status == Status.INVITED


def test_an_invited_eoi_is_not_withdrawn_on_its_own(applicant_client, proposal, applicant):
    """Its own withdrawal is closed: the proposal's takes both."""
    eoi = proposal.eoi

    assert applicant_client.get(
        reverse("submissions:eoi_withdraw", args=[eoi.uuid])
    ).status_code == (404)
    with pytest.raises(domain.NotEditable, match="can no longer be withdrawn"):
        domain.withdraw_eoi(eoi, applicant)
    assert ExpressionOfInterest.objects.get().status == Status.INVITED
