from django.utils import formats
from django.utils.translation import pgettext


def euros(amount, decimals=0):
    """An amount in euros as the reader's language writes it: €20,000 or 20 000 €."""
    number = formats.number_format(amount, decimals, use_l10n=True, force_grouping=True)
    return pgettext("amount in euros", "€%(amount)s") % {"amount": number}
