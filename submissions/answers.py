"""An application's answers and the questionnaire they answer.

The answers live in `ExpressionOfInterest.answers`, keyed by question. The few the platform reads
itself (a question's role: title, organisation, amount…) are copied to columns as they are
saved, so lists, filters, sorts and the dashboard never open the answers.
"""

from django.utils.translation import gettext as _

from questionnaires import checks
from questionnaires import definition as definitions
from questionnaires.answers import as_text, cell_text, country_name, is_answered, row_as_text
from questionnaires.models import Kind, Role

from .balance import figures

# Which column holds each role's answer.
COLUMNS = {
    Role.TITLE: "title",
    Role.ORGANISATION: "organisation_name",
    Role.ORGANISATION_TYPE: "organisation_type",
    Role.ORGANISATION_COUNTRY: "organisation_country",
    Role.COUNTRIES: "countries",
    Role.AMOUNT: "budget_requested",
    Role.DURATION: "duration_months",
}
BLANK = {"countries": [], "budget_requested": None, "duration_months": None}
# The figures computed from the answers (submissions.partners.figures), stored beside them.
FIGURES = ("local_share", "lead_is_local", "partners_named")


def stamp_of(instance, relation):
    """The related questionnaire's `updated_at` where it came with `instance` (select_related),
    so that checking the built definition is current costs no query."""
    descriptor = getattr(type(instance), relation)
    if not descriptor.is_cached(instance):
        return None
    questionnaire = getattr(instance, relation)
    return questionnaire.updated_at if questionnaire else None


def asked(call):
    """The call's questionnaire as it is asked now, read once per call object: a page asks it
    several times, and each read checks the questionnaire's stamp (a query, unless the call
    was read with its questionnaire)."""
    held = getattr(call, "_asked", None)
    if held is None or held.pk != call.questionnaire_id:
        stamp = stamp_of(call, "questionnaire")
        held = call._asked = definitions.definition(call.questionnaire_id, stamp)
    return held


def answered(eoi):
    """The questionnaire the EOI's answers were given in (drafts move to the call's current
    one when next saved or submitted)."""
    if eoi.questionnaire_id:
        return definitions.definition(eoi.questionnaire_id, stamp_of(eoi, "questionnaire"))
    return asked(eoi.call)


def edited_in(eoi):
    """The questionnaire the EOI is filled in: a draft the call's current one (it moves there
    when saved), a submitted EOI the one it was submitted in, whose checks it passed."""
    if eoi.status == eoi.Status.DRAFT:
        return asked(eoi.call)
    held = getattr(eoi, "_edited_in", None)
    if held is None or held.pk != eoi.questionnaire_id:
        held = eoi._edited_in = answered(eoi)
    return held


def counterpart(source, question):
    """The question of `source` (a Definition) that `question`, of another questionnaire,
    asks again: of the same role where it has one, else of the same key; of the same kind."""
    asked = (question.role and source.with_role(question.role)) or source.by_key.get(question.key)
    return asked if asked is not None and asked.kind == question.kind else None


def columns(definition, answers):
    """The role columns' values for these answers."""
    values = {}
    for role, column in COLUMNS.items():
        question = definition.with_role(role)
        value = answers.get(question.key) if question else None
        if question and not is_answered(question, value):
            value = None  # unanswered, or given under a version that asked another kind
        values[column] = value if value is not None else BLANK.get(column, "")
    values.update(
        figures(
            definition,
            answers,
            countries=values["countries"],
            lead_country=values["organisation_country"],
        )
    )
    return values


def challenge_numbers(definition, answers):
    question = definition.with_role(Role.CHALLENGES)
    if not question or not is_answered(question, answers.get(question.key)):
        return []
    return [int(v) for v in answers[question.key] if v.isdigit()]


def challenge_titles(call):
    return {str(c.number): f"{c.number}. {c.title}" for c in call.challenges.all()}


def readable(eoi, files=None, challenges=None):
    """The answers as the answers page, PDF, mails and exports show them: a list of steps,
    each its title and its items in order: the question, its answer as text, its rows (and
    the same without what identifies anyone, for blind review) and its files."""
    definition = answered(eoi)
    challenges = challenge_titles(eoi.call) if challenges is None else challenges
    files = files if files is not None else {}
    shown = []
    for step in definition.steps:
        items = []
        for question in step.questions:
            value = eoi.answers.get(question.key)
            item = {
                "question": question,
                "text": "",
                "rows": [],
                "reviewer_rows": [],
                "blind_rows": [],
                "files": [],
                "summary": None,
            }
            if question.is_file:
                item["files"] = files.get(question.key, [])
            elif question.is_rows:
                rows = value if is_answered(question, value) else []
                item["rows"] = [row_as_text(question, row) for row in rows]
                # Who spends the budget names partners: the document's, not a blind review's.
                item["summary"] = checks.summary(question, rows)
                if question.role == Role.PARTNERS:
                    item["reviewer_rows"] = [reviewer_row(question, row) for row in rows]
                    item["blind_rows"] = [reviewer_row(question, row, blind=True) for row in rows]
                else:
                    item["reviewer_rows"] = item["rows"]
                    item["blind_rows"] = [row_as_text(question, row, blind=True) for row in rows]
            elif is_answered(question, value):
                item["text"] = as_text(question, value, challenges)
            items.append(item)
        shown.append({"step": step, "items": items})
    return shown


def unnamed_partner(country):
    """How reviewers read a partner that asked not to be named."""
    return _("A partner based in %(country)s") % {
        "country": country_name(country) if country else _("an unnamed country")
    }


def _asks_not_to_be_named(question, row):
    column = question.column_with_role(Role.PARTNER_NOT_NAMED)
    return column is not None and row.get(column.key) is True


def _row_country(question, row):
    column = question.column_with_role(Role.PARTNER_COUNTRY)
    value = row.get(column.key) if column else None
    return value if isinstance(value, str) else ""


def reviewer_row(question, row, blind=False):
    """A partner's row as reviewers read it: never its address; a partner that asked not to be
    named (every partner, in a blind review) as "A partner based in <country>"."""
    hidden = blind or _asks_not_to_be_named(question, row)
    shown = []
    for column in question.columns:
        if column.role in (Role.PARTNER_EMAIL, Role.PARTNER_NOT_NAMED):
            continue
        if column.role == Role.PARTNER_NAME and hidden:
            shown.append(unnamed_partner(_row_country(question, row)))
            continue
        if column.identifying and hidden:
            continue
        if text := cell_text(column, row.get(column.key)):
            shown.append(text)
    return " · ".join(shown)


def named_organisations(eoi, for_reviewers=False):
    """Whom the EOI names beside its lead organisation, as a conflict-of-interest check reads
    them: each repeating question with a short-text column that identifies someone (for 2021,
    the partners), with, per row, those names and the row's countries."""
    found = []
    for question in answered(eoi).questions:
        names = [c for c in question.columns if c.identifying and c.kind == Kind.SHORT_TEXT]
        if not question.is_rows or not names:
            continue
        places = [c for c in question.columns if c.kind == Kind.COUNTRY]
        value = eoi.answers.get(question.key)
        rows = []
        for row in value if is_answered(question, value) else []:
            named = [
                row[c.key].strip()
                for c in names
                if isinstance(row.get(c.key), str) and row[c.key].strip()
            ]
            if named and for_reviewers and _asks_not_to_be_named(question, row):
                named = [unnamed_partner(_row_country(question, row))]
            if named:
                countries = [as_text(c, row.get(c.key)) for c in places]
                rows.append({"names": named, "countries": [c for c in countries if c]})
        found.append({"question": question, "rows": rows})
    return found


def tidy_name(name):
    """A name as it is kept: spaces trimmed and single."""
    return " ".join(str(name).split())


def same_name(name):
    """A name as conflicts of interest compare it: tidied, any capitals."""
    return tidy_name(name).casefold()


def organisation_names(eoi):
    """The lead organisation's and the partners' names, compared as `same_name` does."""
    names = [eoi.organisation_name]
    names += [
        name for part in named_organisations(eoi) for row in part["rows"] for name in row["names"]
    ]
    return {same_name(name) for name in names if same_name(name)}


def for_download(eoi):
    """The answers for the applicant's data download: each question and its answer as read."""
    return [
        {
            "step": str(part["step"].title),
            "question": str(item["question"].label),
            "answer": (
                [a.original_name for a in item["files"]]
                if item["question"].is_file
                else item["rows"]
                if item["question"].is_rows
                else item["text"]
            ),
        }
        for part in eoi.readable_answers()
        for item in part["items"]
    ]
