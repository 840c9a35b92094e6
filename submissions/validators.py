from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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


# The moments the Secretariat types (a call's dates, an extension) are shown in each reader's
# time zone: a year 9999 ("it never closes") cannot be moved to a zone ahead of UTC, and the
# call's page was a 500 there. A year outside these is a slip of the keyboard.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def moment_problems(instance, *names):
    """{field name: message} for each of `names` whose moment falls outside the years above."""
    return {
        name: ValidationError(
            _("Give a date between %(first)d and %(last)d."),
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
            code="implausible_year",
        )
        for name in names
        if (moment := getattr(instance, name)) is not None
        and not FIRST_YEAR <= moment.year <= LAST_YEAR
    }


# Migrations 0002–0009 name the word limit by this path.
from questionnaires.validators import MaxWordsValidator, count_words  # noqa: E402, F401
