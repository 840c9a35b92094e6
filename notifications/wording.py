"""The wording of each notification: defaults shipped here, overrides edited per call.

Texts are plain text with placeholders in braces. Only the placeholders listed for an event
(events.py) are filled in, and a template naming any other is refused: a template cannot reach
anything else. The HTML part is made from the text, escaped.
"""

from django.utils.html import linebreaks, urlize

from .events import PLACEHOLDER, Event, check_placeholders
from .models import EmailTemplate

# The same in both languages: the names of the fund and of the platform are not translated.
SIGNATURE = (
    "\n\n-- \nKnowledge Management Fund · Knowledge Platform Security & Rule of Law\n{site_url}"
)

DEFAULTS = {
    Event.SUBMISSION_RECEIPT: {
        "en": (
            "We received your expression of interest {reference}",
            "Dear {applicant_name},\n\nThank you. We received your expression of interest to the "
            "{call_title} on {submitted_local}. Your reference is {reference}.\n\nYou can change "
            "it until the deadline, {deadline_local}: {eoi_url}\n\nA copy of your answers:\n\n"
            "{answers}",
        ),
        "fr": (
            "Nous avons reçu votre manifestation d’intérêt {reference}",
            "Bonjour {applicant_name},\n\nMerci. Nous avons reçu votre manifestation d’intérêt "
            "pour le {call_title} le {submitted_local}. Votre référence est {reference}.\n\n"
            "Vous pouvez la modifier jusqu’à la date limite, {deadline_local} : {eoi_url}\n\n"
            "Une copie de vos réponses :\n\n{answers}",
        ),
    },
    Event.EDITS_CONFIRMED: {
        "en": (
            "Your changes to {reference} are saved",
            "Dear {applicant_name},\n\nYour changes to your expression of interest {reference} "
            "are saved. It stays submitted, and you can change it until the deadline, "
            "{deadline_local}: {eoi_url}",
        ),
        "fr": (
            "Vos modifications de {reference} sont enregistrées",
            "Bonjour {applicant_name},\n\nVos modifications de votre manifestation d’intérêt "
            "{reference} sont enregistrées. Elle reste soumise, et vous pouvez la modifier "
            "jusqu’à la date limite, {deadline_local} : {eoi_url}",
        ),
    },
    Event.DEADLINE_REMINDER: {
        "en": (
            "{time_left} left to submit your expression of interest",
            "Dear {applicant_name},\n\nYour expression of interest to the {call_title} is still "
            "a draft. The deadline is {deadline_local}, {time_left} from now.\n\nFinish and "
            "submit it here: {eoi_url}",
        ),
        "fr": (
            "Plus que {time_left} pour soumettre votre manifestation d’intérêt",
            "Bonjour {applicant_name},\n\nVotre manifestation d’intérêt pour le {call_title} est "
            "encore un brouillon. La date limite est le {deadline_local}, dans {time_left}.\n\n"
            "Terminez-la et soumettez-la ici : {eoi_url}",
        ),
    },
    Event.UNDER_REVIEW: {
        "en": (
            "Your expression of interest {reference} is under review",
            "Dear {applicant_name},\n\nThe {call_title} has closed, and your expression of "
            "interest {reference} is now under review by the Secretariat and the Review Board. "
            "We will write to you with the outcome and feedback.\n\n{eoi_url}",
        ),
        "fr": (
            "Votre manifestation d’intérêt {reference} est en cours d’évaluation",
            "Bonjour {applicant_name},\n\nLe {call_title} est clôturé, et votre manifestation "
            "d’intérêt {reference} est maintenant évaluée par le Secrétariat et le comité "
            "d’évaluation. Nous vous écrirons pour vous communiquer le résultat et nos "
            "commentaires.\n\n{eoi_url}",
        ),
    },
    Event.CLOSING_SUMMARY: {
        "en": (
            "{call_title} has closed: {submitted_count} expressions of interest",
            "Dear {recipient_name},\n\nThe {call_title} ({call_headline}) closed on "
            "{deadline_local}.\n\nSubmitted: {submitted_count}\nStill drafts: {draft_count}\n"
            "Withdrawn: {withdrawn_count}\n\n{dashboard_url}",
        ),
        "fr": (
            "{call_title} est clôturé : {submitted_count} manifestations d’intérêt",
            "Bonjour {recipient_name},\n\nLe {call_title} ({call_headline}) a été clôturé le "
            "{deadline_local}.\n\nSoumises : {submitted_count}\nBrouillons : {draft_count}\n"
            "Retirées : {withdrawn_count}\n\n{dashboard_url}",
        ),
    },
    Event.REVIEWER_ASSIGNED: {
        "en": (
            "{eoi_count} expressions of interest to review for the {call_title}",
            "Dear {reviewer_name},\n\nYou have {eoi_count} expressions of interest to review for "
            "the {call_title}, due {review_due}.\n\n{reviews_url}",
        ),
        "fr": (
            "{eoi_count} manifestations d’intérêt à évaluer pour le {call_title}",
            "Bonjour {reviewer_name},\n\nVous avez {eoi_count} manifestations d’intérêt à évaluer "
            "pour le {call_title}, avant le {review_due}.\n\n{reviews_url}",
        ),
    },
    Event.REVIEW_DUE: {
        "en": (
            "Reminder: {eoi_count} reviews due {review_due}",
            "Dear {reviewer_name},\n\n{eoi_count} of your reviews for the {call_title} are not "
            "submitted yet. They are due {review_due}.\n\n{reviews_url}",
        ),
        "fr": (
            "Rappel : {eoi_count} évaluations attendues le {review_due}",
            "Bonjour {reviewer_name},\n\n{eoi_count} de vos évaluations pour le {call_title} ne "
            "sont pas encore soumises. Elles sont attendues le {review_due}.\n\n{reviews_url}",
        ),
    },
    Event.DECISION: {
        "en": (
            "The outcome for your expression of interest {reference}",
            "Dear {applicant_name},\n\nThank you for your expression of interest {reference} to "
            "the {call_title}. The decision: {decision}.\n\n{feedback}\n\n{eoi_url}",
        ),
        "fr": (
            "Le résultat pour votre manifestation d’intérêt {reference}",
            "Bonjour {applicant_name},\n\nMerci pour votre manifestation d’intérêt {reference} "
            "pour le {call_title}. La décision : {decision}.\n\n{feedback}\n\n{eoi_url}",
        ),
    },
}


SUBJECT_LENGTH = 200


def fill(text, values):
    return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), text)


def wording(event, language, call=None):
    """(subject, body) for an event: the call's own wording if the Secretariat wrote one."""
    if call is not None:
        custom = EmailTemplate.objects.filter(call=call, event=event, language=language).first()
        if custom:
            return custom.subject, custom.body
    defaults = DEFAULTS[event]
    return defaults.get(language) or defaults["en"]


def render(event, language, values, call=None):
    """(subject, text, html) of an event's mail with the placeholders filled in."""
    subject, body = wording(event, language, call)
    check_placeholders(event, subject, body)
    text = fill(body + SIGNATURE, values)
    paragraphs = linebreaks(urlize(text, autoescape=True), autoescape=False)
    html = (
        f'<!doctype html><html lang="{language}"><body style="font-family:sans-serif;'
        f'line-height:1.5;max-width:40em">{paragraphs}</body></html>'
    )
    subject = " ".join(fill(subject, values).split())
    if len(subject) > SUBJECT_LENGTH:
        subject = subject[: SUBJECT_LENGTH - 1] + "…"
    return subject, text, html
