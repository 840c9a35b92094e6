"""The expressions of interest in a person's data download, account deletion and retention
(the rule is stated in accounts/privacy.py, which sends the signals answered here)."""

from datetime import timedelta

from django.db import transaction
from django.dispatch import receiver

from accounts.privacy import account_deleting, personal_data_requested, retention_due

from . import answers, coapplicants
from .models import CoApplicant, ExpressionOfInterest, Partner
from .selectors import released_outcomes

DRAFTS_KEPT = timedelta(days=90)
SUBMISSIONS_KEPT = timedelta(days=5 * 365)

Status = ExpressionOfInterest.Status


def eoi_personal_data(user):
    """The person's expressions of interest, every answer as their questionnaire asks it."""
    eois = user.eois.select_related("call").prefetch_related("messages", "partners", "proposals")
    return [
        {
            "call": eoi.call.title,
            "reference": eoi.reference,
            "status": eoi.status,
            "submitted_at": eoi.submitted_at.isoformat() if eoi.submitted_at else None,
            "answers": answers.for_download(eoi),
            "messages": [
                {
                    "sent_at": message.created_at.isoformat(),
                    "from": "secretariat" if message.from_secretariat else "applicant",
                    "text": message.text,
                    "file": message.original_name,
                }
                for message in eoi.messages.all()
            ],
            # The partners as the platform keeps them, with what each answered.
            "partners": [_partner(partner) for partner in eoi.partners.all()],
            "outcomes": _outcomes(eoi),
            # The full proposal an invitation opened, with its answers.
            "proposals": [_proposal(proposal) for proposal in eoi.proposals.all()],
        }
        for eoi in eois
    ]


def coapplication_personal_data(user):
    """The EOIs the person co-applies to, with their answers and their full proposals; the
    revoked links too (the site keeps them), without the answers."""
    links = (
        CoApplicant.objects.filter(user=user)
        .select_related("eoi__call")
        .prefetch_related("eoi__proposals")
    )
    return [
        {
            "call": link.eoi.call.title,
            "reference": link.eoi.reference,
            "status": link.eoi.status,
            "invited_as": link.email,
            "invited_at": link.invited_at.isoformat(),
            "accepted_at": link.accepted_at.isoformat() if link.accepted_at else None,
            "revoked_at": link.revoked_at.isoformat() if link.revoked_at else None,
            "parts_opened": link.parts,
            # The application as it stands only while they co-apply: revoking ends the access.
            "answers": answers.for_download(link.eoi) if link.revoked_at is None else None,
            "outcomes": _outcomes(link.eoi) if link.revoked_at is None else None,
            # Its full proposal, which they read (and write where it is opened to them).
            "proposals": [_proposal(proposal) for proposal in link.eoi.proposals.all()]
            if link.revoked_at is None
            else None,
        }
        for link in links
    ]


def _proposal(proposal):
    """A full proposal an invitation opened, with its answers."""
    return {
        "reference": proposal.reference,
        "status": proposal.status,
        "submitted_at": proposal.submitted_at.isoformat() if proposal.submitted_at else None,
        "answers": answers.for_download(proposal),
    }


def _outcomes(eoi):
    """Each stage's released outcome with its feedback, as the applicant's page shows them;
    never a decision still internal."""
    return [
        {
            "stage": decision.stage.kind if decision.stage else "eoi",
            "outcome": decision.outcome,
            "outcome_label": str(decision.get_outcome_display()),
            "feedback": decision.feedback,
            "released_at": decision.released_at.isoformat(),
        }
        for decision in released_outcomes(eoi)
    ]


def _partner(partner):
    return {
        "name": partner.name,
        "country": str(partner.country or ""),
        "role": partner.role,
        "budget_share": None if partner.budget_share is None else str(partner.budget_share),
        "locally_led": partner.locally_led,
        "email": partner.email,
        "not_named_to_reviewers": partner.anonymous,
        "confirmation": partner.confirmation,
        "answered_at": partner.answered_at.isoformat() if partner.answered_at else None,
        "comment": partner.comment,
    }


def answered_as_partner(user):
    """The partner rows the person confirmed or declined from their account."""
    answered = Partner.objects.filter(answered_by=user).select_related("eoi__call")
    return [{"call": partner.eoi.call.title, **_partner(partner)} for partner in answered]


@receiver(personal_data_requested)
def personal_data(sender, user, **kwargs):
    return {
        "expressions_of_interest": eoi_personal_data(user),
        "co_applications": coapplication_personal_data(user),
        "partnerships_answered": answered_as_partner(user),
    }


def _delete_eois(eois):
    for eoi in eois:
        files = [attachment.file for attachment in eoi.attachments.all()]
        files += [message.file for message in eoi.messages.exclude(file="")]
        eoi.delete()
        for stored in files:
            transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))


def _drafts(eois):
    """Drafts, and EOIs withdrawn before any decision on them was released. An EOI withdrawn
    with its full proposal (proposals.withdraw: invited to withdrawn) was submitted, reviewed and
    decided: it is kept as a submitted EOI is."""
    return eois.filter(status__in=[Status.DRAFT, Status.WITHDRAWN]).exclude(
        decisions__released_at__isnull=False
    )


@receiver(account_deleting)
def delete_drafts(sender, user, **kwargs):
    """Drafts go with the account; submitted EOIs stay, detached by the account's erasure."""
    _delete_eois(_drafts(user.eois.all()))
    # The EOIs they co-apply to are their leads': only the links go.
    coapplicants.forget(user)


@receiver(retention_due)
def apply_retention(sender, now, **kwargs):
    drafts = _drafts(ExpressionOfInterest.objects.filter(call__closes_at__lt=now - DRAFTS_KEPT))
    old = ExpressionOfInterest.objects.filter(call__closes_at__lt=now - SUBMISSIONS_KEPT)
    counts = {"drafts": drafts.count(), "expressions_of_interest": old.count()}
    _delete_eois(drafts)
    _delete_eois(old)
    return counts
