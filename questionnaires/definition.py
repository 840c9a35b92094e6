"""A questionnaire in memory, and as the file the Secretariat imports and exports.

Everything the platform derives from a questionnaire (forms, validation, the missing-items list,
answers pages, the PDF, mails, exports, the data download) reads a `Definition`: frozen,
language-independent (each text carries its English and French), built once per version.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from . import checks
from .models import (
    COLUMN_ROLES,
    RESERVED_KEYS,
    ROLE_KINDS,
    Choice,
    FileTypes,
    Kind,
    Question,
    Questionnaire,
    Role,
    Step,
)
from .validators import validate_key

LANGUAGES = ("en", "fr")
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Text:
    """A text in each language; reads as the active language's, English where it is missing."""

    en: str = ""
    fr: str = ""

    def __str__(self):
        language = (get_language() or "en")[:2]
        return getattr(self, language, "") or self.en

    def __bool__(self):
        return bool(self.en or self.fr)

    def as_dict(self):
        return {
            language: getattr(self, language) for language in LANGUAGES if getattr(self, language)
        }


@dataclass(frozen=True)
class ChoiceDef:
    value: str
    label: Text


@dataclass(frozen=True)
class QuestionDef:
    key: str
    kind: str
    label: Text
    help: Text = Text()
    required: bool = True
    role: str = ""
    identifying: bool = False
    word_limit: int | None = None
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    max_rows: int | None = None
    file_types: str = ""
    choices: tuple[ChoiceDef, ...] = ()
    columns: tuple["QuestionDef", ...] = ()
    named_check: str = ""

    @property
    def is_file(self):
        return self.kind in (Kind.FILE, Kind.FILES)

    @property
    def is_rows(self):
        return self.kind == Kind.ROWS

    def choice_label(self, value):
        return next((str(c.label) for c in self.choices if c.value == value), value)

    def column_with_role(self, role):
        return next((c for c in self.columns if c.role == role), None)

    def column_with_key(self, key):
        return next((c for c in self.columns if c.key == key), None)


@dataclass(frozen=True)
class StepDef:
    key: str
    title: Text
    intro: Text = Text()
    questions: tuple[QuestionDef, ...] = ()

    @property
    def has_files(self):
        return any(q.is_file for q in self.questions)


@dataclass(frozen=True)
class Definition:
    name: str
    steps: tuple[StepDef, ...]
    pk: int | None = None
    version: int = 1
    extra: dict = field(default_factory=dict, compare=False)

    @cached_property
    def questions(self):
        return tuple(q for step in self.steps for q in step.questions)

    @cached_property
    def by_key(self):
        return {q.key: q for q in self.questions}

    @cached_property
    def step_of(self):
        return {q.key: step for step in self.steps for q in step.questions}

    def step(self, key):
        return next((step for step in self.steps if step.key == key), None)

    def with_role(self, role):
        return next((q for q in self.questions if q.role == role), None)


# ---- The file format -------------------------------------------------------------------------


def _text(value, where):
    if isinstance(value, str):
        return Text(en=value)
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise ValidationError(_('%(where)s: a text must be {"en": …, "fr": …}.') % {"where": where})
    return Text(**{language: value.get(language, "") for language in LANGUAGES})


def _number(value, where):
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ValidationError(
            _("%(where)s: “%(value)s” is not a number.") % {"where": where, "value": value}
        ) from None


def _flag(data, name, default, where):
    """A yes-or-no setting, written true or false: "no" or 0 is not taken for yes."""
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise ValidationError(
            _("%(where)s: “%(name)s” is true or false.") % {"where": where, "name": name}
        )
    return value


def _whole(data, name, where):
    """A count (a word limit, a number of rows): a whole number, or absent. The model's own
    checks then judge its range, as for a question made in the admin."""
    value = data.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            _("%(where)s: “%(name)s” is a whole number.") % {"where": where, "name": name}
        )
    return value


def _items(value, where, what):
    """A list in the file (absent is empty); anything else is named, not iterated."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValidationError(
            _("%(where)s: “%(what)s” must be a list of objects.") % {"where": where, "what": what}
        )
    return value


def _question(data, where, *, in_rows=False, rows_role=""):
    if not isinstance(data, dict):
        raise ValidationError(_("%(where)s: a question must be an object.") % {"where": where})
    key = str(data.get("key", ""))
    where = f"{where} “{key}”"
    try:
        validate_key(key)
    except ValidationError as error:
        raise ValidationError(
            _("%(where)s: %(problem)s") % {"where": where, "problem": error.messages[0]}
        ) from None
    kind = data.get("kind")
    if kind not in Kind.values or (in_rows and kind in (Kind.ROWS, Kind.FILE, Kind.FILES)):
        raise ValidationError(
            _("%(where)s: “%(kind)s” is not a kind of question here.")
            % {"where": where, "kind": kind}
        )
    if key in RESERVED_KEYS:
        raise ValidationError(
            _("%(where)s: “%(key)s” is a name the form uses itself.") % {"where": where, "key": key}
        )
    role = data.get("role") or ""
    if role and role in Role.values and kind not in ROLE_KINDS[role]:
        raise ValidationError(
            _("%(where)s: the role “%(role)s” needs another kind of question.")
            % {"where": where, "role": Role(role).label}
        )
    if role and (
        role not in Role.values
        or (role in COLUMN_ROLES) != in_rows
        or (in_rows and rows_role != Role.PARTNERS)
    ):
        raise ValidationError(
            _("%(where)s: “%(role)s” is not a role here.") % {"where": where, "role": role}
        )
    file_types = data.get("file_types") or ""
    if file_types and file_types not in FileTypes.values:
        raise ValidationError(
            _("%(where)s: unknown file types “%(types)s”.") % {"where": where, "types": file_types}
        )
    label = _text(data.get("label"), where)
    if not label.en:
        raise ValidationError(_("%(where)s: the English label is missing.") % {"where": where})
    choices = tuple(
        ChoiceDef(value=str(choice.get("value", "")), label=_text(choice.get("label"), where))
        for choice in _items(data.get("choices"), where, "choices")
    )
    if len({c.value for c in choices}) != len(choices) or any(not c.value for c in choices):
        raise ValidationError(_("%(where)s: each choice needs its own value.") % {"where": where})
    columns = tuple(
        _question(column, f"{where} →", in_rows=True, rows_role=role)
        for column in _items(data.get("columns"), where, "columns")
    )
    if kind == Kind.ROWS and not columns:
        raise ValidationError(_("%(where)s: repeating rows need columns.") % {"where": where})
    _unique([c.key for c in columns], where)
    column_roles = [c.role for c in columns if c.role]
    if len(column_roles) != len(set(column_roles)):
        raise ValidationError(
            _("%(where)s: a role is given to one column only.") % {"where": where}
        )
    if role == Role.PARTNERS and Role.PARTNER_NAME not in column_roles:
        raise ValidationError(
            _("%(where)s: the partners need a column for their name.") % {"where": where}
        )
    named_check = data.get("check") or ""
    if named_check and (
        in_rows or not isinstance(named_check, str) or not checks.named(named_check)
    ):
        raise ValidationError(
            _("%(where)s: “%(check)s” is not a check this site knows (it knows %(known)s).")
            % {"where": where, "check": named_check, "known": ", ".join(sorted(checks.REGISTRY))}
        )
    question = QuestionDef(
        key=key,
        kind=kind,
        label=label,
        help=_text(data.get("help") or {}, where),
        required=_flag(data, "required", True, where),
        role=role,
        identifying=_flag(data, "identifying", False, where),
        word_limit=_whole(data, "word_limit", where),
        min_value=_number(data.get("min"), where),
        max_value=_number(data.get("max"), where),
        max_rows=_whole(data, "max_rows", where),
        file_types=file_types,
        choices=choices,
        columns=columns,
        named_check=named_check,
    )
    if named_check and (misfit := checks.named(named_check).misfit(question)):
        raise ValidationError(_("%(where)s: %(problem)s") % {"where": where, "problem": misfit})
    return question


def _unique(keys, where):
    seen = set()
    for key in keys:
        if key in seen:
            raise ValidationError(
                _("%(where)s: the key “%(key)s” is used twice.") % {"where": where, "key": key}
            )
        seen.add(key)


def from_dict(data):
    """A Definition from the file format; ValidationError names the first thing wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("steps"), list) or not data["steps"]:
        raise ValidationError(_("A questionnaire file has a name and a list of steps."))
    steps = []
    for number, step in enumerate(data["steps"], start=1):
        where = _("Step %(number)d") % {"number": number}
        if not isinstance(step, dict) or not step.get("key"):
            raise ValidationError(_("%(where)s: a step needs a key.") % {"where": where})
        questions = tuple(
            _question(q, where) for q in _items(step.get("questions"), where, "questions")
        )
        files = [q.kind in (Kind.FILE, Kind.FILES) for q in questions]
        if any(files) and not all(files):
            # The application form asks a step's files on a page of their own.
            raise ValidationError(
                _("%(where)s: a step with file questions holds only file questions.")
                % {"where": where}
            )
        steps.append(
            StepDef(
                key=str(step["key"]),
                title=_text(step.get("title"), where),
                intro=_text(step.get("intro") or {}, where),
                questions=questions,
            )
        )
    _unique([s.key for s in steps], _("Steps"))
    _unique([q.key for s in steps for q in s.questions], _("Questions"))
    roles = [q.role for s in steps for q in s.questions if q.role]
    if len(roles) != len(set(roles)):
        raise ValidationError(_("A role is given to one question only."))
    return Definition(name=str(data.get("name") or _("Questionnaire")), steps=tuple(steps))


def _question_dict(q):
    data = {"key": q.key, "kind": q.kind, "label": q.label.as_dict()}
    if q.help:
        data["help"] = q.help.as_dict()
    if not q.required:
        data["required"] = False
    for name in ("role", "identifying", "word_limit", "max_rows", "file_types"):
        if getattr(q, name):
            data[name] = getattr(q, name)
    if q.min_value is not None:
        data["min"] = str(q.min_value)
    if q.max_value is not None:
        data["max"] = str(q.max_value)
    if q.choices:
        data["choices"] = [{"value": c.value, "label": c.label.as_dict()} for c in q.choices]
    if q.columns:
        data["columns"] = [_question_dict(c) for c in q.columns]
    if q.named_check:
        data["check"] = q.named_check
    return data


def as_dict(definition):
    return {
        "format": FORMAT_VERSION,
        "name": definition.name,
        "steps": [
            {
                "key": step.key,
                "title": step.title.as_dict(),
                **({"intro": step.intro.as_dict()} if step.intro else {}),
                "questions": [_question_dict(q) for q in step.questions],
            }
            for step in definition.steps
        ],
    }


def as_json(definition):
    return json.dumps(as_dict(definition), ensure_ascii=False, indent=2) + "\n"


# ---- Rows in the database --------------------------------------------------------------------


def _translated(text):
    return {"": text.en, "_en": text.en, "_fr": text.fr}


def _with_languages(name, text):
    return {f"{name}{suffix}": value for suffix, value in _translated(text).items()}


@transaction.atomic
def save(definition, previous=None, apps=None):
    """Write `definition` as a new Questionnaire (the next version of `previous`, if given).
    A data migration passes its `apps`, so that the rows are written as they were then."""
    models = _Models(apps)
    questionnaire = models.Questionnaire.objects.create(
        name=definition.name,
        version=previous.version + 1 if previous else 1,
        previous=previous,
    )
    for step_position, step in enumerate(definition.steps, start=1):
        step_row = models.Step.objects.create(
            questionnaire=questionnaire,
            position=step_position,
            key=step.key,
            **_with_languages("title", step.title),
            **_with_languages("intro", step.intro),
        )
        for position, question in enumerate(step.questions, start=1):
            _save_question(models, questionnaire, step_row, None, position, question)
    return questionnaire


class _Models:
    def __init__(self, apps):
        for name, model in [
            ("Questionnaire", Questionnaire),
            ("Step", Step),
            ("Question", Question),
            ("Choice", Choice),
        ]:
            setattr(self, name, apps.get_model("questionnaires", name) if apps else model)


def _save_question(models, questionnaire, step, row_of, position, q):
    row = models.Question.objects.create(
        questionnaire=questionnaire,
        step=step,
        row_of=row_of,
        position=position,
        **{name: getattr(q, name) for name in SAME_NAMES},
        **_with_languages("label", q.label),
        **_with_languages("help_text", q.help),
    )
    models.Choice.objects.bulk_create(
        models.Choice(question=row, position=n, value=c.value, **_with_languages("label", c.label))
        for n, c in enumerate(q.choices, start=1)
    )
    for n, column in enumerate(q.columns, start=1):
        _save_question(models, questionnaire, None, row, n, column)


# What a question's row and its QuestionDef both hold under the same name.
SAME_NAMES = (
    "key",
    "kind",
    "required",
    "role",
    "identifying",
    "word_limit",
    "min_value",
    "max_value",
    "max_rows",
    "file_types",
    "named_check",
)


def _text_of(row, name):
    return Text(en=getattr(row, f"{name}_en") or "", fr=getattr(row, f"{name}_fr") or "")


def _question_def(row, choices, columns):
    return QuestionDef(
        label=_text_of(row, "label"),
        help=_text_of(row, "help_text"),
        **{name: getattr(row, name) for name in SAME_NAMES},
        choices=tuple(ChoiceDef(c.value, _text_of(c, "label")) for c in choices.get(row.pk, ())),
        columns=tuple(
            _question_def(column, choices, columns) for column in columns.get(row.pk, ())
        ),
    )


def build(questionnaire_id):
    """Read a questionnaire's rows into a Definition (four queries)."""
    questionnaire = Questionnaire.objects.get(pk=questionnaire_id)
    steps = list(Step.objects.filter(questionnaire=questionnaire))
    questions = list(Question.objects.filter(questionnaire=questionnaire))
    choices, columns, by_step = {}, {}, {}
    for choice in Choice.objects.filter(question__questionnaire=questionnaire):
        choices.setdefault(choice.question_id, []).append(choice)
    for question in questions:
        if question.row_of_id:
            columns.setdefault(question.row_of_id, []).append(question)
        elif question.step_id:
            by_step.setdefault(question.step_id, []).append(question)
    return Definition(
        pk=questionnaire.pk,
        version=questionnaire.version,
        name=questionnaire.name,
        steps=tuple(
            StepDef(
                key=step.key,
                title=_text_of(step, "title"),
                intro=_text_of(step, "intro"),
                questions=tuple(
                    _question_def(q, choices, columns) for q in by_step.get(step.pk, ())
                ),
            )
            for step in steps
        ),
    )


# Definitions change only through the admin, which bumps `updated_at`; each process keeps the
# ones it read (they are small), keyed by that moment, so a page reads no questionnaire rows.
_built = {}


def definition(questionnaire_id, stamp=None):
    """The version's Definition, built once per process and per change. `stamp` is its
    `updated_at` where the caller has read it already (one query fewer)."""
    if stamp is None:
        stamp = (
            Questionnaire.objects.filter(pk=questionnaire_id)
            .values_list("updated_at", flat=True)
            .first()
        )
    key = (questionnaire_id, stamp)
    if key not in _built:
        if len(_built) > 200:
            _built.clear()
        _built[key] = build(questionnaire_id)
    return _built[key]
