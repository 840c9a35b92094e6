"""An invited EOI and its full proposal, for the proposal's tests (tests/submissions and
tests/browser)."""

import json
from datetime import timedelta

from django.utils import timezone

from accounts.roles import SECRETARIAT
from questionnaires import definition as definitions
from review import domain as review_domain
from review.models import Decision
from submissions.kmf2021 import PROPOSAL_FILE
from submissions.models import Call, ExpressionOfInterest, Stage
from tests.factories import ApplicantFactory, EOIFactory, give_role

Status = ExpressionOfInterest.Status
DECLARED = {"declares_accuracy": True, "declares_consent": True}

# What the 2021 full proposal asks, answered in full.
COMPLETE = {
    "description": "Forums in Mopti decide which disputes matter, and how they are heard.",
    "activities": [{"activity": "Forums", "start_month": 1, "end_month": 3, "lead": "RJL"}],
    "deliverables": [{"deliverable": "A public report", "month": 9, "audience": "Donors"}],
    "budget_lines": [
        {"category": "events", "description": "Forums", "partner": "", "amount": "5000"}
    ],
    "partner_roles": "The women's association hosts the forums.",
    "risks": "Insecurity on the roads: forums move to safer towns.",
    "do_no_harm": "No names are published without consent.",
    "monitoring_learning": "Each forum writes what it decided and why.",
}


# A last step of files, as a proposal form may ask: one required file, several optional ones.
DOCUMENTS_STEP = {
    "key": "documents",
    "title": {"en": "Documents", "fr": "Documents"},
    "questions": [
        {
            "key": "registration",
            "kind": "file",
            "file_types": "documents",
            "label": {"en": "Registration certificate", "fr": "Certificat d'enregistrement"},
        },
        {
            "key": "accounts",
            "kind": "files",
            "required": False,
            "max_rows": 10,
            "file_types": "documents_and_images",
            "label": {"en": "Audited accounts (optional)", "fr": "Comptes audités (facultatif)"},
        },
    ],
}


def proposal_questionnaire(recap=True, files=False):
    """The 2021 full proposal; with `recap`, a first step asking again what the EOI asked
    (the summary, the countries: prefilled) and the amount as text (another kind: not); with
    `files`, a last step of files (DOCUMENTS_STEP)."""
    data = json.loads(PROPOSAL_FILE.read_text(encoding="utf-8"))
    if files:
        data["steps"].append(DOCUMENTS_STEP)
    if recap:
        label = {"en": "Summary", "fr": "Résumé"}
        data["steps"].insert(
            0,
            {
                "key": "recap",
                "title": {"en": "Recap", "fr": "Récapitulatif"},
                "questions": [
                    {"key": "summary", "kind": "long_text", "word_limit": 200, "label": label},
                    {
                        "key": "countries",
                        "kind": "countries",
                        "label": {"en": "Countries", "fr": "Pays"},
                    },
                    {
                        "key": "budget_requested",
                        "kind": "short_text",
                        "required": False,
                        "label": {"en": "Amount", "fr": "Montant"},
                    },
                ],
            },
        )
    return definitions.save(definitions.from_dict(data))


def add_proposal_stage(call, closes_at=..., questionnaire=None):
    """The call's full-proposal stage, closing in 30 days unless said otherwise (None: not
    announced)."""
    if closes_at is ...:
        closes_at = timezone.now() + timedelta(days=30)
    Stage.objects.get_or_create(call=call, order=1, kind=Stage.Kind.EXPRESSION_OF_INTEREST)
    return Stage.objects.create(
        call=call,
        order=2,
        kind=Stage.Kind.FULL_PROPOSAL,
        opens_at=None,
        closes_at=closes_at,
        questionnaire=questionnaire or proposal_questionnaire(),
    )


def secretariat_member():
    return give_role(ApplicantFactory(is_staff=True), SECRETARIAT)


def invite(eoi, secretariat=None):
    """Submit the EOI, close its call, decide and release "invited": the invitation as the
    Secretariat makes it."""
    secretariat = secretariat or secretariat_member()
    # An EOI made with its reference keeps it: one named after its pk could take another's.
    reference = eoi.reference or f"{eoi.call.reference_prefix}-{eoi.pk:04d}"
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
        status=Status.SUBMITTED, reference=reference
    )
    Call.objects.filter(pk=eoi.call_id).update(
        opens_at=timezone.now() - timedelta(days=20), closes_at=timezone.now() - timedelta(days=1)
    )
    eoi.refresh_from_db()
    review_domain.decide(eoi, Status.INVITED, secretariat, feedback="Please write it.")
    review_domain.release(Decision.objects.filter(eoi=eoi), secretariat)
    eoi.refresh_from_db()
    return eoi


def invited_eoi(owner=None, **stage):
    """An EOI invited to the full proposal of its call, which has a proposal stage."""
    eoi = EOIFactory(**({"owner": owner} if owner else {}))
    add_proposal_stage(eoi.call, **stage)
    return invite(eoi)


def attach_to_proposal(proposal, key="registration", name="statutes.pdf"):
    """Give a proposal a file for its question `key`, as its files step does."""
    from submissions import proposals
    from submissions.uploads import BUDGET_TYPES, sniff
    from tests.files import budget_pdf

    document = budget_pdf(name)
    document.sniffed = sniff(document, BUDGET_TYPES, 10 * 1024 * 1024)
    return proposals.add_attachments(proposal, proposal.eoi.owner, {key: [document]})
