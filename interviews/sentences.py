"""The audit trail's sentences for interviews."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.wording import says


@says("interview.slots_offered")
def slots_offered(who, entry):
    count = entry.details.get("count", 0)
    return ngettext(
        "%(who)s offered %(count)d interview slot.",
        "%(who)s offered %(count)d interview slots.",
        count,
    ) % {"who": who, "count": count}


@says("interview.slot_removed")
def slot_removed(who, entry):
    return _("%(who)s removed the interview slot of %(starts)s.") % {
        "who": who,
        "starts": entry.details.get("starts", ""),
    }


@says("interview.booked")
def booked(who, entry):
    return _("%(who)s booked the interview for %(starts)s.") % {
        "who": who,
        "starts": entry.details.get("starts", ""),
    }


@says("interview.moved")
def moved(who, entry):
    values = {
        "who": who,
        "was": entry.details.get("was", ""),
        "starts": entry.details.get("starts", ""),
        "reason": entry.details.get("reason", ""),
    }
    if values["reason"]:
        return _("%(who)s moved the interview from %(was)s to %(starts)s: “%(reason)s”.") % values
    return _("%(who)s moved the interview from %(was)s to %(starts)s.") % values


@says("interview.cancelled")
def cancelled(who, entry):
    values = {
        "who": who,
        "starts": entry.details.get("starts", ""),
        "reason": entry.details.get("reason", ""),
    }
    if values["reason"]:
        return _("%(who)s cancelled the interview of %(starts)s: “%(reason)s”.") % values
    return _("%(who)s cancelled the interview of %(starts)s.") % values


@says("interview.assessed")
def assessed(who, entry):
    values = {
        "who": who,
        "score": entry.details.get("score", ""),
        "highest": entry.details.get("highest", ""),
    }
    if entry.details.get("corrected"):
        return (
            _("%(who)s corrected the interview notes and score (%(score)s/%(highest)s).") % values
        )
    return _("%(who)s recorded the interview notes and score (%(score)s/%(highest)s).") % values
