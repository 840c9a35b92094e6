"""The 2021 call's questions are defined once, in its questionnaire file, and ask what the 2021
form asked: the same questions, the same limits, the same required answers."""

import json
import os
import re
from pathlib import Path

import pytest

from questionnaires.models import Kind, Role
from submissions.answers import asked
from submissions.kmf2021 import (
    PROPOSAL_FILE,
    QUESTIONNAIRE_FILE,
    load_2021_call,
    questionnaire_2021,
)

ROOT = Path(__file__).resolve().parents[2]


def test_the_2021_questionnaire_asks_what_the_2021_form_asked():
    definition = questionnaire_2021()
    assert [step.key for step in definition.steps] == [
        "organisation",
        "project",
        "challenges",
        "budget",
        "attachments",
    ]
    limits = {q.key: q.word_limit for q in definition.questions if q.word_limit}
    assert limits == {
        "summary": 200,
        "problem_context": 400,
        "activities_timeline": 300,
        "outcomes_uptake": 300,
        "asymmetry": 500,
    }
    required = {q.key for q in definition.questions if q.required}
    assert required == {
        "organisation_name",
        "organisation_type",
        "organisation_country",
        "title",
        "summary",
        "problem_context",
        "activities_timeline",
        "outcomes_uptake",
        "countries",
        "duration_months",
        "challenges",
        "asymmetry",
        "budget_requested",
        "personnel_share",
        "budget",
    }
    assert definition.by_key["personnel_share"].max_value == 30
    assert definition.by_key["supporting"].max_rows == 10
    assert definition.by_key["partners"].max_rows == 20
    assert [c.key for c in definition.by_key["partners"].columns] == [
        "name",
        "country",
        "role",
        "budget_share",
        "locally_led",
        "email",
        "not_named",
    ]
    roles = {q.role: q.key for q in definition.questions if q.role}
    assert roles == {
        Role.ORGANISATION: "organisation_name",
        Role.ORGANISATION_TYPE: "organisation_type",
        Role.ORGANISATION_COUNTRY: "organisation_country",
        Role.TITLE: "title",
        Role.COUNTRIES: "countries",
        Role.DURATION: "duration_months",
        Role.CHALLENGES: "challenges",
        Role.AMOUNT: "budget_requested",
        Role.PARTNERS: "partners",
    }
    # The partners' columns carry theirs: each partner confirms its row (submissions.partners).
    assert {c.role: c.key for c in definition.by_key["partners"].columns} == {
        Role.PARTNER_NAME: "name",
        Role.PARTNER_COUNTRY: "country",
        Role.PARTNER_ROLE: "role",
        Role.PARTNER_SHARE: "budget_share",
        Role.PARTNER_LOCALLY_LED: "locally_led",
        Role.PARTNER_EMAIL: "email",
        Role.PARTNER_NOT_NAMED: "not_named",
    }
    assert definition.by_key["budget"].kind == Kind.FILE
    # Every label and help text is in English and in French.
    texts = [q.label for q in definition.questions] + [
        c.label for q in definition.questions for c in q.columns
    ]
    assert all(text.en and text.fr for text in texts)


@pytest.mark.django_db
def test_load_2021_call_gives_the_call_its_questionnaire_once():
    call, created = load_2021_call()
    again, created_again = load_2021_call()
    assert (created, created_again) == (True, False)
    assert again.questionnaire_id == call.questionnaire_id
    assert asked(call).steps == questionnaire_2021().steps


def _labels():
    data = json.loads(QUESTIONNAIRE_FILE.read_text(encoding="utf-8"))
    for step in data["steps"]:
        for question in step["questions"]:
            for part in [question, *question.get("columns", [])]:
                for text in [part["label"], part.get("help", {})]:
                    yield from text.values()


# Single words the platform says in its own name too (a sign-up's "Country").
OWN_WORDS = {"Country", "Pays"}


def test_no_2021_question_label_is_written_outside_its_questionnaire_file():
    """Labels and help texts, English and French, as quoted strings or template text anywhere in
    the code, templates, scripts and catalogues (migrations keep the history, tests aside); the
    full proposal's file, a questionnaire too, may ask some of them again."""
    skipped = {".git", ".venv", "node_modules", "tests", "migrations", "var", "staticfiles"}
    files = []
    for folder, folders, names in os.walk(ROOT):
        folders[:] = [name for name in folders if name not in skipped]
        files += [
            (Path(folder) / name).relative_to(ROOT).as_posix()
            for name in names
            if name.rsplit(".", 1)[-1] in {"py", "html", "txt", "js", "po", "json"}
            and Path(folder) / name not in (QUESTIONNAIRE_FILE, PROPOSAL_FILE)
        ]
    sources = {f: (ROOT / f).read_text(encoding="utf-8") for f in files}
    found = []
    for label in set(_labels()) - OWN_WORDS:
        # As written in code or a catalogue ("Label", 'label') or between tags (>Label<).
        # Lower-cased too, as model fields once named them ("problem and context"); a one-word
        # label lower-cased is a question's key, which may be written anywhere.
        variants = {label, label[0].lower() + label[1:]} if " " in label else {label}
        pattern = re.compile("|".join(rf"[\"'>]{re.escape(v)}[\"'<]" for v in variants))
        found += [f"{name}: {label}" for name, text in sources.items() if pattern.search(text)]
    assert found == []
