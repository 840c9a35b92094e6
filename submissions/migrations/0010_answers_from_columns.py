"""Every call asked the 2021 questions, written in columns: each gets the 2021 questionnaire, and
each EOI's answers move, all of them, into `answers` under the same keys.

Self-contained, so that it does the same whatever the code becomes: the 2021 questionnaire is a
frozen copy of the file as it was then (_0010_kmf_2021_eoi.json, never edited; the seed beside
the code may change), written by the few lines below through the models as they were here.

Backwards, the answers go back into the columns that 0011 drops (reversed first, it gives them
back empty): the texts, the website, the personnel share, the partners and the attachments'
kind, read under the 2021 keys. A noop would be truthful only while 0011 is not applied: from
then on `answers` is the only copy, and answers given since exist nowhere else. What does not
map is left out: keys a later version asks, and values that do not fit a column (the columns of
lists and roles, title to challenges, are kept up to date on every save and stay as they are).
The questionnaires stay; reversing 0009 drops `answers` and the calls' link to them.
"""

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import migrations
from django.db.models import Case, F, Value, When

DEFINITION = Path(__file__).resolve().parent / "_0010_kmf_2021_eoi.json"
TEXTS = [
    "organisation_name",
    "organisation_type",
    "organisation_website",
    "title",
    "summary",
    "problem_context",
    "activities_timeline",
    "outcomes_uptake",
    "asymmetry",
]
# The columns 0011 drops, which only `answers` holds from then on.
DROPPED_TEXTS = [
    "organisation_website",
    "summary",
    "problem_context",
    "activities_timeline",
    "outcomes_uptake",
    "asymmetry",
]
BATCH = 500


def forward(apps, schema_editor):
    Call = apps.get_model("submissions", "Call")
    EOI = apps.get_model("submissions", "ExpressionOfInterest")
    Partner = apps.get_model("submissions", "Partner")
    Attachment = apps.get_model("submissions", "Attachment")
    # The file questions of the 2021 questionnaire are named like the old kinds.
    Attachment.objects.update(question=F("kind"))
    for call in Call.objects.filter(questionnaire=None):
        call.questionnaire = write_questionnaire(apps, read_definition())
        call.save(update_fields=["questionnaire"])
    challenges = dict(
        apps.get_model("submissions", "Challenge").objects.values_list("pk", "number")
    )
    partners = {}
    for partner in Partner.objects.order_by("pk"):
        partners.setdefault(partner.eoi_id, []).append(
            {
                "name": partner.name,
                "country": partner.country.code,
                "role": partner.role,
                "locally_led": partner.locally_led,
            }
        )
    chosen = {}
    for eoi_id, challenge_id in EOI.challenges.through.objects.values_list(
        "expressionofinterest_id", "challenge_id"
    ):
        chosen.setdefault(eoi_id, []).append(str(challenges[challenge_id]))
    questionnaires = dict(Call.objects.values_list("pk", "questionnaire_id"))
    batch = []
    for eoi in EOI.objects.order_by("pk").iterator(chunk_size=BATCH):
        answers = {name: getattr(eoi, name) for name in TEXTS if getattr(eoi, name)}
        if eoi.organisation_country:
            answers["organisation_country"] = eoi.organisation_country.code
        if eoi.countries:
            answers["countries"] = [country.code for country in eoi.countries]
        if eoi.duration_months is not None:
            answers["duration_months"] = eoi.duration_months
        if eoi.budget_requested is not None:
            answers["budget_requested"] = f"{eoi.budget_requested:.2f}"
        if eoi.personnel_share is not None:
            answers["personnel_share"] = f"{eoi.personnel_share:.2f}"
        if eoi.pk in chosen:
            answers["challenges"] = sorted(chosen[eoi.pk], key=int)
        if eoi.pk in partners:
            answers["partners"] = partners[eoi.pk]
        eoi.answers = answers
        eoi.questionnaire_id = questionnaires[eoi.call_id]
        batch.append(eoi)
        if len(batch) == BATCH:
            EOI.objects.bulk_update(batch, ["answers", "questionnaire"])
            batch = []
    EOI.objects.bulk_update(batch, ["answers", "questionnaire"])


def read_definition():
    return json.loads(DEFINITION.read_text(encoding="utf-8"))


def texts(name, text):
    """A text of the file ({"en": …, "fr": …} or a string) in its model's columns."""
    text = {"en": text} if isinstance(text, str) else text or {}
    english = text.get("en", "")
    return {name: english, f"{name}_en": english, f"{name}_fr": text.get("fr", "")}


def number(value):
    return None if value is None else Decimal(str(value))


def write_questionnaire(apps, data):
    """The questionnaire file as rows, version 1."""
    Questionnaire = apps.get_model("questionnaires", "Questionnaire")
    Step = apps.get_model("questionnaires", "Step")
    questionnaire = Questionnaire.objects.create(name=data["name"], version=1)
    for position, step in enumerate(data["steps"], start=1):
        row = Step.objects.create(
            questionnaire=questionnaire,
            position=position,
            key=step["key"],
            **texts("title", step["title"]),
            **texts("intro", step.get("intro")),
        )
        for n, question in enumerate(step.get("questions") or [], start=1):
            write_question(apps, questionnaire, row, None, n, question)
    return questionnaire


def write_question(apps, questionnaire, step, row_of, position, data):
    Question = apps.get_model("questionnaires", "Question")
    Choice = apps.get_model("questionnaires", "Choice")
    row = Question.objects.create(
        questionnaire=questionnaire,
        step=step,
        row_of=row_of,
        position=position,
        key=data["key"],
        kind=data["kind"],
        required=bool(data.get("required", True)),
        role=data.get("role") or "",
        identifying=bool(data.get("identifying", False)),
        word_limit=data.get("word_limit"),
        min_value=number(data.get("min")),
        max_value=number(data.get("max")),
        max_rows=data.get("max_rows"),
        file_types=data.get("file_types") or "",
        **texts("label", data["label"]),
        **texts("help_text", data.get("help")),
    )
    Choice.objects.bulk_create(
        Choice(question=row, position=n, value=choice["value"], **texts("label", choice["label"]))
        for n, choice in enumerate(data.get("choices") or [], start=1)
    )
    for n, column in enumerate(data.get("columns") or [], start=1):
        write_question(apps, questionnaire, None, row, n, column)


def backward(apps, schema_editor):
    EOI = apps.get_model("submissions", "ExpressionOfInterest")
    Partner = apps.get_model("submissions", "Partner")
    Attachment = apps.get_model("submissions", "Attachment")
    # Any file but the budget is a supporting document: the only other kind there was.
    Attachment.objects.update(
        kind=Case(When(question="budget", then=Value("budget")), default=Value("supporting"))
    )
    fields = {name: EOI._meta.get_field(name) for name in DROPPED_TEXTS}
    # `answers` is the one copy since this migration: the partners are made again from it.
    Partner.objects.all().delete()
    batch, partners = [], []
    for eoi in EOI.objects.order_by("pk").iterator(chunk_size=BATCH):
        answers = eoi.answers if isinstance(eoi.answers, dict) else {}
        for name, field in fields.items():
            value = answers.get(name)
            fits = isinstance(value, str) and len(value) <= (field.max_length or len(value))
            setattr(eoi, name, value if fits else "")
        eoi.personnel_share = share(answers.get("personnel_share"))
        partners.extend(
            Partner(eoi_id=eoi.pk, **row) for row in partner_rows(answers.get("partners"))
        )
        batch.append(eoi)
        if len(batch) == BATCH:
            EOI.objects.bulk_update(batch, [*DROPPED_TEXTS, "personnel_share"])
            Partner.objects.bulk_create(partners)
            batch, partners = [], []
    EOI.objects.bulk_update(batch, [*DROPPED_TEXTS, "personnel_share"])
    Partner.objects.bulk_create(partners)


def share(value):
    """A percentage as the column held it (five digits, two after the point), or None."""
    try:
        number = Decimal(value).quantize(Decimal("0.01"))
    except (TypeError, ValueError, InvalidOperation):
        return None
    return number if abs(number) < 1000 else None


def partner_rows(rows):
    """The partners' rows that fit the Partner columns as they were."""
    if not isinstance(rows, list):
        return []
    kept = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        name, country, role = (row.get(key) for key in ("name", "country", "role"))
        role = role if isinstance(role, str) else ""
        if not (isinstance(name, str) and 0 < len(name) <= 200 and len(role) <= 300):
            continue
        if not (isinstance(country, str) and len(country) == 2):
            continue
        kept.append(
            {
                "name": name,
                "country": country,
                "role": role,
                "locally_led": row.get("locally_led") is True,
            }
        )
    return kept


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0001_initial"),
        ("submissions", "0009_questionnaire_answers"),
    ]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
