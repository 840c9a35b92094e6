"""Forms built from a questionnaire: one per step, a formset per question of repeating rows.

Field names are the questions' keys. The limits the definition sets (words, values, rows) and the
call's own (its maximum amount and duration, its challenges) are checked here on the server, and
shown while typing.
"""

from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import formats
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries

from core.money import euros

from . import answers as stored
from . import checks
from .models import Kind, Role
from .validators import MaxWordsValidator
from .widgets import Select, SelectMultiple, per_language

# More rows than a small grant's partnership or budget has; it bounds the rows one step builds.
DEFAULT_MAX_ROWS = 20


@dataclass(frozen=True)
class Bounds:
    """What the call adds to its questionnaire: its limits and its challenges."""

    max_amount: Decimal | None = None
    max_duration: int | None = None
    challenges: tuple[tuple[str, str], ...] = ()


# The ~250 countries, sorted in the reader's language: built once per language, not per field.
country_options = per_language(lambda: [("", "---------"), *countries])
countries_options = per_language(lambda: countries)


def _choices(question, bounds):
    if question.role == Role.CHALLENGES:
        return list(bounds.challenges)
    return [(c.value, str(c.label)) for c in question.choices]


# A long answer's characters, and a word limit's: 200 "words" of 244 characters each passed the
# word count, and the printable page and PDF of a few such answers took a web worker half a
# minute (docs/SECURITY.md). Twenty characters a word leaves room for addresses and long words.
LONGEST_TEXT = 50_000
CHARACTERS_PER_WORD = 20


def longest_text(word_limit=None):
    if not word_limit:
        return LONGEST_TEXT
    return min(LONGEST_TEXT, word_limit * CHARACTERS_PER_WORD)


def form_field(question, bounds):
    """The form field that asks `question`; never required here (see StepForm)."""
    # Django's form templates print help text as it is (`|safe`): what the Secretariat wrote,
    # or imported from a file, is escaped here.
    common = {"label": str(question.label), "required": False, "help_text": escape(question.help)}
    kind = question.kind
    if kind == Kind.SHORT_TEXT and question.role == Role.PARTNER_EMAIL:
        return forms.EmailField(max_length=254, **common)
    if kind == Kind.SHORT_TEXT:
        return forms.CharField(max_length=300, **common)
    if kind == Kind.LONG_TEXT:
        attrs = {"rows": 6}
        validators = []
        if question.word_limit:
            attrs["data-word-limit"] = question.word_limit
            validators.append(MaxWordsValidator(question.word_limit))
            limit = ngettext(
                "At most %(limit)d word.", "At most %(limit)d words.", question.word_limit
            ) % {"limit": question.word_limit}
            common["help_text"] = format_html("{} {}", common["help_text"], limit).strip()
        return forms.CharField(
            widget=forms.Textarea(attrs=attrs),
            validators=validators,
            max_length=longest_text(question.word_limit),
            **common,
        )
    if kind == Kind.URL:
        return forms.URLField(assume_scheme="https", max_length=300, **common)
    if kind == Kind.SINGLE_CHOICE:
        return forms.ChoiceField(
            choices=[("", "---------"), *_choices(question, bounds)], widget=Select, **common
        )
    if kind == Kind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=_choices(question, bounds), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == Kind.YES_NO:
        return forms.BooleanField(**common)
    if kind == Kind.COUNTRY:
        return forms.ChoiceField(choices=country_options(), widget=Select, **common)
    if kind == Kind.COUNTRIES:
        return forms.MultipleChoiceField(
            choices=countries_options(),
            # Searchable where scripts run (static/js/country-picker.js).
            widget=SelectMultiple(attrs={"size": 6, "data-country-picker": ""}),
            **common,
        )
    if kind in (Kind.MONEY, Kind.INTEGER, Kind.PERCENTAGE):
        return _number_field(question, bounds, common)
    if kind == Kind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    raise ValueError(f"{kind} questions are not asked by a step form")


def _number_field(question, bounds, common):
    low, high = question.min_value, question.max_value
    if question.kind == Kind.MONEY:
        low = Decimal("1") if low is None else low
    if question.kind == Kind.PERCENTAGE:
        low = Decimal("0") if low is None else low
        high = Decimal("100") if high is None else high
    if question.kind == Kind.INTEGER:
        field = forms.IntegerField(
            min_value=int(low) if low is not None else None,
            max_value=int(high) if high is not None else None,
            **common,
        )
    else:
        field = forms.DecimalField(
            max_digits=12,
            decimal_places=2,
            min_value=low,
            max_value=high,
            **common,
        )
    # The definition's limits, said with their unit ("At most 30 %, please.") where Django would
    # say "Ensure this value is less than or equal to 30.00." The field keeps min and max for
    # the browser.
    field.validators = [
        v for v in field.validators if not isinstance(v, MinValueValidator | MaxValueValidator)
    ]
    if low is not None:
        field.validators.append(
            _limit(low, _("At least %(limit)s, please."), _with_unit(question, low), below=True)
        )
    if high is not None:
        field.validators.append(
            _limit(high, _("At most %(limit)s, please."), _with_unit(question, high))
        )
    field.error_messages["invalid"] = _number_wanted(question)
    field.error_messages["max_decimal_places"] = _("Use at most 2 decimals, please.")
    # The call's own limits: a message in its words, and shown before anyone types.
    if question.role == Role.AMOUNT and bounds.max_amount:
        field.validators.append(
            _limit(
                bounds.max_amount, _("This call funds at most %(limit)s."), euros(bounds.max_amount)
            )
        )
        most = _("At most %(amount)s.") % {"amount": euros(bounds.max_amount)}
        field.help_text = format_html("{} {}", field.help_text, most)
    if question.role == Role.DURATION and bounds.max_duration:
        field.validators.append(
            _limit(
                bounds.max_duration,
                _("Projects last at most %(limit)s in this call."),
                _with_unit(question, bounds.max_duration),
            )
        )
    return field


def _with_unit(question, number):
    """A limit as the reader's language writes it, with its unit: €20,000, 30 %, 9 months."""
    if question.kind == Kind.MONEY:
        return euros(number)
    if question.role == Role.DURATION:
        months = int(number)  # a whole number of months (a Decimal from the question's bounds)
        return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    shown = formats.number_format(Decimal(number).normalize(), use_l10n=True)
    if question.kind == Kind.PERCENTAGE:
        return f"{shown}\u00a0%"  # as answers.as_text shows a percentage
    return shown


def _number_wanted(question):
    if question.kind == Kind.MONEY:
        return _("Enter an amount in euros in figures, such as 25000.")
    if question.kind == Kind.PERCENTAGE:
        return _("Enter a percentage in figures, such as 25.")
    if question.role == Role.DURATION:
        return _("Enter a whole number of months, such as 9.")
    return _("Enter a whole number, such as 12.")


def _limit(limit, message, shown, below=False):
    def check(value):
        if value is not None and (value < limit if below else value > limit):
            raise forms.ValidationError(message, params={"limit": shown}, code="limit")

    return check


MULTIPLE_CHOICE_FIELDS = (forms.MultipleChoiceField,)


class AnswersForm(forms.Form):
    """The answers of one step (or one row). When the application was submitted already, every
    required answer is required here too: a submitted application stays complete."""

    def __init__(self, *args, questions=(), bounds=Bounds(), require_answers=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {q.key: q for q in questions}
        for question in questions:
            field = form_field(question, bounds)
            field.required = require_answers and question.required and question.kind != Kind.YES_NO
            self.fields[question.key] = field

    def clean(self):
        cleaned_data = super().clean()
        # A browser sends each ticked option once; more is a crafted request, refused whole.
        for name, field in self.fields.items():
            chosen = self[name].data if isinstance(field, MULTIPLE_CHOICE_FIELDS) else None
            if isinstance(chosen, list | tuple) and len(chosen) != len(set(chosen)):
                self.add_error(name, _("Choose each option once."))
        return cleaned_data

    def answers(self):
        """The valid answers, stored as JSON values (invalid ones are left out)."""
        return {
            key: stored.encode(self.questions[key], value)
            for key, value in self.cleaned_data.items()
            if key in self.questions
        }


class RowForm(AnswersForm):
    """One row: its required columns are required once anything in the row is typed."""

    def __init__(self, *args, **kwargs):
        kwargs["require_answers"] = True
        super().__init__(*args, **kwargs)


class TooManyRows:
    """The formset's message for too many rows, naming the question (Django fills in `num`)."""

    def __init__(self, question):
        self.question = question

    def __mod__(self, params):
        message = ngettext(
            "%(question)s: at most %(num)d row, please.",
            "%(question)s: at most %(num)d rows, please.",
            params["num"],
        )
        return message % {**params, "question": self.question.label}


class Rows(forms.BaseFormSet):
    def __init__(self, *args, question=None, bounds=Bounds(), **kwargs):
        self.question = question
        self.bounds = bounds
        super().__init__(*args, **kwargs)
        self.error_messages["too_many_forms"] = TooManyRows(question)

    def get_form_kwargs(self, index):
        return {"questions": self.question.columns, "bounds": self.bounds}

    @property
    def empty_form(self):
        return self.form(
            auto_id=self.auto_id,
            prefix=self.add_prefix("__prefix__"),
            empty_permitted=True,
            use_required_attribute=False,
            renderer=self.renderer,
            **self.get_form_kwargs(None),
        )

    def clean(self):
        super().clean()
        rows = [form.cleaned_data for form in self._kept() if form.is_valid()]
        if problems := across_rows_problems(self.question, rows):
            raise forms.ValidationError(problems)

    def summary(self):
        """What the question's check sums up of the rows (checks.summary): the rows as typed
        where the page was sent, as stored otherwise."""
        if self.is_bound:
            rows = [form.cleaned_data for form in self._kept() if form.is_valid()]
        else:
            rows = self.initial or []
        return checks.summary(self.question, rows)

    def rows(self):
        """The rows that are kept, as stored (call when the formset is valid)."""
        return [cells for form in self._kept() if form.is_valid() and (cells := _filled(form))]

    def draft_rows(self):
        """The rows that are kept, each with what is valid in it (as the step's other answers
        are kept while a draft is typed), or None when the rows as a whole are refused (more
        than the question allows)."""
        if any(error.code not in ACROSS_ROWS for error in self.non_form_errors().as_data()):
            return None
        return [cells for form in self._kept() if (cells := _filled(form))]

    def _kept(self):
        """The stored rows, unless deleted (unchanged, they are kept as they are), and the new
        rows typed into."""
        for index, form in enumerate(self.forms):
            form.is_valid()  # cleaned_data, and with it the row's deletion box
            if self._should_delete_form(form):
                continue
            if index < self.initial_form_count() or form.has_changed():
                yield form


def _filled(form):
    """The row's valid cells, or {} when nothing is in it (an unticked box is nothing)."""
    cells = form.answers()
    return cells if any(value not in (None, "", False, []) for value in cells.values()) else {}


def rows_formset(question, bounds, data=None, initial=None):
    """The formset of one question of repeating rows; a request claiming more rows than the
    question allows builds no more than that, and is refused."""
    limit = question.max_rows or DEFAULT_MAX_ROWS
    formset_class = forms.formset_factory(
        RowForm,
        formset=Rows,
        extra=1,
        can_delete=True,
        max_num=limit,
        absolute_max=limit,
        validate_max=True,
    )
    return formset_class(
        data,
        initial=stored.initial(question, initial) or None,
        prefix=question.key,
        question=question,
        bounds=bounds,
    )


# The codes of what is wrong across the rows, not in one of them: a draft keeps its rows as typed.
ACROSS_ROWS = ("shares", "check")


def across_rows_problems(question, rows):
    """What is wrong across the rows (cleaned or stored values), each a ValidationError: the
    partners' shares, and the question's named check (questionnaires.checks)."""
    found = []
    if question.role == Role.PARTNERS and (problem := shares_problem(question, rows)):
        found.append(forms.ValidationError(problem, code="shares"))
    found.extend(
        forms.ValidationError(problem, code="check") for problem in checks.problems(question, rows)
    )
    return found


def shares_problem(question, rows):
    """What is wrong with the partners' shares of the budget (rows of cleaned or stored values),
    or "": the lead keeps what the partners do not receive, so together they have at most 100 %.
    A draft keeps the rows as typed; the EOI cannot be submitted until this is put right."""
    column = question.column_with_role(Role.PARTNER_SHARE)
    if column is None:
        return ""
    total = Decimal(0)
    for row in rows:
        value = row.get(column.key)
        if value not in (None, ""):
            try:
                total += Decimal(value)
            except ArithmeticError:
                continue  # the cell's own check names it
    if total > 100:
        return _(
            "%(question)s: the partners' shares of the budget add up to %(total)s; together "
            "they can have at most 100%% (the rest is the lead organisation's)."
        ) % {"question": question.label, "total": _percent(total)}
    return ""


def _percent(number):
    return f"{formats.number_format(Decimal(number).normalize(), use_l10n=True)}\u00a0%"


def refusal(question, value, bounds):
    """What the step's form would say of a stored answer now, as one message naming the
    question, or "": an answer saved under an older version, before a limit changed, or
    written straight into the database, is checked by the same fields before it is submitted.
    Files are checked when they arrive (uploads), not here."""
    if question.is_file:
        return ""
    if question.is_rows:
        rows = stored.initial(question, value) or []
        limit = question.max_rows or DEFAULT_MAX_ROWS
        if len(rows) > limit:
            return TooManyRows(question) % {"num": limit}
        fields = {column.key: form_field(column, bounds) for column in question.columns}
        for number, row in enumerate(rows, start=1):
            for column in question.columns:
                value = row.get(column.key)
                if value is None and column.required and column.kind != Kind.YES_NO:
                    # A row kept from a draft before it was finished.
                    problems = str(forms.Field.default_error_messages["required"])
                else:
                    problems = _problems(fields[column.key], value)
                if problems:
                    return _("%(question)s, row %(number)d, %(column)s: %(problems)s") % {
                        "question": question.label,
                        "number": number,
                        "column": column.label,
                        "problems": problems,
                    }
        return " ".join(e.message for e in across_rows_problems(question, rows))
    if problems := _problems(form_field(question, bounds), stored.initial(question, value)):
        return _("%(question)s: %(problems)s") % {"question": question.label, "problems": problems}
    return ""


def _problems(field, value):
    if value is None:
        return ""
    try:
        field.clean(value)
    except forms.ValidationError as error:
        return " ".join(error.messages)
    return ""
