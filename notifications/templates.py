"""The wording of each notification: defaults shipped here (translated in the gettext
catalogue, like every other text of the site), overrides edited per call and language.

Texts are plain text with placeholders in braces. Only the placeholders listed for an event are
filled in, and a template naming any other is refused: a template cannot reach anything else.
The HTML part is made from the text, escaped.
"""

import re

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.html import linebreaks, urlize
from django.utils.translation import gettext_lazy as _

from .models import EmailTemplate, Event

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

EOI_PLACEHOLDERS = {
    "applicant_name",
    "call_title",
    "call_headline",
    "deadline_local",
    "reference",
    "eoi_title",
    "eoi_url",
    "site_url",
}
# What a reviewer's mails about their assignments can say.
REVIEWER_PLACEHOLDERS = {
    "reviewer_name",
    "call_title",
    "eoi_count",
    "review_due",
    "reviews_url",
    "site_url",
}
PLACEHOLDERS = {
    Event.SUBMISSION_RECEIPT: EOI_PLACEHOLDERS | {"submitted_local", "answers"},
    Event.EDITS_CONFIRMED: EOI_PLACEHOLDERS,
    Event.DEADLINE_REMINDER: EOI_PLACEHOLDERS | {"time_left"},
    Event.UNDER_REVIEW: EOI_PLACEHOLDERS,
    Event.CLOSING_SUMMARY: {
        "recipient_name",
        "call_title",
        "call_headline",
        "deadline_local",
        "submitted_count",
        "draft_count",
        "withdrawn_count",
        "dashboard_url",
        "site_url",
    },
    Event.REVIEWER_ASSIGNED: REVIEWER_PLACEHOLDERS,
    Event.REVIEW_DUE: REVIEWER_PLACEHOLDERS,
    Event.DECISION: EOI_PLACEHOLDERS | {"decision", "feedback"},
}

# The same in both languages: the names of the fund and of the platform are not translated.
SIGNATURE = (
    "\n\n-- \nKnowledge Management Fund · Knowledge Platform Security & Rule of Law\n{site_url}"
)

DEFAULTS = {
    Event.SUBMISSION_RECEIPT: (
        _("We received your expression of interest {reference}"),
        _(
            "Dear {applicant_name},\n\nThank you. We received your expression of interest to the "
            "{call_title} on {submitted_local}. Your reference is {reference}.\n\nYou can change "
            "it until the deadline, {deadline_local}: {eoi_url}\n\nA copy of your answers:\n\n"
            "{answers}"
        ),
    ),
    Event.EDITS_CONFIRMED: (
        _("Your changes to {reference} are saved"),
        _(
            "Dear {applicant_name},\n\nYour changes to your expression of interest {reference} "
            "are saved. It stays submitted, and you can change it until the deadline, "
            "{deadline_local}: {eoi_url}"
        ),
    ),
    Event.DEADLINE_REMINDER: (
        _("{time_left} left to submit your expression of interest"),
        _(
            "Dear {applicant_name},\n\nYour expression of interest to the {call_title} is still "
            "a draft. The deadline is {deadline_local}, {time_left} from now.\n\nFinish and "
            "submit it here: {eoi_url}"
        ),
    ),
    Event.UNDER_REVIEW: (
        _("Your expression of interest {reference} is under review"),
        _(
            "Dear {applicant_name},\n\nThe {call_title} has closed, and your expression of "
            "interest {reference} is now under review by the Secretariat and the Review Board. "
            "We will write to you with the outcome and feedback.\n\n{eoi_url}"
        ),
    ),
    Event.CLOSING_SUMMARY: (
        _("{call_title} has closed: {submitted_count} expressions of interest"),
        _(
            "Dear {recipient_name},\n\nThe {call_title} ({call_headline}) closed on "
            "{deadline_local}.\n\nSubmitted: {submitted_count}\nStill drafts: {draft_count}\n"
            "Withdrawn: {withdrawn_count}\n\n{dashboard_url}"
        ),
    ),
    Event.REVIEWER_ASSIGNED: (
        _("{eoi_count} expressions of interest to review for the {call_title}"),
        _(
            "Dear {reviewer_name},\n\nYou have {eoi_count} expressions of interest to review for "
            "the {call_title}, due {review_due}.\n\n{reviews_url}"
        ),
    ),
    Event.REVIEW_DUE: (
        _("Reminder: {eoi_count} reviews due {review_due}"),
        _(
            "Dear {reviewer_name},\n\n{eoi_count} of your reviews for the {call_title} are not "
            "submitted yet. They are due {review_due}.\n\n{reviews_url}"
        ),
    ),
    Event.DECISION: (
        _("The outcome for your expression of interest {reference}"),
        _(
            "Dear {applicant_name},\n\nThank you for your expression of interest {reference} to "
            "the {call_title}. The decision: {decision}.\n\n{feedback}\n\n{eoi_url}"
        ),
    ),
}


# Long texts belong in the body: a subject naming one is refused.
BODY_ONLY = {"answers", "feedback"}
SUBJECT_LENGTH = 200


def check_placeholders(event, subject, *texts):
    """Refuse placeholders that this event does not fill in, and long ones in the subject."""
    in_subject = set(PLACEHOLDER.findall(subject)) & BODY_ONLY
    if in_subject:
        raise ValidationError(
            _("These placeholders belong in the text, not the subject: %(names)s."),
            params={"names": ", ".join(f"{{{name}}}" for name in sorted(in_subject))},
            code="long_placeholder_in_subject",
        )
    texts = (subject, *texts)
    unknown = sorted(
        {name for text in texts for name in PLACEHOLDER.findall(text)} - PLACEHOLDERS[event]
    )
    if unknown:
        raise ValidationError(
            _("Unknown placeholders: %(unknown)s. This email can use: %(known)s."),
            params={
                "unknown": ", ".join(f"{{{name}}}" for name in unknown),
                "known": ", ".join(f"{{{name}}}" for name in sorted(PLACEHOLDERS[event])),
            },
            code="unknown_placeholder",
        )


def fill(text, values):
    return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), text)


def wording(event, language, call=None):
    """(subject, body) for an event: the call's own wording if the Secretariat wrote one."""
    if call is not None:
        custom = EmailTemplate.objects.filter(call=call, event=event, language=language).first()
        if custom:
            return custom.subject, custom.body
    with translation.override(language):
        return tuple(str(text) for text in DEFAULTS[event])


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
