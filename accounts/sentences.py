"""The audit trail's sentences for accounts."""

from django.utils.translation import gettext as _

from audit.wording import says


@says("account.deleted")
def deleted(who, entry):
    return _("The account was deleted at its owner's request.")
