"""The admin's forms for building a questionnaire, and the checks that keep it one the
application form can ask: each refusal says what to change."""

import json
from collections import defaultdict

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import checks
from . import definition as definitions
from .models import (
    COLUMN_ROLES,
    RESERVED_KEYS,
    ROLE_KINDS,
    Choice,
    Kind,
    Question,
    Questionnaire,
    Role,
    Step,
)

FILE_KINDS = (Kind.FILE, Kind.FILES)
# Columns of repeating rows: one value per cell, no files and no rows inside rows.
COLUMN_KINDS = [
    (value, label) for value, label in Kind.choices if value not in (*FILE_KINDS, Kind.ROWS)
]
MAX_IMPORT_BYTES = 1024 * 1024


def check_choices():
    return [("", "---------"), *checks.choices()]


class QuestionForm(forms.ModelForm):
    """One question: its limits fit its kind."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "named_check" in self.fields:
            # The registered checks, read when the page is built: no migration for a new one.
            field = self.fields["named_check"]
            self.fields["named_check"] = forms.ChoiceField(
                choices=check_choices,
                required=False,
                label=field.label,
                help_text=field.help_text,
            )

    def clean(self):
        cleaned_data = super().clean()
        kind = cleaned_data.get("kind")
        if named_check := cleaned_data.get("named_check"):
            self._clean_check(checks.named(named_check), kind)
        if cleaned_data.get("word_limit") and kind != Kind.LONG_TEXT:
            self.add_error("word_limit", _("A word limit is for long text only."))
        role = cleaned_data.get("role")
        if role and kind and kind not in ROLE_KINDS.get(role, {kind}):
            self.add_error("role", _("This role needs another kind of question."))
        elif role and (role in COLUMN_ROLES) != self.is_column:
            self.add_error("role", _("This role is a column's of the partners' rows."))
        elif role and self.parent is not None and self.parent.role != Role.PARTNERS:
            self.add_error("role", ONLY_PARTNERS)
        if cleaned_data.get("key") in RESERVED_KEYS:
            self.add_error("key", _("The form uses this name itself: choose another key."))
        low, high = cleaned_data.get("min_value"), cleaned_data.get("max_value")
        if low is not None and high is not None and low > high:
            self.add_error("max_value", _("The highest value is below the lowest."))
        if (
            kind
            and kind != Kind.ROWS
            and self.instance.pk
            and self.instance.row_of_id is None
            and self.instance.columns.exists()
        ):
            self.add_error("kind", _("This question has columns: only repeating rows have them."))
        return cleaned_data

    def _clean_check(self, check, kind):
        """A check is for a question of rows, whose columns (as saved) are the ones it reads."""
        if self.is_column or kind != check.kind:
            self.add_error("named_check", _("This check is for a question of repeating rows."))
            return
        if not self.instance.pk or self.instance.questionnaire_id is None:
            self.add_error("named_check", _("Save the question with its columns first."))
            return
        saved = definitions.build(self.instance.questionnaire_id).by_key.get(self.instance.key)
        if saved is None or (misfit := check.misfit(saved)):
            self.add_error(
                "named_check",
                misfit if saved is not None else _("Save the question with its columns first."),
            )

    @property
    def is_column(self):
        return self.instance.row_of_id is not None

    @property
    def parent(self):
        return self.instance.row_of if self.instance.row_of_id else None


class ColumnForm(QuestionForm):
    is_column = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "kind" in self.fields:
            self.fields["kind"].choices = [("", "---------"), *COLUMN_KINDS]


class QuestionPageForm(QuestionForm):
    """A question on its own page: it belongs to a questionnaire that can still be changed, in
    one of its steps; repeating rows are made here, with their columns."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "questionnaire" in self.fields:
            self.fields["questionnaire"].queryset = Questionnaire.objects.filter(answered_at=None)
        if self.instance.row_of_id is not None and "kind" in self.fields:
            self.fields["kind"].choices = [("", "---------"), *COLUMN_KINDS]
        if "step" in self.fields:
            self.fields["step"].required = self.instance.row_of_id is None
            questionnaire = self.instance.questionnaire_id or as_pk(
                self.initial.get("questionnaire")
            )
            if questionnaire:
                self.fields["step"].queryset = Step.objects.filter(questionnaire=questionnaire)

    def clean(self):
        cleaned_data = super().clean()
        questionnaire = cleaned_data.get("questionnaire") or (
            self.instance.questionnaire if self.instance.questionnaire_id else None
        )
        step = cleaned_data.get("step")
        if questionnaire is None:
            return cleaned_data
        if step is not None and step.questionnaire_id != questionnaire.pk:
            self.add_error("step", _("Choose one of this questionnaire's steps."))
            return cleaned_data
        if self.instance.row_of_id is not None:
            return cleaned_data
        others = Question.objects.filter(questionnaire=questionnaire, row_of=None).exclude(
            pk=self.instance.pk
        )
        key, role, kind = (cleaned_data.get(name) for name in ("key", "role", "kind"))
        if key and others.filter(key=key).exists():
            self.add_error("key", _("Another question of this questionnaire has this key."))
        if role and others.filter(role=role).exists():
            self.add_error("role", _("Another question of this questionnaire has this role."))
        if step is not None and kind:
            kinds = set(others.filter(step=step).values_list("kind", flat=True)) | {kind}
            if _mixes_files(kinds):
                self.add_error("step", _mixed_message(step))
        return cleaned_data


def as_pk(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _mixes_files(kinds):
    files = {kind in FILE_KINDS for kind in kinds}
    return files == {True, False}


def _mixed_message(step):
    return gettext(
        "The step “%(step)s” would hold file questions and others: a step with files holds "
        "only files (the application form uploads them on a page of their own)."
    ) % {"step": step}


class Together:
    """The formsets of one admin page, so that the questions' checks see the steps' changes."""

    def __init__(self):
        self.steps = None


class StepFormSet(BaseInlineFormSet):
    def __init__(self, *args, together=None, **kwargs):
        super().__init__(*args, **kwargs)
        if together is not None:
            together.steps = self

    def get_unique_error_message(self, unique_check):
        return _("Two steps have the same key: give each its own.")

    def deleted_steps(self):
        return {form.instance.pk for form in self.deleted_forms if form.instance.pk}


class QuestionFormSet(BaseInlineFormSet):
    """The questions of a questionnaire (not the columns of its rows), checked together."""

    def __init__(self, *args, together=None, **kwargs):
        self.together = together
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "step" in form.fields:
            form.fields["step"].required = True
            form.fields["step"].queryset = Step.objects.filter(questionnaire=self.instance.pk)

    def clean(self):
        super().clean()
        kept = [
            form
            for form in self.forms
            if form not in self.deleted_forms and form.is_valid() and form.cleaned_data
        ]
        self._unique(kept, "key", _("The key “%(value)s” is used by two questions."))
        self._unique(kept, "role", _("The role “%(value)s” is given to two questions."))
        deleted_steps = set()
        if self.together is not None and self.together.steps is not None:
            self.together.steps.is_valid()
            deleted_steps = self.together.steps.deleted_steps()
        kinds = defaultdict(set)
        for form in kept:
            data = form.cleaned_data
            step, kind = data.get("step"), data.get("kind")
            if step is not None and step.pk in deleted_steps:
                form.add_error(
                    "step", _("This step is being deleted: choose another, or delete this too.")
                )
            if kind == Kind.ROWS and not (form.instance.pk and form.instance.columns.exists()):
                form.add_error(
                    "kind",
                    _(
                        "Repeating rows need columns: make this question on its own page "
                        "(“Add question”), where its columns are given with it."
                    ),
                )
            if step is not None and kind:
                kinds[step].add(kind)
        for step, step_kinds in kinds.items():
            if _mixes_files(step_kinds):
                raise ValidationError(_mixed_message(step))

    def _unique(self, forms_, name, message):
        seen = set()
        for form in forms_:
            value = form.cleaned_data.get(name)
            if not value:
                continue
            if value in seen:
                shown = dict(Role.choices).get(value, value) if name == "role" else value
                form.add_error(name, message % {"value": shown})
            seen.add(value)


ONLY_PARTNERS = _("Only the columns of the partners' rows have a role.")


class ColumnFormSet(BaseInlineFormSet):
    """The columns of a question: repeating rows have at least one, other kinds none; the
    partners' rows name their partners, and a column's role is given once."""

    def clean(self):
        super().clean()
        kind = self.instance.kind  # as the question's own form left it
        kept = [
            form
            for form in self.forms
            if form not in self.deleted_forms and form.is_valid() and form.cleaned_data
        ]
        roles = set()
        for form in kept:
            role = form.cleaned_data.get("role")
            if not role:
                continue
            if self.instance.role != Role.PARTNERS:
                form.add_error("role", ONLY_PARTNERS)
            elif role in roles:
                form.add_error("role", _("Another column has this role."))
            roles.add(role)
        if self.instance.role == Role.PARTNERS and Role.PARTNER_NAME not in roles:
            raise ValidationError(_("The partners' rows need a column for the partner's name."))
        if kind == Kind.ROWS and not kept:
            raise ValidationError(_("Repeating rows need at least one column."))
        if kind and kind != Kind.ROWS and kept:
            raise ValidationError(_("Only repeating rows have columns: delete these."))
        seen = set()
        for form in kept:
            key = form.cleaned_data.get("key")
            if key in seen:
                form.add_error(
                    "key", _("The key “%(value)s” is used by two columns.") % {"value": key}
                )
            seen.add(key)

    def save_new(self, form, commit=True):
        # A column belongs to its rows question's questionnaire, in no step of its own.
        form.instance.questionnaire_id = self.instance.questionnaire_id
        return super().save_new(form, commit)


# ---- Import --------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Questionnaire file"),
        help_text=_("A JSON file exported from this site, at most 1 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("This file is larger than 1 MB: it is not a questionnaire."))
        try:
            data = json.loads(upload.read().decode("utf-8"))
        # A deeply nested file exhausts the parser's recursion: refused like any bad file.
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise ValidationError(
                _("This file is not JSON: export a questionnaire to see the format.")
            ) from None
        definition = definitions.from_dict(data)
        check_fits(definition)
        self.cleaned_data["definition"] = definition
        return upload


def _translated(name, text):
    return {name: text.en, f"{name}_en": text.en, f"{name}_fr": text.fr}


def _fits(model, values, where, exclude=()):
    try:
        model(**values).clean_fields(exclude=list(exclude))
    except ValidationError as error:
        name, messages = next(iter(error.message_dict.items()))
        raise ValidationError(
            _("%(where)s, %(field)s: %(message)s")
            % {
                "where": where,
                "field": model._meta.get_field(name).verbose_name,
                "message": messages[0],
            }
        ) from None


def check_fits(definition):
    """What the file format allows and the database does not (lengths, keys, ranges), named."""
    _fits(Questionnaire, {"name": definition.name}, _("The questionnaire"))
    links = ("questionnaire", "step", "row_of", "question")
    for step in definition.steps:
        where = _("Step “%(key)s”") % {"key": step.key}
        _fits(
            Step,
            {
                "key": step.key,
                **_translated("title", step.title),
                **_translated("intro", step.intro),
            },
            where,
            links,
        )
        for question in step.questions:
            _question_fits(question, where, links)


def _question_fits(question, where, links):
    where = f"{where} “{question.key}”"
    _fits(
        Question,
        {
            "key": question.key,
            "kind": question.kind,
            "role": question.role,
            "file_types": question.file_types,
            "word_limit": question.word_limit,
            "min_value": question.min_value,
            "max_value": question.max_value,
            "max_rows": question.max_rows,
            "named_check": question.named_check,
            **_translated("label", question.label),
            **_translated("help_text", question.help),
        },
        where,
        links,
    )
    for choice in question.choices:
        _fits(Choice, {"value": choice.value, **_translated("label", choice.label)}, where, links)
    for column in question.columns:
        _question_fits(column, where, links)
