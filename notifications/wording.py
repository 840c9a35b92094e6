"""The wording of each notification: defaults shipped here (translated in the gettext
catalogue, like every other text of the site), overrides edited per call and language.

Texts are plain text with placeholders in braces. Only the placeholders listed for an event
(events.py) are filled in, and a template naming any other is refused: a template cannot reach
anything else. The HTML part is made from the text, escaped.
"""

import threading
from contextlib import contextmanager

from django.utils import translation
from django.utils.html import linebreaks, urlize
from django.utils.translation import gettext_lazy as _

from .events import PLACEHOLDER, Event, check_placeholders
from .models import EmailTemplate

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
        _("{call_title} has closed: {submitted_eois}"),
        _(
            "Dear {recipient_name},\n\nThe {call_title} ({call_headline}) closed on "
            "{deadline_local}.\n\nSubmitted: {submitted_count}\nStill drafts: {draft_count}\n"
            "Withdrawn: {withdrawn_count}\n\n{dashboard_url}"
        ),
    ),
    Event.REVIEWER_ASSIGNED: (
        _("{eois_to_review} to review for the {call_title}"),
        _(
            "Dear {reviewer_name},\n\nYou have {eois_to_review} to review for the {call_title}, "
            "due {review_due}.\n\n{reviews_url}"
        ),
    ),
    Event.REVIEW_DUE: (
        _("Reminder: {reviews_to_do} due {review_due}"),
        _(
            "Dear {reviewer_name},\n\nFor the {call_title}, you have {reviews_to_do} not "
            "submitted yet, due {review_due}.\n\n{reviews_url}"
        ),
    ),
    Event.DECISION: (
        _("The outcome for your expression of interest {reference}"),
        _(
            "Dear {applicant_name},\n\nThank you for your expression of interest {reference} to "
            "the {call_title}. The decision: {decision}.\n\n{feedback}\n\n{eoi_url}"
        ),
    ),
    Event.PROPOSAL_DECISION: (
        _("The outcome for your full proposal {reference}"),
        _(
            "Dear {applicant_name},\n\nThank you for your full proposal {reference} to the "
            "{call_title}. The Review Board has assessed it. The decision: {decision}.\n\n"
            "{feedback}\n\nYou can read the outcome on your application's page: {eoi_url}"
        ),
    ),
    Event.INTERVIEW_DECISION: (
        _("The outcome of your interview for {reference}"),
        _(
            "Dear {applicant_name},\n\nThank you for your interview about {reference} for the "
            "{call_title}. The decision: {decision}.\n\n{feedback}\n\n"
            "You can read the outcome on your application's page: {eoi_url}"
        ),
    ),
    Event.AWARD_DECISION: (
        _("The award decision for {reference}"),
        _(
            "Dear {applicant_name},\n\nThe Knowledge Management Fund has decided on the "
            "grants of the {call_title}. The decision for {reference}: {decision}.\n\n"
            "{feedback}\n\nYou can read the outcome on your application's page: {eoi_url}"
        ),
    ),
    Event.DISCUSSION_COMMENT: (
        _("{author_name} commented on {reference}"),
        _(
            "Dear {recipient_name},\n\n{author_name} commented in the reviewers’ discussion "
            "of {reference} ({call_title}). Read it and answer here:\n\n{discussion_url}"
        ),
    ),
    Event.MESSAGE_TO_APPLICANT: (
        _("A message from the Secretariat about {reference}"),
        _(
            "Dear {applicant_name},\n\nThe Secretariat of the Knowledge Management Fund wrote "
            "to you about your expression of interest {reference}:\n\n{message}\n\n"
            "{attachment}Please answer on the site, not by replying to this email: {eoi_url}"
        ),
    ),
    Event.MESSAGE_TO_SECRETARIAT: (
        _("A message from {applicant_name} about {reference}"),
        _(
            "Dear {recipient_name},\n\n{applicant_name} wrote about the expression of interest "
            "{reference} ({eoi_title}) to the {call_title}:\n\n{message}\n\n{attachment}"
            "Read and answer it on the site: {eoi_url}"
        ),
    ),
    Event.EXTENSION_GRANTED: (
        _("Your deadline for the {call_title} is now {deadline_local}"),
        _(
            "Dear {applicant_name},\n\nThe Secretariat has extended your deadline for the "
            "{call_title} ({call_headline}). You can submit your expression of interest, and "
            "change it, until {deadline_local}.\n\nReminders will follow this new deadline.\n\n"
            "{call_url}"
        ),
    ),
    Event.COAPPLICANT_INVITATION: (
        _("{lead_name} invites you to co-apply to the {call_title}"),
        _(
            "Hello,\n\n{lead_name} invites you to co-apply with them to the {call_title} "
            "({call_headline}), on the expression of interest “{eoi_title}”. As a co-applicant "
            "you will see the application and its outcome, and edit the parts {lead_name} opens "
            "to you.\n\nTo accept, open this link and sign in, or create an account, with this "
            "email address. The link works once, until {valid_until}:\n\n{invitation_url}\n\n"
            "If you do not know {lead_name} or do not wish to co-apply, ignore this email."
        ),
    ),
    Event.INTERVIEW_BOOKED: (
        _("Interview on {starts_local}: {reference}"),
        _(
            "Dear {recipient_name},\n\nThe interview about the expression of interest "
            "{reference} ({eoi_title}) of {applicant_name} to the {call_title} is booked for "
            "{starts_local}, for {duration_minutes} minutes.\n\nWhere or how: {location}\n"
            "{video_url}\n\nThe calendar invitation comes with this email. See or change the "
            "booking on the site: {interview_url}"
        ),
    ),
    Event.INTERVIEW_CANCELLED: (
        _("Interview cancelled: {reference}"),
        _(
            "Dear {recipient_name},\n\nThe interview about the expression of interest "
            "{reference} ({eoi_title}) of {applicant_name} to the {call_title}, booked for "
            "{starts_local}, is cancelled. The calendar cancellation comes with this email."
            "\n\n{interview_url}"
        ),
    ),
    Event.INTERVIEW_MOVED_BY_SECRETARIAT: (
        _("Interview moved to {starts_local}: {reference}"),
        _(
            "Dear {recipient_name},\n\nThe Secretariat moved the interview about the expression "
            "of interest {reference} ({eoi_title}) of {applicant_name} to the {call_title}. It is "
            "now on {starts_local}, for {duration_minutes} minutes.\n\nWhy: {reason}\n\nWhere or "
            "how: {location}\n{video_url}\n\nThe updated calendar invitation comes with this "
            "email. See the booking on the site: {interview_url}"
        ),
    ),
    Event.INTERVIEW_CANCELLED_BY_SECRETARIAT: (
        _("Interview cancelled by the Secretariat: {reference}"),
        _(
            "Dear {recipient_name},\n\nThe Secretariat cancelled the interview about the "
            "expression of interest {reference} ({eoi_title}) of {applicant_name} to the "
            "{call_title}, booked for {starts_local}.\n\nWhy: {reason}\n\nThe calendar "
            "cancellation comes with this email. A new time can be picked on the site: "
            "{interview_url}"
        ),
    ),
    Event.PARTNER_ASKED: (
        _("{lead_organisation} names {partner_name} as a partner: please confirm"),
        _(
            "Hello,\n\n{applicant_name}, of {lead_organisation}, names {partner_name} as a "
            "partner in an expression of interest to the {call_title} of the Knowledge "
            "Management Fund, with a role and a share of the budget. The Fund asks each partner "
            "to confirm what is said about it, or to decline.\n\nRead it and answer here, "
            "without an account (the link works once, until {link_expires}):\n{confirm_url}"
            "\n\nIf you do not know this project, decline: the Secretariat will see it."
        ),
    ),
    Event.PROPOSAL_RECEIPT: (
        _("We received your full proposal {reference}"),
        _(
            "Dear {applicant_name},\n\nThank you. We received your full proposal to the "
            "{call_title} on {submitted_local}. Your reference is {reference}.\n\nYou can "
            "change it until the deadline, {deadline_local}: {proposal_url}\n\nA copy of your "
            "answers:\n\n{answers}"
        ),
    ),
    Event.PROPOSAL_REMINDER: (
        _("{time_left} left to submit your full proposal"),
        _(
            "Dear {applicant_name},\n\nYour full proposal to the {call_title} is still a "
            "draft. The deadline is {deadline_local}, {time_left} from now.\n\nFinish and "
            "submit it here: {proposal_url}"
        ),
    ),
    Event.GRANT_LETTER: (
        _("Your grant letter for {reference}"),
        _(
            "Dear {applicant_name},\n\nThe Knowledge Management Fund awards a grant of "
            "{amount} to your project {eoi_title} ({reference}), in the {call_title}. Your "
            "grant letter, with its conditions, is ready: sign in to download it.\n\n"
            "{letter_url}"
        ),
    ),
}


SUBJECT_LENGTH = 200


def fill(text, values):
    return PLACEHOLDER.sub(lambda match: str(values[match.group(1)]), text)


_remembered = threading.local()


@contextmanager
def wordings_remembered():
    """Inside, each event's wording is looked up once per call and language: a job that writes
    thousands of mails of one event (the reminders) asks the database once, not once a mail."""
    if getattr(_remembered, "wordings", None) is not None:
        yield  # already remembering: the outer block forgets them
        return
    _remembered.wordings = {}
    try:
        yield
    finally:
        del _remembered.wordings


def wording(event, language, call=None):
    """(subject, body) for an event: the call's own wording if the Secretariat wrote one."""
    remembered = getattr(_remembered, "wordings", None)
    if remembered is None:
        return _wording(event, language, call)
    key = (event, language, call.pk if call is not None else None)
    if key not in remembered:
        remembered[key] = _wording(event, language, call)
    return remembered[key]


def _wording(event, language, call):
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
