"""Who may do what with interviews. A denied EOI is answered with a 404."""

import rules

from accounts.rules import is_secretariat
from core.permissions import remembered
from submissions.rules import is_coapplicant, is_owner

from .models import Booking


@rules.predicate
def is_interviewer(user, eoi):
    """Named among the interviewers of the slot the EOI's interview is booked in."""
    if eoi is None:
        return False
    return remembered(
        ("interviews.interviewer", user.pk, eoi.pk),
        lambda: Booking.objects.filter(
            eoi=eoi, cancelled_at=None, slot__interviewers=user
        ).exists(),
    )


# Offering and removing slots, and the list of a call's slots and bookings.
rules.add_perm("interviews.manage_slots", is_secretariat)
# The interview of an EOI: its applicants read it; the lead books, moves and cancels it.
rules.add_perm("interviews.see_interview", is_owner | is_coapplicant)
rules.add_perm("interviews.book_interview", is_owner)
# The Secretariat moves or cancels any interview, at any time, saying why.
rules.add_perm("interviews.change_booking", is_secretariat)
# The notes and the score: the Secretariat, and the interviewers of the booked slot.
rules.add_perm("interviews.assess_interview", is_secretariat | is_interviewer)
