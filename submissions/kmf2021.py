"""The 2021 call, "Asymmetric Power & Partnerships", loaded from the text the Secretariat published.

The text is kept verbatim in `seed/kmf-2021-call.txt`; `parse_call_text` turns it into a title,
a headline, a Markdown body and the list of challenges. Dates are demo dates that keep the call
open from the day it is first loaded; the Secretariat edits them (and everything else) afterwards.
"""

import json
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from questionnaires import definition as definitions
from questionnaires import versions
from questionnaires.models import Questionnaire

from . import budget_template, documents
from .models import Call, Challenge, Milestone, Question, Stage

SEED_FILE = Path(__file__).parent / "seed" / "kmf-2021-call.txt"
# The Secretariat's courtesy translation, already in Markdown; the English text prevails.
FRENCH_BODY_FILE = Path(__file__).parent / "seed" / "kmf-2021-call.fr.md"
# What the 2021 expression of interest asks, in the questionnaire file format (questionnaires/).
QUESTIONNAIRE_FILE = Path(__file__).parent / "seed" / "kmf-2021-eoi.json"
# What invited applicants answer in the full proposal, in the same format.
PROPOSAL_FILE = Path(__file__).parent / "seed" / "kmf-2021-proposal.json"
SLUG = "kmf-2021"
# Sent once the call is loaded (or found loaded): the review app adds the 2021 rubric.
loaded_2021_call = Signal()
TIME_ZONE = "Europe/Amsterdam"

# The text states the challenges as sentences; these short names are the ones applicants pick from.
CHALLENGE_TITLES = ["Multipolar world", "Space for local programming", "Devolving power"]

ELIGIBILITY = """\
Anyone may apply: individuals, consortia, think-tanks, NGOs and international NGOs, academics,
journalists and the private sector. Local organisations and initiatives led from the places they
concern are explicitly encouraged.

- Grants of up to **€20,000** for projects of about **9 months**: events, research, and
  innovation or other initiatives.
- Personnel costs may be at most 30% of the budget; overheads are not funded.
- Expressions of interest may be written in English or French.
"""

QUESTIONS = [
    (
        "Who can apply?",
        "Anyone: individuals, consortia, think-tanks, (I)NGOs, academics, journalists and the "
        "private sector, from any country.",
    ),
    (
        "How much can I ask for, and for how long?",
        "Up to €20,000 for a project of at most 9 months.",
    ),
    (
        "What may the budget contain?",
        "Download and fill in the [[budget-template]], then upload it with your expression of "
        "interest. It calculates your personnel share, which may be at most 30% of the budget. "
        "Overheads are not eligible.",
    ),
    (
        "When exactly is the deadline?",
        "At 23:59 Amsterdam time on the deadline day. This page also shows the deadline in your "
        "own time zone.",
    ),
    (
        "Can I submit more than one expression of interest?",
        "No: one expression of interest per applicant. You can edit it until the deadline.",
    ),
    (
        "In which language can I apply?",
        "In English or in French.",
    ),
    (
        "What happens after the deadline?",
        "The Secretariat and the Review Board score every expression of interest against the "
        "published criteria. Selected applicants are invited to submit a full proposal; every "
        "applicant hears the outcome, with feedback.",
    ),
]

FRENCH = {
    "title": "Fonds de gestion des connaissances 2021",
    "headline": "Pouvoir asymétrique et partenariats",
    "eligibility": """\
Tout le monde peut postuler : personnes, consortiums, groupes de réflexion, ONG et ONG
internationales, universitaires, journalistes et secteur privé. Les organisations et initiatives
locales, conduites depuis les lieux qu'elles concernent, sont expressément encouragées.

- Des subventions jusqu'à **20 000 €** pour des projets d'environ **9 mois** : événements,
  recherche, innovation ou autres initiatives.
- Les frais de personnel ne peuvent dépasser 30 % du budget ; les frais généraux ne sont pas
  financés.
- Les manifestations d'intérêt peuvent être rédigées en anglais ou en français.""",
    "challenges": [
        "Monde multipolaire",
        "Espace pour des programmes locaux",
        "Transférer le pouvoir",
    ],
    "milestones": {
        "Information webinar": "Webinaire d'information",
        "Cohort kick-off": "Lancement de la cohorte",
    },
    "questions": [
        (
            "Qui peut postuler ?",
            "Tout le monde : personnes, consortiums, groupes de réflexion, ONG et ONG "
            "internationales, universitaires, journalistes et secteur privé, de tout pays.",
        ),
        (
            "Combien puis-je demander, et pour quelle durée ?",
            "Jusqu'à 20 000 € pour un projet de 9 mois au plus.",
        ),
        (
            "Que peut contenir le budget ?",
            "Téléchargez et remplissez le [[budget-template-fr]], puis joignez-le à votre "
            "manifestation d'intérêt. Il calcule votre part de frais de personnel, qui ne peut "
            "dépasser 30\u00a0% du budget. Les frais généraux ne sont pas éligibles.",
        ),
        (
            "Quelle est l'heure exacte de la date limite ?",
            "23 h 59, heure d'Amsterdam, le jour de la date limite. Cette page indique aussi la "
            "date limite dans votre propre fuseau horaire.",
        ),
        (
            "Puis-je soumettre plus d'une manifestation d'intérêt ?",
            "Non : une manifestation d'intérêt par candidat. Vous pouvez la modifier jusqu'à la "
            "date limite.",
        ),
        (
            "Dans quelle langue puis-je postuler ?",
            "En anglais ou en français.",
        ),
        (
            "Que se passe-t-il après la date limite ?",
            "Le Secrétariat et le comité d'évaluation notent chaque manifestation d'intérêt selon "
            "les critères publiés. Les candidats retenus sont invités à soumettre une proposition "
            "complète ; chaque candidat est informé du résultat, avec un retour.",
        ),
    ],
}


# The KMF budget template, made by budget_template.build in each language: shown on the budget
# step, and the template that budget uploads are compared with.
BUDGET_TEMPLATES = [
    ("budget-template", "en", "kmf-2021-budget-template.xlsx"),
    ("budget-template-fr", "fr", "kmf-2021-modele-de-budget.xlsx"),
]
BUDGET_TEMPLATE_TEXT = {
    "title_en": "KMF budget template",
    "title_fr": "Modèle de budget du KMF",
    "description_en": (
        "Your budget by category and month, with your personnel share calculated against the "
        "30% cap. Upload it filled in with your expression of interest."
    ),
    "description_fr": (
        "Votre budget par catégorie et par mois, avec votre part de frais de personnel "
        "calculée par rapport au plafond de 30\u00a0%. Joignez-le rempli à votre manifestation "
        "d'intérêt."
    ),
}


@dataclass(frozen=True)
class CallText:
    title: str
    headline: str
    body: str
    challenges: list[str]


def parse_call_text(text):
    """Split a published call text into its title, headline, Markdown body and challenges."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text) if block.strip()]
    title_at = next(
        i
        for i, block in enumerate(blocks)
        if re.fullmatch(r"Knowledge Management Fund \d{4}", block)
    )
    label_at = blocks.index("Thematic Headline", title_at)
    body_blocks = blocks[label_at + 2 :]
    challenges = []
    markdown = []
    for block in body_blocks:
        lines = block.splitlines()
        if all(line.startswith("- ") for line in lines):
            challenges.extend(line[2:].strip() for line in lines)
            markdown.append(block)
        elif len(lines) == 1 and block.endswith("?") and len(block) < 80:
            markdown.append(f"## {block}")
        else:
            markdown.append(block)
    return CallText(
        title=blocks[title_at],
        headline=blocks[label_at + 1],
        body="\n\n".join(markdown),
        challenges=challenges,
    )


@cache
def questionnaire_2021():
    return definitions.from_dict(json.loads(QUESTIONNAIRE_FILE.read_text(encoding="utf-8")))


@cache
def proposal_questionnaire_2021():
    return definitions.from_dict(json.loads(PROPOSAL_FILE.read_text(encoding="utf-8")))


# The stages after the EOI: (kind, first day, last day, reviewed), the days counted from the
# EOI deadline's. The call text gives no dates; these follow the Fund's 2021 rhythm (four weeks
# of review, four to write the proposal, interviews two weeks later, awards two weeks after).
# Each stage opens at 00:00 on its first day and closes at 23:59:59 on its last, in the call's
# time zone.
LATER_STAGES = [
    (Stage.Kind.FULL_PROPOSAL, 28, 56, True),
    (Stage.Kind.INTERVIEW, 70, 76, False),
    (Stage.Kind.AWARD, 77, 84, False),
]


def demo_dates(today):
    """Opens two weeks before `today`, closes at 23:59 Amsterdam time 60 days after it."""
    amsterdam = ZoneInfo(TIME_ZONE)
    opens = datetime.combine(today - timedelta(days=14), time(0, 0), tzinfo=amsterdam)
    closes = datetime.combine(today + timedelta(days=60), time(23, 59, 59), tzinfo=amsterdam)
    return opens, closes


@transaction.atomic
def load_2021_call(today=None):
    """Create the 2021 call once; return (call, created). A second load only adds French
    texts that are still missing, and never changes what the Secretariat wrote."""
    existing = Call.objects.filter(slug=SLUG).first()
    if existing:
        add_stages(existing)
        add_checks(existing)
        add_french_text(existing)
        add_documents(existing)
        loaded_2021_call.send(sender=Call, call=existing, created=False)
        existing.refresh_from_db()
        return existing, False
    parsed = parse_call_text(SEED_FILE.read_text(encoding="utf-8"))
    opens, closes = demo_dates(today or timezone.localdate(timezone=ZoneInfo(TIME_ZONE)))
    call = Call.objects.create(
        slug=SLUG,
        title=parsed.title,
        headline=parsed.headline,
        body=parsed.body,
        eligibility=ELIGIBILITY.strip(),
        opens_at=opens,
        closes_at=closes,
        time_zone=TIME_ZONE,
        max_amount=Decimal("20000"),
        max_duration_months=9,
        reference_prefix="KMF21",
        contact_email="kmf@example.org",
        questionnaire=definitions.save(questionnaire_2021()),
    )
    Challenge.objects.bulk_create(
        Challenge(call=call, number=number, title=title, description=description)
        for number, (title, description) in enumerate(
            zip(CHALLENGE_TITLES, parsed.challenges, strict=True), start=1
        )
    )
    deadline_day = closes.date()
    Milestone.objects.bulk_create(
        Milestone(call=call, title=title, date=deadline_day + timedelta(days=days))
        # The proposal, interviews and awards are the call's stages (add_stages).
        for title, days in [("Information webinar", -45), ("Cohort kick-off", 98)]
    )
    Question.objects.bulk_create(
        Question(call=call, position=position, question=question, answer=answer)
        for position, (question, answer) in enumerate(QUESTIONS, start=1)
    )
    add_stages(call)
    add_french_text(call)
    add_documents(call)
    loaded_2021_call.send(sender=Call, call=call, created=True)
    call.refresh_from_db()
    return call, True


def seed_settings(definition, names):
    """The settings `names` (FILLED_IN's) of the seed's questions and columns, by (question key,
    column key or ""), for questionnaires.versions.fill_in."""
    found = {}
    for question in definition.questions:
        for place, asked in [((question.key, ""), question)] + [
            ((question.key, column.key), column) for column in question.columns
        ]:
            if wanted := {name: getattr(asked, name) for name in names if getattr(asked, name)}:
                found[place] = wanted
    return found


def add_checks(call):
    """The seed's named checks (the budget rule) on the call's questionnaire and its stages'
    where they lack them and nobody answered them yet (a version loaded before checks existed);
    a version with answers keeps its rules, and a check the Secretariat set stays."""
    asked = [(call.questionnaire, questionnaire_2021())]
    stage = call.stages.filter(kind=Stage.Kind.FULL_PROPOSAL).select_related("questionnaire")
    asked += [(s.questionnaire, proposal_questionnaire_2021()) for s in stage if s.questionnaire]
    for questionnaire, seed in asked:
        if questionnaire is not None:
            versions.fill_in(
                questionnaire=questionnaire, settings=seed_settings(seed, ["named_check"])
            )


def add_partner_roles(call):
    """Give the 2021 questionnaire's versions the call asks or its applications were answered in
    (and the versions they came from) the partners' roles they lack: a call loaded before
    partners had roles (issue 19). A role asks nothing new, so versions with answers get them
    too; a role the Secretariat set, or gave another question, stays. Returns the versions
    given some."""
    ids = {
        call.questionnaire_id,
        *call.eois.order_by().values_list("questionnaire_id", flat=True).distinct(),
    }
    ids.discard(None)
    found, given = set(), []
    while ids:
        found |= ids
        ids = (
            set(
                Questionnaire.objects.filter(pk__in=ids)
                .exclude(previous=None)
                .values_list("previous_id", flat=True)
            )
            - found
        )
    settings = seed_settings(questionnaire_2021(), ["role"])
    for questionnaire in Questionnaire.objects.filter(pk__in=found).order_by("pk"):
        if versions.fill_in(questionnaire=questionnaire, settings=settings):
            given.append(questionnaire)
    return given


def add_french_text(call):
    """Fill the French fields of the 2021 call that are still empty, keeping any the
    Secretariat has written."""

    def fill(obj, **french):
        empty = {
            f"{name}_fr": value for name, value in french.items() if not getattr(obj, f"{name}_fr")
        }
        if empty:
            type(obj).objects.filter(pk=obj.pk).update(**empty)

    body = FRENCH_BODY_FILE.read_text(encoding="utf-8").strip()
    fill(
        call,
        title=FRENCH["title"],
        headline=FRENCH["headline"],
        body=body,
        eligibility=FRENCH["eligibility"],
    )
    descriptions = [line[2:].strip() for line in body.splitlines() if line.startswith("- ")]
    for challenge, title, description in zip(
        call.challenges.order_by("number"), FRENCH["challenges"], descriptions, strict=False
    ):
        fill(challenge, title=title, description=description)
    for milestone in call.milestones.filter(title_en__in=FRENCH["milestones"]):
        fill(milestone, title=FRENCH["milestones"][milestone.title_en])
    for question, (asked, answer) in zip(
        call.questions.order_by("position"), FRENCH["questions"], strict=False
    ):
        fill(question, question=asked, answer=answer)


def add_stages(call):
    """The expression of interest, the full proposal (with its questionnaire), interviews and
    the award, for a call that has no stages yet (one loaded before there were stages gets
    them on its next load); stages the Secretariat has set are left as they are."""
    if call.stages.exists():
        return
    deadline_day = timezone.localtime(call.closes_at, call.zone).date()

    def at(days, moment):
        return datetime.combine(deadline_day + timedelta(days=days), moment, tzinfo=call.zone)

    stages = [Stage(call=call, order=1, kind=Stage.Kind.EXPRESSION_OF_INTEREST, reviewed=True)]
    for order, (kind, first, last, reviewed) in enumerate(LATER_STAGES, start=2):
        stages.append(
            Stage(
                call=call,
                order=order,
                kind=kind,
                opens_at=at(first, time(0, 0)),
                closes_at=at(last, time(23, 59, 59)),
                reviewed=reviewed,
                questionnaire=definitions.save(proposal_questionnaire_2021())
                if kind == Stage.Kind.FULL_PROPOSAL
                else None,
            )
        )
    for stage in stages:
        stage.full_clean()  # fills each stage's decisions with its kind's
    Stage.objects.bulk_create(stages)


def add_documents(call):
    """Attach the budget templates the call does not have yet (a call loaded before there
    were templates gets them on its next load; one already there is left as it is)."""
    have = set(call.documents.values_list("key", flat=True))
    # Where the Secretariat's questionnaire still has the 2021 budget step and upload.
    asked = definitions.definition(call.questionnaire_id) if call.questionnaire_id else None
    budget_step = "budget" if asked and asked.step("budget") else ""
    upload = asked.by_key.get("budget") if asked else None
    template_for = "budget" if upload and upload.is_file else ""
    for position, (key, language, name) in enumerate(BUDGET_TEMPLATES, start=1):
        if key in have:
            continue
        content = ContentFile(budget_template.build(call, language), name=name)
        documents.add_file(
            call,
            content,
            key=key,
            position=position,
            language=language,
            step=budget_step,
            template_for=template_for,
            **BUDGET_TEMPLATE_TEXT,
        )
