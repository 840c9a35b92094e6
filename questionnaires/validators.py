from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import ngettext_lazy


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
