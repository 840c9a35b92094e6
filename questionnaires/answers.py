"""Answers as they are stored (JSON, keyed by question) and as people read them.

Stored values are JSON's own: text, numbers as strings ("18000.00", so no float rounding), dates
as ISO strings, choices by value, countries by code, rows as lists of objects. Files are not
answers here: they are the application's attachments, each named by its question's key.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from core.money import euros

from .models import Kind, Role

EMPTY = (None, "", [], {})


def encode(question, value):
    """A cleaned form value as stored."""
    if value in EMPTY:
        return None
    if question.kind in (Kind.MONEY, Kind.PERCENTAGE):
        return str(Decimal(value).quantize(Decimal("0.01")))
    if question.kind == Kind.DATE:
        return value.isoformat()
    if question.kind == Kind.ROWS:
        return [row for row in value if row]
    return value


def initial(question, value):
    """A stored value as a form's initial value (none for a value of another shape)."""
    if value is None or not fits(question, value):
        return [] if question.kind == Kind.ROWS else None
    if question.kind == Kind.ROWS:
        return [
            {c.key: initial(c, row.get(c.key)) for c in question.columns} for row in value or []
        ]
    if value is None:
        return None
    if question.kind in (Kind.MONEY, Kind.PERCENTAGE):
        return Decimal(value)
    if question.kind == Kind.DATE:
        return datetime.date.fromisoformat(value)
    return value


def fits(question, value):
    """Whether a stored value has the shape this question's kind stores. An answer given under
    an older version, where the same key asked another kind, does not: it is then neither shown
    as this kind, nor copied to a column, nor counted as an answer."""
    kind = question.kind
    if kind in (Kind.MONEY, Kind.PERCENTAGE):
        try:
            return isinstance(value, str) and Decimal(value).is_finite()
        except InvalidOperation:
            return False
    if kind == Kind.DATE:
        try:
            return isinstance(value, str) and bool(datetime.date.fromisoformat(value))
        except ValueError:
            return False
    if kind == Kind.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == Kind.YES_NO:
        return isinstance(value, bool)
    if kind in (Kind.MULTIPLE_CHOICE, Kind.COUNTRIES):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if kind == Kind.ROWS:
        return isinstance(value, list) and all(isinstance(row, dict) for row in value)
    if kind in (Kind.FILE, Kind.FILES):
        return True
    return isinstance(value, str)


def is_answered(question, value):
    return value not in EMPTY and fits(question, value)


def _number(value, places):
    return formats.number_format(Decimal(value), places, use_l10n=True)


# Country names per language, read once per process: django-countries translates a name on every
# name() call, which was 40 % of a CSV export of 5,000 EOIs (docs/BENCHMARKS.md).
_country_names = {}


def country_name(code):
    language = get_language()
    if language not in _country_names:
        _country_names[language] = dict(countries)
    return _country_names[language].get(code) or code


def as_text(question, value, challenges=None):
    """The answer as a person reads it, in the active language; "" when unanswered."""
    if not is_answered(question, value):
        return ""
    kind = question.kind
    if kind == Kind.MONEY:
        return euros(Decimal(value), 2)
    if kind == Kind.PERCENTAGE:
        return f"{formats.number_format(Decimal(value).normalize(), use_l10n=True)} %".replace(
            " %", "\u00a0%"
        )
    if kind == Kind.INTEGER:
        return str(value)
    if kind == Kind.DATE:
        return formats.date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
    if kind == Kind.YES_NO:
        return _("Yes") if value else _("No")
    if kind == Kind.COUNTRY:
        return country_name(value)
    if kind == Kind.COUNTRIES:
        return ", ".join(country_name(code) for code in value)
    if kind == Kind.SINGLE_CHOICE:
        return question.choice_label(value)
    if kind == Kind.MULTIPLE_CHOICE:
        if question.role == Role.CHALLENGES and challenges is not None:
            return "; ".join(challenges.get(v, v) for v in value)
        return "; ".join(question.choice_label(v) for v in value)
    if kind == Kind.ROWS:
        return "\n".join(row_as_text(question, row) for row in value)
    return str(value)


def row_as_text(question, row, blind=False, say=as_text):
    """One row on one line, its answers joined by " · "; a yes-or-no column shows its label
    when yes. `say` puts a column's answer into words (an export passes one that remembers)."""
    shown = []
    for column in question.columns:
        if blind and column.identifying:
            continue
        if text := cell_text(column, row.get(column.key), say):
            shown.append(text)
    return " · ".join(shown)


def cell_text(column, value, say=as_text):
    """One answer of a row in words: a yes-or-no column shows its label when yes, no words
    when no."""
    if column.kind == Kind.YES_NO:
        return str(column.label) if value is True else ""
    return say(column, value)
