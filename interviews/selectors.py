"""What other pages read about interviews."""

from django.db.models import Exists, OuterRef, Prefetch

from .models import Booking, Slot


def live_bookings():
    return Booking.objects.filter(cancelled_at=None)


def interviewed_count(call):
    """How many of the call's EOIs had their interview: a live booking whose notes and score
    are recorded (the dashboard's funnel)."""
    assessed = live_bookings().filter(eoi=OuterRef("pk"), score__isnull=False)
    return call.eois.filter(Exists(assessed)).count()


def slots_with_bookings(stage):
    """The stage's slots, first to last, each with its interviewers and its live booking (as
    `live`: a list of none or one), in a fixed number of queries."""
    return (
        Slot.objects.filter(stage=stage)
        .prefetch_related(
            "interviewers",
            Prefetch(
                "bookings",
                # A row names the EOI: its answers (11 kB of JSON each at the benchmark's scale)
                # stay in the database.
                queryset=live_bookings().select_related("eoi__owner").defer("eoi__answers"),
                to_attr="live",
            ),
        )
        .order_by("starts_at", "pk")
    )


def page_of_the_next_slot(stage, per_page, now):
    """The number of the page (of `per_page` slots, first to last) that holds the first slot not
    yet started: the Secretariat looks ahead, and the slots gone by are a page back."""
    started = Slot.objects.filter(stage=stage, starts_at__lte=now).count()
    return started // per_page + 1


def live_booking(eoi):
    return live_bookings().filter(eoi=eoi).select_related("slot").first()


def cancelled_by_secretariat(eoi):
    """The EOI's last cancelled booking when the Secretariat cancelled it (with its reason), for
    the applicant's page; None when the applicant cancelled it, or none was."""
    last = (
        Booking.objects.filter(eoi=eoi, cancelled_at__isnull=False)
        .select_related("slot")
        .order_by("-cancelled_at", "-pk")
        .first()
    )
    return last if last is not None and last.secretariat_reason else None


def free_slots(stage, after):
    """The stage's slots nobody has booked that start after `after`."""
    return (
        Slot.objects.filter(stage=stage, starts_at__gt=after)
        .exclude(Exists(live_bookings().filter(slot=OuterRef("pk"))))
        .order_by("starts_at", "pk")
    )
