"""Every call asked the 2021 questions, written in columns: each gets the 2021 questionnaire, and
each EOI's answers move, all of them, into `answers` under the same keys."""

import json
from pathlib import Path

from django.db import migrations

DEFINITION = Path(__file__).resolve().parent.parent / "seed" / "kmf-2021-eoi.json"
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
BATCH = 500


def forward(apps, schema_editor):
    from questionnaires import definition as definitions

    Call = apps.get_model("submissions", "Call")
    EOI = apps.get_model("submissions", "ExpressionOfInterest")
    Partner = apps.get_model("submissions", "Partner")
    Attachment = apps.get_model("submissions", "Attachment")
    Attachment.objects.update(question=models_kind())
    for call in Call.objects.filter(questionnaire=None):
        asked = definitions.from_dict(json.loads(DEFINITION.read_text(encoding="utf-8")))
        call.questionnaire = definitions.save(asked, apps=apps)
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


def models_kind():
    from django.db.models import F

    # The file questions of the 2021 questionnaire are named like the old kinds.
    return F("kind")


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0001_initial"),
        ("submissions", "0009_questionnaire_answers"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=False)]
