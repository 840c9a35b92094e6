"""An interview in its applicants' data download (accounts/privacy.py asks every app). The
interviewers' notes and score are the Fund's assessment, kept out as the reviews' are."""

from django.db.models import Q
from django.dispatch import receiver

from accounts.privacy import personal_data_requested
from submissions.models import CoApplicant

from .models import Booking


def bookings_of(user):
    """The bookings of the EOIs the person leads or co-applies to (an active link)."""
    coapplied = CoApplicant.objects.active().filter(user=user).values("eoi")
    return Booking.objects.filter(Q(eoi__owner=user) | Q(eoi__in=coapplied))


def _moment(value):
    return value.isoformat() if value else None


@receiver(personal_data_requested)
def personal_data(sender, user, **kwargs):
    return {
        "interviews": [
            {
                "reference": booking.eoi.reference,
                "starts_at": booking.slot.starts_at.isoformat(),
                "duration_minutes": booking.slot.duration_minutes,
                "location": booking.slot.location,
                "time_zone": booking.time_zone,
                "booked_at": booking.booked_at.isoformat(),
                "booked_by_you": booking.booked_by_id == user.pk,
                "cancelled_at": _moment(booking.cancelled_at),
                "secretariat_reason": booking.secretariat_reason,
            }
            for booking in bookings_of(user)
            .select_related("eoi", "slot")
            .order_by("booked_at", "pk")
        ]
    }
