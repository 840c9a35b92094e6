"""The audit trail's sentences for grants."""

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from audit.wording import says
from core.money import euros


def _amount(entry, key="amount"):
    try:
        return euros(Decimal(entry.details.get(key, "")), 2)
    except InvalidOperation:
        return entry.details.get(key, "")


@says("grant.recorded")
def recorded(who, entry):
    return _("%(who)s recorded a grant of %(amount)s.") % {"who": who, "amount": _amount(entry)}


@says("grant.changed")
def changed(who, entry):
    sentence = _("%(who)s changed the grant from %(before)s to %(amount)s.") % {
        "who": who,
        "before": _amount(entry, "amount_before"),
        "amount": _amount(entry),
    }
    if entry.details.get("letter_withdrawn"):
        sentence += " " + _("Its letter is to be issued again.")
    return sentence


@says("grant.letter_issued")
def letter_issued(who, entry):
    return _("%(who)s issued the grant letter for %(amount)s.") % {
        "who": who,
        "amount": _amount(entry),
    }
