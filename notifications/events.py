"""The events that send a mail, and what each one's wording may say: the placeholders it fills
in. A wording (the defaults in wording.py, or the Secretariat's in the admin) naming any other
is refused, so that a template cannot reach anything else."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    SUBMISSION_RECEIPT = "submission_receipt", _("Submission receipt")
    EDITS_CONFIRMED = "edits_confirmed", _("Changes after submitting")
    DEADLINE_REMINDER = "deadline_reminder", _("Deadline reminder for drafts")
    UNDER_REVIEW = "under_review", _("Under review (the call closed)")
    CLOSING_SUMMARY = "closing_summary", _("Closing summary for the Secretariat")
    REVIEWER_ASSIGNED = "reviewer_assigned", _("Reviewer assignment")
    REVIEW_DUE = "review_due", _("Review due reminder")
    DECISION = "decision", _("Decision with feedback")
    # The later stages' decisions (issue 15), each with its feedback.
    PROPOSAL_DECISION = "proposal_decision", _("Full proposal decision with feedback")
    INTERVIEW_DECISION = "interview_decision", _("Interview decision with feedback")
    AWARD_DECISION = "award_decision", _("Award decision with feedback")
    DISCUSSION_COMMENT = "discussion_comment", _("A comment in the reviewers’ discussion")
    MESSAGE_TO_APPLICANT = "message_to_applicant", _("A message from the Secretariat")
    MESSAGE_TO_SECRETARIAT = "message_to_secretariat", _("A message from an applicant")
    EXTENSION_GRANTED = "extension_granted", _("An extension of the deadline")
    COAPPLICANT_INVITATION = "coapplicant_invitation", _("An invitation to co-apply")
    PARTNER_ASKED = "partner_asked", _("A partner asked to confirm its row")
    PROPOSAL_RECEIPT = "proposal_receipt", _("Full proposal receipt")
    PROPOSAL_REMINDER = "proposal_reminder", _("Deadline reminder for full proposal drafts")
    GRANT_LETTER = "grant_letter", _("A grant letter to download")
    INTERVIEW_BOOKED = "interview_booked", _("An interview booked (with its calendar invitation)")
    INTERVIEW_CANCELLED = "interview_cancelled", _("An interview cancelled")
    INTERVIEW_MOVED_BY_SECRETARIAT = (
        "secretariat_moved_interview",
        _("An interview moved by the Secretariat (with its calendar invitation)"),
    )
    INTERVIEW_CANCELLED_BY_SECRETARIAT = (
        "secretariat_cancelled_interview",
        _("An interview cancelled by the Secretariat"),
    )
    # Sign-up verification, password reset and the like: worded by allauth's templates (they
    # carry one-time links), never by the Secretariat.
    ACCOUNT = "account", _("Account mail (address check, password reset)")


PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")

# To the applicant and to the Secretariat's side (the interviewers, or the call's contact
# address): {starts_local} in the reader's zone, {interview_url} the page each of them uses.
INTERVIEW_PLACEHOLDERS = {
    "recipient_name",
    "applicant_name",
    "call_title",
    "reference",
    "eoi_title",
    "starts_local",
    "duration_minutes",
    "location",
    "video_url",
    "interview_url",
    "site_url",
}
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
# What the mails about a full proposal can say: {reference} is the proposal's, {deadline_local}
# the proposal stage's deadline (or the applicant's extension).
PROPOSAL_PLACEHOLDERS = {
    "applicant_name",
    "call_title",
    "call_headline",
    "deadline_local",
    "reference",
    "eoi_title",
    "proposal_url",
    "site_url",
}
# What a reviewer's mails about their assignments can say.
REVIEWER_PLACEHOLDERS = {
    "reviewer_name",
    "call_title",
    "eoi_count",
    # The count with its noun, in the right plural ("1 review", "3 reviews").
    "eois_to_review",
    "reviews_to_do",
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
        "submitted_eois",
        "draft_count",
        "withdrawn_count",
        "dashboard_url",
        "site_url",
    },
    Event.REVIEWER_ASSIGNED: REVIEWER_PLACEHOLDERS,
    Event.REVIEW_DUE: REVIEWER_PLACEHOLDERS,
    Event.DECISION: EOI_PLACEHOLDERS | {"decision", "feedback"},
    Event.PROPOSAL_DECISION: EOI_PLACEHOLDERS | {"decision", "feedback"},
    Event.INTERVIEW_DECISION: EOI_PLACEHOLDERS | {"decision", "feedback"},
    Event.AWARD_DECISION: EOI_PLACEHOLDERS | {"decision", "feedback"},
    # Never the comment itself: the mail says where to read it, signed in.
    Event.DISCUSSION_COMMENT: {
        "recipient_name",
        "author_name",
        "call_title",
        "reference",
        "discussion_url",
        "site_url",
    },
    Event.MESSAGE_TO_APPLICANT: EOI_PLACEHOLDERS | {"message", "attachment"},
    # To each member of the Secretariat; {eoi_url} is the EOI's Secretariat page.
    Event.MESSAGE_TO_SECRETARIAT: EOI_PLACEHOLDERS | {"recipient_name", "message", "attachment"},
    # {deadline_local} is the applicant's own, later deadline.
    Event.EXTENSION_GRANTED: {
        "applicant_name",
        "call_title",
        "call_headline",
        "deadline_local",
        "call_url",
        "site_url",
    },
    # To an address that may have no account yet: no name of theirs, and the link is the
    # invitation's own (random, single-use, expiring; it names no one).
    Event.COAPPLICANT_INVITATION: {
        "lead_name",
        "call_title",
        "call_headline",
        "eoi_title",
        "invitation_url",
        "valid_until",
        "site_url",
    },
    # To the applicants of an awarded EOI: the letter is on the site, behind their sign-in.
    Event.GRANT_LETTER: EOI_PLACEHOLDERS | {"amount", "letter_url"},
    # To a partner's address, which may have no account: its one-off link, and what it is
    # asked to confirm. Never the EOI's address (the applicant's page).
    Event.PARTNER_ASKED: {
        "partner_name",
        "lead_organisation",
        "applicant_name",
        "call_title",
        "confirm_url",
        "link_expires",
        "site_url",
    },
    Event.PROPOSAL_RECEIPT: PROPOSAL_PLACEHOLDERS | {"submitted_local", "answers"},
    Event.PROPOSAL_REMINDER: PROPOSAL_PLACEHOLDERS | {"time_left"},
    Event.INTERVIEW_BOOKED: INTERVIEW_PLACEHOLDERS,
    Event.INTERVIEW_CANCELLED: INTERVIEW_PLACEHOLDERS,
    # {reason}: why the Secretariat moved or cancelled it.
    Event.INTERVIEW_MOVED_BY_SECRETARIAT: INTERVIEW_PLACEHOLDERS | {"reason"},
    Event.INTERVIEW_CANCELLED_BY_SECRETARIAT: INTERVIEW_PLACEHOLDERS | {"reason"},
}

# The interview mails whose calendar file takes the event out of the calendars (iTIP CANCEL).
INTERVIEW_CANCELLATIONS = frozenset(
    {Event.INTERVIEW_CANCELLED, Event.INTERVIEW_CANCELLED_BY_SECRETARIAT}
)

# Mails whose link works by itself: it signs in or sets a password (allauth's), confirms for a
# partner, or accepts an invitation to co-apply. Nobody reads their body in the outbox, it is
# forgotten once sent, and no provider tracks their clicks.
LINK_BEARING = frozenset({Event.ACCOUNT, Event.PARTNER_ASKED, Event.COAPPLICANT_INVITATION})

# The events whose wording the Secretariat may write (EmailTemplate).
WORDED = [(event.value, event.label) for event in Event if event in PLACEHOLDERS]

# Long texts belong in the body: a subject naming one is refused.
BODY_ONLY = {"answers", "feedback", "message", "attachment", "reason"}


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
