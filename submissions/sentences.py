"""The audit trail's sentences for what happens to an expression of interest and a call."""

from django.core.exceptions import FieldDoesNotExist
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.wording import listed, says
from core.timezones import local_moment
from questionnaires.answers import as_text

from . import answers
from .models import Call, CoApplicant, ExpressionOfInterest, Stage


def _status(value):
    return str(ExpressionOfInterest.Status(value).label) if value else ""


@says("eoi.started")
def started(who, entry):
    return _("%(who)s started the expression of interest.") % {"who": who}


@says("eoi.submitted")
def submitted(who, entry):
    return _("%(who)s submitted the expression of interest.") % {"who": who}


@says("eoi.withdrawn")
def withdrawn(who, entry):
    return _("%(who)s withdrew the expression of interest.") % {"who": who}


@says("eoi.under_review")
def under_review(who, entry):
    return _("%(who)s opened the review: the expression of interest is under review.") % {
        "who": who
    }


@says("eoi.extended")
def extended(who, entry):
    until = parse_datetime(entry.details.get("until") or "")
    eoi = entry.target
    return _("%(who)s extended the applicant's deadline to %(until)s.") % {
        "who": who,
        # In the reader's language and the call's time zone, as the deadline is shown.
        "until": local_moment(until, eoi.call.zone) if until and eoi else "—",
    }


@says("decision.released")
def released(who, entry):
    values = {"who": who, "outcome": _status(entry.details.get("status"))}
    stage = entry.details.get("stage")
    # Entries written before the stage was kept say only the outcome.
    if stage in Stage.Kind.values:
        values["stage"] = Stage.Kind(stage).label
        return _("%(who)s released the decision of the stage “%(stage)s”: %(outcome)s.") % values
    return _("%(who)s released the decision: %(outcome)s.") % values


def _question(entry, key):
    """The question `key` of the questionnaire the EOI's answers were given in, if it asks it."""
    eoi = entry.target
    return answers.answered(eoi).by_key.get(key) if eoi is not None else None


@says("eoi.edited_after_submission")
def edited(who, entry):
    changes = entry.details.get("changes", {})
    parts = []
    for key in entry.details.get("fields", []):
        question = _question(entry, key)
        if question is None:
            continue  # asked by no version any more: nothing to name it by
        if key in changes:
            before, after = (as_text(question, value) or _("nothing") for value in changes[key])
            parts.append(
                _("%(question)s from %(before)s to %(after)s")
                % {"question": question.label, "before": before, "after": after}
            )
        else:
            parts.append(str(question.label))
    if not parts:
        return _("%(who)s changed answers after submitting.") % {"who": who}
    return _("%(who)s changed %(what)s.") % {"who": who, "what": listed(parts)}


@says("eoi.attachments_added", "proposal.attachments_added")
def attachments_added(who, entry):
    return _("%(who)s added %(files)s.") % {
        "who": who,
        "files": listed(entry.details.get("files", [])),
    }


@says("eoi.attachment_removed", "proposal.attachment_removed")
def attachment_removed(who, entry):
    return _("%(who)s removed %(file)s.") % {"who": who, "file": entry.details.get("file", "")}


@says("eoi.message_posted")
def message_posted(who, entry):
    to_applicant = entry.details.get("to") == "applicant"
    file = entry.details.get("file")
    if to_applicant and file:
        text = _("%(who)s wrote to the applicant, with the file %(file)s.")
    elif to_applicant:
        text = _("%(who)s wrote to the applicant.")
    elif file:
        text = _("%(who)s wrote to the Secretariat, with the file %(file)s.")
    else:
        text = _("%(who)s wrote to the Secretariat.")
    return text % {"who": who, "file": file}


@says("eoi.messages_shared")
def messages_shared(who, entry):
    return _("%(who)s shared the messages with the reviewers.") % {"who": who}


@says("eoi.messages_unshared")
def messages_unshared(who, entry):
    return _("%(who)s stopped sharing the messages with the reviewers.") % {"who": who}


def _invitee(entry):
    """The invited address, while its invitation is kept (a deleted account takes it along)."""
    email = (
        CoApplicant.objects.filter(pk=entry.details.get("coapplicant"))
        .values_list("email", flat=True)
        .first()
    )
    return email or _("someone")


@says("coapplicant.invited")
def coapplicant_invited(who, entry):
    return _("%(who)s invited %(email)s to co-apply.") % {"who": who, "email": _invitee(entry)}


@says("coapplicant.accepted")
def coapplicant_accepted(who, entry):
    return _("%(who)s accepted the invitation to co-apply.") % {"who": who}


@says("coapplicant.parts_changed")
def coapplicant_parts_changed(who, entry):
    return _("%(who)s changed what %(email)s may edit.") % {"who": who, "email": _invitee(entry)}


@says("coapplicant.revoked")
def coapplicant_revoked(who, entry):
    return _("%(who)s revoked %(email)s as a co-applicant.") % {
        "who": who,
        "email": _invitee(entry),
    }


@says("eoi.edited_by_coapplicant")
def edited_by_coapplicant(who, entry):
    names = [
        str(question.label)
        for key in entry.details.get("fields", [])
        if (question := _question(entry, key)) is not None
    ]
    return _("%(who)s, a co-applicant, changed %(what)s.") % {
        "who": who,
        "what": listed(names) if names else _("answers"),
    }


def _field_name(name):
    """A call's field, or one of its inline lists (named by its relation), as people say it."""
    try:
        field = Call._meta.get_field(name)
    except FieldDoesNotExist:  # a field since removed
        return _("other settings")
    if field.auto_created and field.is_relation:
        return str(field.related_model._meta.verbose_name_plural)
    return str(field.verbose_name)


@says("call.created")
def call_created(who, entry):
    return _("%(who)s created the call.") % {"who": who}


@says("call.changed")
def call_changed(who, entry):
    return _("%(who)s changed the call: %(what)s.") % {
        "who": who,
        "what": listed(dict.fromkeys(_field_name(n) for n in entry.details.get("fields", []))),
    }


def _partner(entry):
    return (entry.details or {}).get("name") or _("a partner")


@says("partner.asked")
def partner_asked(who, entry):
    return _("%(who)s asked %(partner)s to confirm its row.") % {
        "who": who,
        "partner": _partner(entry),
    }


@says("partner.confirmed")
def partner_confirmed(who, entry):
    if (entry.details or {}).get("by_link"):
        return _("%(partner)s confirmed its row, by the link it was sent.") % {
            "partner": _partner(entry)
        }
    return _("%(who)s confirmed the row of %(partner)s, from their account.") % {
        "who": who,
        "partner": _partner(entry),
    }


@says("partner.declined")
def partner_declined(who, entry):
    if (entry.details or {}).get("by_link"):
        return _("%(partner)s declined its row, by the link it was sent.") % {
            "partner": _partner(entry)
        }
    return _("%(who)s declined the row of %(partner)s, from their account.") % {
        "who": who,
        "partner": _partner(entry),
    }


@says("partner.changed_after_answer")
def partner_changed(who, entry):
    return _("%(who)s changed the row of %(partner)s after it answered: it is asked again.") % {
        "who": who,
        "partner": _partner(entry),
    }


@says("proposal.opened")
def proposal_opened(who, entry):
    count = len(entry.details.get("prefilled") or ())
    return ngettext(
        "The invitation %(who)s released opened the full proposal, started with %(count)d "
        "answer of the expression of interest.",
        "The invitation %(who)s released opened the full proposal, started with %(count)d "
        "answers of the expression of interest.",
        count,
    ) % {"who": who, "count": count}


@says("proposal.submitted")
def proposal_submitted(who, entry):
    return _("%(who)s submitted the full proposal %(reference)s.") % {
        "who": who,
        "reference": entry.details.get("reference") or "",
    }


@says("proposal.edited_after_submission")
def proposal_edited(who, entry):
    return _("%(who)s changed the submitted full proposal: %(fields)s.") % {
        "who": who,
        "fields": listed(entry.details.get("fields") or ()),
    }


@says("proposal.withdrawn")
def proposal_withdrawn(who, entry):
    return _("%(who)s withdrew the full proposal, and with it the application.") % {"who": who}


@says("proposal.edited_by_coapplicant")
def proposal_edited_by_coapplicant(who, entry):
    return _("%(who)s, a co-applicant, changed the full proposal: %(fields)s.") % {
        "who": who,
        "fields": listed(entry.details.get("fields") or ()),
    }
