"""What the platform keeps about a person, handed over or erased on request.

Retention rule: drafts are deleted 90 days after their call closes; submitted expressions of
interest, their reviews and files are kept for five years after the call closes (the Fund's
accountability to its donors), then deleted. A person who deletes their account loses their
drafts at once; their submitted EOIs stay, detached from their name and address, until the
five years are over.
"""

import uuid
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.utils import timezone

from audit import trail
from notifications.models import OutboundEmail
from submissions import answers as eoi_answers
from submissions.models import ExpressionOfInterest

DRAFTS_KEPT = timedelta(days=90)
SUBMISSIONS_KEPT = timedelta(days=5 * 365)

Status = ExpressionOfInterest.Status


def personal_data(user):
    """Everything kept about `user`, as plain data for a JSON download."""
    eois = user.eois.select_related("call").prefetch_related("attachments")
    return {
        "account": {
            "email": user.email,
            "name": user.name,
            "organisation": user.organisation,
            "country": user.country.code,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "expressions_of_interest": [
            {
                "call": eoi.call.title,
                "reference": eoi.reference,
                "status": eoi.status,
                "submitted_at": eoi.submitted_at.isoformat() if eoi.submitted_at else None,
                "answers": eoi_answers.for_download(eoi),
            }
            for eoi in eois
        ],
        "emails_sent": list(
            user_emails(user).values("created_at", "subject", "status").order_by("created_at")
        ),
    }


def user_emails(user):
    return OutboundEmail.objects.filter(recipient=user)


def _delete_eois(eois):
    for eoi in eois:
        files = [attachment.file for attachment in eoi.attachments.all()]
        eoi.delete()
        for stored in files:
            transaction.on_commit(lambda stored=stored: stored.storage.delete(stored.name))


@transaction.atomic
def delete_account(user):
    """Erase the person: drafts go, submitted EOIs stay without their name, the login ends."""
    _delete_eois(user.eois.filter(status__in=[Status.DRAFT, Status.WITHDRAWN]))
    user_emails(user).update(to="deleted@invalid", body_text="", body_html="")
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    trail.record(None, "account.deleted", user)
    user.email = f"deleted-{uuid.uuid4().hex}@invalid"
    user.name = user.organisation = ""
    user.country = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


def apply_retention(now=None):
    """Delete what the retention rule no longer allows us to keep. Returns what was deleted."""
    now = now or timezone.now()
    drafts = ExpressionOfInterest.objects.filter(
        status__in=[Status.DRAFT, Status.WITHDRAWN], call__closes_at__lt=now - DRAFTS_KEPT
    )
    old = ExpressionOfInterest.objects.filter(call__closes_at__lt=now - SUBMISSIONS_KEPT)
    counts = {"drafts": drafts.count(), "expressions_of_interest": old.count()}
    with transaction.atomic():
        _delete_eois(drafts)
        _delete_eois(old)
    return counts
