import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

# A question's key names its form field, and a question of rows names its rows' fields with it
# ("partners-0-name"): without hyphens, no key can be another question's row field.
KEY = re.compile(r"[A-Za-z0-9_]+")


def validate_key(key):
    """The one rule for a question's key, in the admin and in an imported file."""
    if not isinstance(key, str) or not KEY.fullmatch(key):
        raise ValidationError(
            _("A key is letters, digits and underscores, without spaces or hyphens."),
            code="invalid_key",
        )


# A step's key is its page's address under the application's (/eois/<id>/<key>/): these name
# the application's other pages.
PAGE_NAMES = frozenset(
    {"autosave", "continue", "files", "pdf", "print", "receipt", "submit", "withdraw"}
)


def validate_step_key(key):
    if key in PAGE_NAMES:
        raise ValidationError(
            _("“%(key)s” is the address of another page of the application: choose another key."),
            code="page_name",
            params={"key": key},
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
