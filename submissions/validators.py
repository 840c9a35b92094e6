from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.timezones import time_zone_names


def validate_time_zone(name):
    if name not in time_zone_names():
        raise ValidationError(_("“%(name)s” is not a time zone name."), params={"name": name})


# Each offset is a reminder to every applicant with a draft; a dozen is already a lot of mail.
MAX_REMINDER_OFFSETS = 12


def validate_reminder_offsets(offsets):
    if not isinstance(offsets, list) or not all(
        isinstance(hours, int) and hours > 0 for hours in offsets
    ):
        raise ValidationError(
            _(
                "Give the reminder offsets as a list of whole hours before the deadline, "
                "e.g. [168, 48, 24]."
            )
        )
    if len(offsets) > MAX_REMINDER_OFFSETS:
        raise ValidationError(
            _("At most %(limit)d reminders, please."), params={"limit": MAX_REMINDER_OFFSETS}
        )


def count_words(text):
    return len(text.split())


@deconstructible
class MaxWordsValidator:
    """Word limits as the call states them; the form shows the same count while typing."""

    def __init__(self, limit):
        self.limit = limit

    def __call__(self, text):
        words = count_words(text or "")
        if words > self.limit:
            raise ValidationError(
                ngettext_lazy(
                    "At most %(limit)d word, please: this text has %(words)d.",
                    "At most %(limit)d words, please: this text has %(words)d.",
                    "limit",
                ),
                code="max_words",
                params={"limit": self.limit, "words": words},
            )

    def __eq__(self, other):
        return isinstance(other, MaxWordsValidator) and other.limit == self.limit
