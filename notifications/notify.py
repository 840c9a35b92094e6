"""One function per notification: who gets which mail about what, under which key.

Call these inside the transaction of the change they announce.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import CharField, Exists, OuterRef, Value
from django.db.models.functions import Cast, Concat
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.timesince import timeuntil
from django.utils.translation import gettext, ngettext

from accounts.roles import SECRETARIAT
from core.money import euros
from core.timezones import local_moment, zone_named

from .events import INTERVIEW_CANCELLATIONS, Event
from .models import OutboundEmail
from .outbox import queue_email


def _local(moment, call):
    return local_moment(moment, call.zone)


def _eoi_values(eoi, **extra):
    def values():
        call = eoi.call
        return {
            "applicant_name": eoi.owner.get_short_name(),
            "call_title": call.title,
            "call_headline": call.headline,
            # Unless the caller knows it (a reminder): reading an extension may cost a query.
            **(
                {}
                if "deadline_local" in extra
                else {"deadline_local": _local(_applicants_deadline(eoi), call)}
            ),
            "reference": eoi.reference or "",
            "eoi_title": eoi.title,
            "eoi_url": settings.SITE_URL + eoi.get_absolute_url(),
            "site_url": settings.SITE_URL,
            **{name: value() if callable(value) else value for name, value in extra.items()},
        }

    return values


def _applicants_deadline(eoi):
    """The call's deadline, or the later one the Secretariat granted this applicant (as
    submissions.lifecycle.deadline_for reads it: annotated by locked_eois, else one query)."""
    if hasattr(eoi, "extension_until"):
        extended = eoi.extension_until
    else:
        extended = (
            eoi.call.extensions.filter(applicant_id=eoi.owner_id)
            .values_list("until", flat=True)
            .first()
        )
    return max(eoi.call.closes_at, extended) if extended else eoi.call.closes_at


def _to_applicant(eoi, key, event, coapplicants=(), **extra):
    """The mail to the lead applicant; a copy to each of `coapplicants` (people), addressed
    to them by name, under a key of their own."""
    queue_email(
        key=key,
        event=event,
        recipient=eoi.owner,
        values=_eoi_values(eoi, **extra),
        call=eoi.call,
        eoi=eoi,
    )
    for person in coapplicants:
        queue_email(
            key=f"{key}:{person.pk}",
            event=event,
            recipient=person,
            values=_eoi_values(
                eoi, applicant_name=lambda person=person: person.get_short_name(), **extra
            ),
            call=eoi.call,
            eoi=eoi,
        )


def submission_received(eoi):
    _to_applicant(
        eoi,
        f"receipt:{eoi.pk}",
        Event.SUBMISSION_RECEIPT,
        submitted_local=lambda: _local(eoi.submitted_at, eoi.call),
        # The answers as the applicant's questionnaire asks them (submissions.answers).
        answers=lambda: render_to_string(
            "notifications/answers.txt", {"answers": eoi.readable_answers()}
        ).strip(),
    )


def edits_confirmed(eoi):
    _to_applicant(eoi, f"edits:{eoi.pk}:{eoi.version}", Event.EDITS_CONFIRMED)


def reminded(offset_hours):
    """For a query of EOIs: whether each (OuterRef "pk") has had its reminder at this offset
    before the call's deadline (the key of deadline_reminder), asked in SQL."""
    # The key built from the outer EOI, so the outbox's unique index on key answers it.
    key = Concat(
        Value("reminder:"),
        Cast(OuterRef("pk"), output_field=CharField()),
        Value(f":{offset_hours}"),
        output_field=CharField(),
    )
    return Exists(OutboundEmail.objects.filter(key=key))


def deadline_reminder(eoi, offset_hours, now, deadline=None):
    """`deadline`: the applicant's own, when the Secretariat extended it (its reminders are
    keyed apart from those of the call's deadline, which may have gone out already)."""
    if deadline is None:  # the call's: drafts with a later deadline of their own wait for it
        _to_applicant(
            eoi,
            f"reminder:{eoi.pk}:{offset_hours}",
            Event.DEADLINE_REMINDER,
            time_left=lambda: timeuntil(eoi.call.closes_at, now),
            deadline_local=lambda: _local(eoi.call.closes_at, eoi.call),
        )
        return
    _to_applicant(
        eoi,
        f"reminder:{eoi.pk}:{offset_hours}:{deadline.isoformat()}",
        Event.DEADLINE_REMINDER,
        time_left=lambda: timeuntil(deadline, now),
        deadline_local=lambda: _local(deadline, eoi.call),
    )


def _to_proposal_applicant(proposal, key, event, deadline, **extra):
    """A mail about a full proposal to its lead applicant; `deadline` is theirs (the stage's,
    or the Secretariat's extension)."""
    eoi, call = proposal.eoi, proposal.eoi.call

    def values():
        return {
            "applicant_name": eoi.owner.get_short_name(),
            "call_title": call.title,
            "call_headline": call.headline,
            "deadline_local": _local(deadline, call),
            "reference": proposal.reference or "",
            "eoi_title": eoi.title,
            "proposal_url": settings.SITE_URL + proposal.get_absolute_url(),
            "site_url": settings.SITE_URL,
            **{name: value() for name, value in extra.items()},
        }

    queue_email(key=key, event=event, recipient=eoi.owner, values=values, call=call, eoi=eoi)


def proposal_received(proposal, deadline):
    _to_proposal_applicant(
        proposal,
        f"proposal-receipt:{proposal.pk}",
        Event.PROPOSAL_RECEIPT,
        deadline,
        submitted_local=lambda: _local(proposal.submitted_at, proposal.eoi.call),
        answers=lambda: render_to_string(
            "notifications/answers.txt", {"answers": proposal.readable_answers()}
        ).strip(),
    )


def proposal_reminder_key(proposal, offset_hours, deadline):
    """Keyed by the deadline too: a deadline moved later has reminders of its own."""
    return f"proposal-reminder:{proposal.pk}:{offset_hours}:{deadline.isoformat()}"


def proposal_reminder(proposal, offset_hours, now, deadline):
    _to_proposal_applicant(
        proposal,
        proposal_reminder_key(proposal, offset_hours, deadline),
        Event.PROPOSAL_REMINDER,
        deadline,
        time_left=lambda: timeuntil(deadline, now),
    )


def extension_granted(extension):
    """The applicant's new deadline; again if the Secretariat moves it."""
    call, applicant = extension.call, extension.applicant

    def values():
        return {
            "applicant_name": applicant.get_short_name(),
            "call_title": call.title,
            "call_headline": call.headline,
            "deadline_local": _local(extension.until, call),
            "call_url": settings.SITE_URL + call.get_absolute_url(),
            "site_url": settings.SITE_URL,
        }

    queue_email(
        key=f"extension:{extension.pk}:{extension.until.isoformat()}",
        event=Event.EXTENSION_GRANTED,
        recipient=applicant,
        values=values,
        call=call,
    )


def partner_asked(partner, token):
    """The partner's link to confirm its row, to its address, in the applicant's language (the
    partner may have no account). One mail per link: its key names the link's stored hash."""
    eoi = partner.eoi
    queue_email(
        key=f"partner_asked:{partner.pk}:{partner.token_hash[:32]}",
        event=Event.PARTNER_ASKED,
        recipient=None,
        to=partner.email,
        language=eoi.owner.preferred_language,
        values=lambda: {
            "partner_name": partner.name,
            "lead_organisation": eoi.organisation_name or eoi.owner.get_short_name(),
            "applicant_name": eoi.owner.get_short_name(),
            "call_title": eoi.call.title,
            "confirm_url": settings.SITE_URL
            + reverse("submissions:partner_confirm", kwargs={"token": token}),
            "link_expires": _local(partner.token_expires_at, eoi.call),
            "site_url": settings.SITE_URL,
        },
        call=eoi.call,
        eoi=eoi,
    )


def under_review(eoi):
    _to_applicant(eoi, f"under_review:{eoi.pk}", Event.UNDER_REVIEW)


def closing_summary(call, counts):
    """The figures of a closed call, to every active member of the Secretariat."""
    secretariat = get_user_model().objects.filter(groups__name=SECRETARIAT, is_active=True)
    for member in secretariat:
        queue_email(
            key=f"closing_summary:{call.pk}:{member.pk}",
            event=Event.CLOSING_SUMMARY,
            recipient=member,
            values=lambda member=member: {
                "recipient_name": member.get_short_name(),
                "call_title": call.title,
                "call_headline": call.headline,
                "deadline_local": _local(call.closes_at, call),
                "submitted_count": counts["submitted"],
                "submitted_eois": counted_eois(counts["submitted"]),
                "draft_count": counts["draft"],
                "withdrawn_count": counts["withdrawn"],
                "dashboard_url": settings.SITE_URL + reverse("review:dashboard", args=[call.slug]),
                "site_url": settings.SITE_URL,
            },
            call=call,
        )


def counted_eois(count):
    return ngettext(
        "%(count)d expression of interest", "%(count)d expressions of interest", count
    ) % {"count": count}


def counted_applications(assignments):
    """What the assignments are of, counted: "3 expressions of interest", "2 full proposals"
    (a later stage's round), or both."""
    proposals = sum(1 for assignment in assignments if assignment.stage_id)
    eois = len(assignments) - proposals
    counted = [counted_eois(eois)] if eois else []
    if proposals:
        counted.append(
            ngettext("%(count)d full proposal", "%(count)d full proposals", proposals)
            % {"count": proposals}
        )
    if len(counted) == 2:
        return gettext("%(first)s and %(second)s") % {"first": counted[0], "second": counted[1]}
    return counted[0]


def _reviewer_values(reviewer, call, assignments):
    due = min(assignment.due_at for assignment in assignments)
    return lambda: {
        "reviewer_name": reviewer.get_short_name(),
        "call_title": call.title,
        "eoi_count": len(assignments),
        "eois_to_review": counted_applications(assignments),
        "reviews_to_do": ngettext("%(count)d review", "%(count)d reviews", len(assignments))
        % {"count": len(assignments)},
        "review_due": _local(due, call),
        "reviews_url": settings.SITE_URL + reverse("review:assignments"),
        "site_url": settings.SITE_URL,
    }


def reviews_assigned(reviewer, assignments):
    """One mail for a batch of new assignments of one reviewer."""
    call = assignments[0].eoi.call
    first = min(assignment.pk for assignment in assignments)
    queue_email(
        key=f"assigned:{reviewer.pk}:{first}",
        event=Event.REVIEWER_ASSIGNED,
        recipient=reviewer,
        values=_reviewer_values(reviewer, call, assignments),
        call=call,
    )


def reviews_due(reviewer, call, assignments):
    due = min(assignment.due_at for assignment in assignments)
    # A later stage's round is reminded apart from the EOI's (the EOI's key as it always was).
    stage = assignments[0].stage_id
    queue_email(
        key=f"review_due:{reviewer.pk}:{call.pk}:{due:%Y%m%d}" + (f":{stage}" if stage else ""),
        event=Event.REVIEW_DUE,
        recipient=reviewer,
        values=_reviewer_values(reviewer, call, assignments),
        call=call,
    )


# Each stage's decision has its mail, by the stage's kind (submissions.Stage.Kind); the
# expression of interest's (no stage) is Event.DECISION.
DECISION_EVENTS = {
    "proposal": Event.PROPOSAL_DECISION,
    "interview": Event.INTERVIEW_DECISION,
    "award": Event.AWARD_DECISION,
}


def decision_released(decision, coapplicants=()):
    """The outcome of a stage, to the lead applicant and a copy to each co-applicant: once per
    EOI and stage."""
    eoi = decision.eoi
    stage = decision.stage
    is_later = stage is not None and stage.kind in DECISION_EVENTS
    _to_applicant(
        eoi,
        f"decision:{eoi.pk}:{stage.pk}" if is_later else f"decision:{eoi.pk}",
        DECISION_EVENTS[stage.kind] if is_later else Event.DECISION,
        coapplicants,
        decision=lambda: decision.get_outcome_display(),
        feedback=decision.feedback,
    )


def grant_letter_issued(grant, coapplicants=()):
    """The grant letter is ready, to the lead applicant and a copy to each co-applicant; once
    per issue of the letter."""
    eoi = grant.eoi
    _to_applicant(
        eoi,
        f"grant_letter:{grant.pk}:{grant.letter_issued_at.isoformat()}",
        Event.GRANT_LETTER,
        coapplicants,
        amount=lambda: euros(grant.amount, 2),
        letter_url=settings.SITE_URL + reverse("awards:letter", args=[eoi.uuid]),
    )


def discussion_comment(comment, recipients):
    """Each other discussant learns that `comment` was posted, with the way to it, never its
    text. `recipients` are (person, the address of the page where they read the discussion)."""
    eoi = comment.eoi
    for recipient, path in recipients:
        queue_email(
            key=f"discussion_comment:{comment.pk}:{recipient.pk}",
            event=Event.DISCUSSION_COMMENT,
            recipient=recipient,
            values=lambda recipient=recipient, path=path: {
                "recipient_name": recipient.get_short_name(),
                "author_name": str(comment.author),
                "call_title": eoi.call.title,
                "reference": eoi.reference or "",
                "discussion_url": settings.SITE_URL + path + "#discussion",
                "site_url": settings.SITE_URL,
            },
            call=eoi.call,
            eoi=eoi,
        )


def _attachment_note(message):
    """A line naming the message's file, in the reader's language (the values are computed
    under it); nothing when there is none. The file itself stays on the site."""
    if not message.original_name:
        return ""
    return (
        gettext("A file comes with it, to open on the site: %(name)s")
        % {"name": message.original_name}
        + "\n\n"
    )


def message_to_applicant(message):
    """A message of the Secretariat's, to the applicant in their language."""
    eoi = message.eoi
    _to_applicant(
        eoi,
        f"message:{message.pk}",
        Event.MESSAGE_TO_APPLICANT,
        message=message.text,
        attachment=lambda: _attachment_note(message),
    )


def message_to_secretariat(message):
    """An applicant's message, to every active member of the Secretariat, each in their own
    language. Each of them, not the call's contact address: a mail is written for a person
    (their language, their account), and the one who asked may be any of them."""
    eoi = message.eoi
    secretariat = get_user_model().objects.filter(groups__name=SECRETARIAT, is_active=True)
    page = settings.SITE_URL + reverse("review:secretariat_eoi", args=[eoi.uuid])
    for member in secretariat.distinct():
        queue_email(
            key=f"message:{message.pk}:{member.pk}",
            event=Event.MESSAGE_TO_SECRETARIAT,
            recipient=member,
            values=_eoi_values(
                eoi,
                recipient_name=member.get_short_name(),
                # The Secretariat knows applicants by their full name (or address).
                applicant_name=str(eoi.owner),
                eoi_url=page,
                message=message.text,
                attachment=lambda: _attachment_note(message),
            ),
            call=eoi.call,
            eoi=eoi,
        )


def coapplicant_invitation(invitation, link, valid_until):
    """The invitation to co-apply, to the address the lead gave: in the language of its
    account if it has one, otherwise in the lead's. `link` is the only place the invitation's
    token is written."""
    eoi = invitation.eoi
    known = get_user_model().objects.filter(email__iexact=invitation.email, is_active=True).first()
    queue_email(
        key=f"coapplicant_invitation:{invitation.pk}",
        event=Event.COAPPLICANT_INVITATION,
        recipient=known,
        to=invitation.email,
        language=eoi.owner.preferred_language,
        values=lambda: {
            "lead_name": str(eoi.owner),
            "call_title": eoi.call.title,
            "call_headline": eoi.call.headline,
            "eoi_title": eoi.title or gettext("Untitled expression of interest"),
            "invitation_url": link,
            "valid_until": _local(valid_until, eoi.call),
            "site_url": settings.SITE_URL,
        },
        call=eoi.call,
        eoi=eoi,
    )


def interview_mails(booking, event, calendar, *, applicant_url, panel_url, interviewers):
    """The interview booked, moved or cancelled (`event`), with its calendar invitation (the
    function `calendar` writes its .ics text, whose iTIP method says which), to the lead
    applicant and to the Secretariat's side: the slot's `interviewers`, or else the call's
    contact address, or else every active member of the Secretariat. The applicant reads the
    time in the zone they booked in, the others in the call's. One mail per recipient and
    revision of the booking."""
    eoi, slot = booking.eoi, booking.slot
    call = eoi.call
    method = "CANCEL" if event in INTERVIEW_CANCELLATIONS else "REQUEST"

    def values(name, zone, url):
        return lambda: {
            "recipient_name": name,
            "applicant_name": str(eoi.owner),
            "call_title": call.title,
            "reference": eoi.reference or "",
            "eoi_title": eoi.title,
            "starts_local": local_moment(slot.starts_at, zone),
            "duration_minutes": slot.duration_minutes,
            "location": slot.location,
            "video_url": slot.video_url,
            "interview_url": settings.SITE_URL + url,
            "site_url": settings.SITE_URL,
            "reason": booking.secretariat_reason,
        }

    def attachment():
        # Worded in the recipient's language, as the mail is.
        return [
            {
                "filename": "interview.ics",
                "content_type": "text/calendar",
                "method": method,
                "content": calendar(),
            }
        ]

    key = f"interview:{booking.pk}:{booking.sequence}"
    applicant_zone = zone_named(booking.time_zone) or call.zone
    queue_email(
        key=f"{key}:{eoi.owner_id}",
        event=event,
        recipient=eoi.owner,
        values=values(eoi.owner.get_short_name(), applicant_zone, applicant_url),
        attachments=attachment,
        call=call,
        eoi=eoi,
    )
    panel = list(interviewers)
    if not panel and call.contact_email:
        queue_email(
            key=f"{key}:contact",
            event=event,
            recipient=None,
            to=call.contact_email,
            language=settings.LANGUAGE_CODE,
            values=values(gettext("Secretariat"), call.zone, panel_url),
            attachments=attachment,
            call=call,
            eoi=eoi,
        )
        return
    if not panel:
        panel = get_user_model().objects.filter(groups__name=SECRETARIAT, is_active=True)
    for person in panel:
        queue_email(
            key=f"{key}:{person.pk}",
            event=event,
            recipient=person,
            values=values(person.get_short_name(), call.zone, panel_url),
            attachments=attachment,
            call=call,
            eoi=eoi,
        )
