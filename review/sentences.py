"""The audit trail's sentences for assignments, reviews and decisions."""

from django.utils.translation import gettext as _

from audit.wording import says
from submissions.models import Stage

from .models import Decision


@says("review.assigned")
def assigned(who, entry):
    if entry.details.get("automatic"):
        return _("%(who)s assigned %(reviewer)s to review it (automatic assignment).") % {
            "who": who,
            "reviewer": entry.details.get("reviewer", ""),
        }
    if entry.details.get("stage"):
        return _("%(who)s assigned %(reviewer)s to review its full proposal.") % {
            "who": who,
            "reviewer": entry.details.get("reviewer", ""),
        }
    return _("%(who)s assigned %(reviewer)s to review it.") % {
        "who": who,
        "reviewer": entry.details.get("reviewer", ""),
    }


@says("review.conflict_declared")
def conflict_declared(who, entry):
    reason = entry.details.get("reason")
    if reason:
        return _("%(who)s declared a conflict of interest: “%(reason)s”.") % {
            "who": who,
            "reason": reason,
        }
    return _("%(who)s declared a conflict of interest.") % {"who": who}


@says("review.scored")
def scored(who, entry):
    return _("%(who)s submitted a review with a total of %(total)s.") % {
        "who": who,
        "total": entry.details.get("total", ""),
    }


@says("decision.made")
def decided(who, entry):
    outcome = entry.details.get("outcome")
    label = Decision.Outcome(outcome).label if outcome in Decision.Outcome.values else outcome
    stage = entry.details.get("stage")
    if stage in Stage.Kind.values and stage != Stage.Kind.EXPRESSION_OF_INTEREST:
        return _(
            "%(who)s recorded the decision “%(outcome)s” for the stage “%(stage)s” "
            "(not yet released)."
        ) % {
            "who": who,
            "outcome": label,
            "stage": Stage.Kind(stage).label,
        }
    return _("%(who)s recorded the decision “%(outcome)s” (not yet released).") % {
        "who": who,
        "outcome": label,
    }


@says("review.no_conflict_declared")
def no_conflict_declared(who, entry):
    return _("%(who)s declared no conflict of interest and opened the application.") % {"who": who}


def _with_whom(entry):
    """What a recorded conflict is with: an organisation by name, else this application."""
    organisation = entry.details.get("organisation")
    if organisation:
        return organisation
    return _("this application")


@says("review.conflict_recorded")
def conflict_recorded(who, entry):
    return _("%(who)s recorded a conflict of interest of %(reviewer)s with %(whom)s.") % {
        "who": who,
        "reviewer": entry.details.get("reviewer", ""),
        "whom": _with_whom(entry),
    }


@says("review.conflict_removed")
def conflict_removed(who, entry):
    return _("%(who)s removed the conflict of interest of %(reviewer)s with %(whom)s.") % {
        "who": who,
        "reviewer": entry.details.get("reviewer", ""),
        "whom": _with_whom(entry),
    }


@says("review.expertise_changed")
def expertise_changed(who, entry):
    return _("%(who)s changed the challenges and countries they know.") % {"who": who}


@says("review.commented")
def commented(who, entry):
    return _("%(who)s commented in the reviewers’ discussion.") % {"who": who}


@says("review.board_meeting_recorded")
def board_meeting_recorded(who, entry):
    return _("%(who)s recorded the notes of the Review Board meeting of %(date)s.") % {
        "who": who,
        "date": entry.details.get("held_on", ""),
    }


@says("review.board_meeting_changed")
def board_meeting_changed(who, entry):
    return _("%(who)s changed the notes of the Review Board meeting of %(date)s.") % {
        "who": who,
        "date": entry.details.get("held_on", ""),
    }
