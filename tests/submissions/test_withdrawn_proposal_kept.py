"""An application withdrawn with its full proposal is a submitted one for privacy (account
deletion, retention), and a blind proposal reviewer's download does not name the file."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.privacy import apply_retention, delete_account
from review.models import Assignment, Decision
from submissions import proposals
from submissions.models import Call, ExpressionOfInterest, Proposal
from tests.factories import ApplicantFactory, EOIFactory
from tests.submissions.proposal_helpers import (
    add_proposal_stage,
    attach_to_proposal,
    invite,
    proposal_questionnaire,
)

pytestmark = pytest.mark.django_db


def withdrawn_after_invitation(applicant):
    eoi = EOIFactory(owner=applicant)
    add_proposal_stage(eoi.call)
    invite(eoi)
    proposal = Proposal.objects.get(eoi=eoi)
    proposals.withdraw(proposal, applicant)
    eoi.refresh_from_db()
    assert eoi.status == ExpressionOfInterest.Status.WITHDRAWN
    return eoi


def test_deleting_the_account_keeps_an_application_withdrawn_after_its_invitation(applicant):
    """Submitted, reviewed and decided: kept five years, as any submitted EOI (the retention
    rule), not deleted as a draft because its proposal was withdrawn."""
    eoi = withdrawn_after_invitation(applicant)

    delete_account(applicant)

    assert ExpressionOfInterest.objects.filter(pk=eoi.pk).exists()
    assert Decision.objects.filter(eoi=eoi).exists()


def test_retention_keeps_an_application_withdrawn_after_its_invitation(applicant):
    eoi = withdrawn_after_invitation(applicant)

    with time_machine.travel(timezone.now() + timedelta(days=120)):
        apply_retention()

    assert ExpressionOfInterest.objects.filter(pk=eoi.pk).exists()


def test_a_blind_proposal_reviewer_downloads_its_file_without_its_name(client, applicant):
    """As the EOI's files (submissions.views.attachment_download): the stored name may name
    the organisation."""
    eoi = EOIFactory(owner=applicant)
    add_proposal_stage(eoi.call, questionnaire=proposal_questionnaire(recap=False, files=True))
    invite(eoi)
    Call.objects.filter(pk=eoi.call_id).update(blind_review=True)
    proposal = Proposal.objects.get(eoi=eoi)
    attach_to_proposal(proposal, name="Acme-Foundation-statutes.pdf")
    Proposal.objects.filter(pk=proposal.pk).update(
        status=Proposal.Status.SUBMITTED, reference=f"{eoi.reference}-P"
    )
    reviewer = ApplicantFactory()
    Assignment.objects.create(
        eoi=eoi,
        reviewer=reviewer,
        stage=proposal.stage,
        due_at=timezone.now() + timedelta(days=7),
        declaration=Assignment.Declaration.NO_CONFLICT,
        declared_at=timezone.now(),
    )
    attachment = proposal.attachments.get()
    client.force_login(reviewer)

    response = client.get(
        reverse("submissions:proposal_attachment", args=[eoi.uuid, attachment.pk])
    )

    assert response.status_code == 200
    assert "Acme" not in response["Content-Disposition"]
