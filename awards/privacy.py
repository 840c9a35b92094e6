"""A grant in its applicants' data download (accounts/privacy.py asks every app)."""

from django.db.models import Q
from django.dispatch import receiver

from accounts.privacy import personal_data_requested
from submissions.models import CoApplicant

from .models import Grant


def grants_of(user):
    """The grants of the EOIs the person leads or co-applies to (an active link)."""
    coapplied = CoApplicant.objects.active().filter(user=user).values("eoi")
    return Grant.objects.filter(Q(eoi__owner=user) | Q(eoi__in=coapplied))


@receiver(personal_data_requested)
def personal_data(sender, user, **kwargs):
    return {
        "grants": [
            {
                "reference": grant.eoi.reference,
                "amount": str(grant.amount),
                "currency": grant.currency,
                "conditions": grant.conditions,
                "recorded_at": grant.recorded_at.isoformat(),
                "letter_issued_at": (
                    grant.letter_issued_at.isoformat() if grant.letter_issued_at else None
                ),
            }
            for grant in grants_of(user).select_related("eoi").order_by("recorded_at", "pk")
        ]
    }
