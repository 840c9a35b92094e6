"""The lifecycle of an expression of interest: one table of moves, one function that makes them.

Every status an EOI takes is set by `change_status`, nowhere else (tests/submissions/
test_lifecycle_table.py checks the source for other writers). A move is allowed when the table
has its (from, to) pair for that kind of actor, at the right time: the applicant moves until
the EOI's deadline (the call's, or their extension), the Secretariat and the system only after
it. So no EOI is decided while its applicant may still change or withdraw it, and no release
undoes a withdrawal.

The later stages (docs/ARCHITECTURE.md, Stages) add their rows: an EOI is in the stage its last
released outcome opened (`ExpressionOfInterest.stage`), and that stage's outcomes move it on.
"After the deadline" for a later stage is after its own `closes_at`; a stage without dates
(to be announced, or an interview or award that asks the applicant nothing) holds no deadline
of its own: its decision may be released as soon as the EOI is in it, the EOI's deadline
having passed before it got there. A call that skips a kind goes straight to the next one's
outcomes: an EOI invited in a call without a proposal stage is in the interview (or award)
stage, and takes that stage's outcomes from "invited"; so each later kind's rows start from
the outcome that opens any stage before it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit import trail
from core.timezones import local_moment
from notifications import notify

from .models import OUTCOMES as STAGE_OUTCOMES
from .models import CoApplicant, ExpressionOfInterest, Extension, Stage

Status = ExpressionOfInterest.Status

# Who makes a move. The views and rules check which person may act for whom; the table says
# which kind of actor a move belongs to.
APPLICANT, SECRETARIAT, SYSTEM = "applicant", "secretariat", "system"
# When: while the applicant may still change the EOI, or once that time is over; or, for the
# applicant's move out of a later stage, before the deadline of that stage.
BEFORE_DEADLINE, AFTER_DEADLINE = "before deadline", "after deadline"
BEFORE_STAGE_DEADLINE = "before the stage's deadline"


class DomainError(Exception):
    """A change that cannot be made, with a message for the person who asked for it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class Refused(DomainError):
    """The table has no such move for this actor."""


class OutOfTime(Refused):
    """The move is in the table, but not at this moment."""


def _decision_released(eoi):
    # The outcome's mail carries the feedback of the decision of the stage the EOI was in
    # before this move (review.domain.release saved it). Each co-applicant gets a copy: the
    # outcome is theirs too.
    coapplicants = [
        link.user for link in CoApplicant.objects.active().filter(eoi=eoi).select_related("user")
    ]
    decision = eoi.decisions.select_related("stage").get(stage_id=eoi.decided_stage_id)
    notify.decision_released(decision, coapplicants=coapplicants)


@dataclass(frozen=True)
class Move:
    by: str
    event: str  # the audit entry's action
    mail: Callable | None  # queues the mail about the EOI (notifications.notify)
    when: str


TRANSITIONS = {
    (Status.DRAFT, Status.SUBMITTED): Move(
        APPLICANT, "eoi.submitted", notify.submission_received, BEFORE_DEADLINE
    ),
    (Status.DRAFT, Status.WITHDRAWN): Move(APPLICANT, "eoi.withdrawn", None, BEFORE_DEADLINE),
    (Status.SUBMITTED, Status.WITHDRAWN): Move(APPLICANT, "eoi.withdrawn", None, BEFORE_DEADLINE),
    # Withdrawing the full proposal withdraws the application (submissions.proposals.withdraw),
    # until the proposal's deadline: as the EOI, never once its stage may be decided.
    (Status.INVITED, Status.WITHDRAWN): Move(
        APPLICANT, "eoi.withdrawn", None, BEFORE_STAGE_DEADLINE
    ),
    (Status.SUBMITTED, Status.UNDER_REVIEW): Move(
        SYSTEM, "eoi.under_review", notify.under_review, AFTER_DEADLINE
    ),
}

# The statuses an EOI has while a stage of each kind is up for a decision: the EOI stage's once
# submitted; a later stage's, the outcome that opened it (any earlier kind's that moves on, so
# that a call may skip kinds).
Kind = Stage.Kind
OPENS_NEXT_STAGE = (Status.INVITED, Status.SHORTLISTED, Status.RECOMMENDED)
DECIDED_FROM = {
    Kind.EXPRESSION_OF_INTEREST: (Status.SUBMITTED, Status.UNDER_REVIEW),
    Kind.FULL_PROPOSAL: (Status.INVITED,),
    Kind.INTERVIEW: (Status.INVITED, Status.SHORTLISTED),
    Kind.AWARD: (Status.INVITED, Status.SHORTLISTED, Status.RECOMMENDED),
}
# A decision is recorded internally (review.domain.decide); its release makes it the status.
# The outcomes are the ones each kind of stage may close with (submissions.models.OUTCOMES).
for kind, starts in DECIDED_FROM.items():
    for start in starts:
        for outcome in STAGE_OUTCOMES[kind]:
            if outcome != start:
                TRANSITIONS[(start, Status(outcome))] = Move(
                    SECRETARIAT, "decision.released", _decision_released, AFTER_DEADLINE
                )

# What other code reads, from the table. The applicant changes their answers while they may
# still move the EOI; reviewers score what the Secretariat may decide on.
# (An invited EOI is withdrawn with its proposal, and stays as it was sent.)
EDITABLE_STATUSES = frozenset(
    a
    for (a, _b), move in TRANSITIONS.items()
    if move.by == APPLICANT and move.when == BEFORE_DEADLINE
)
# The expression of interest's review; a later stage's is its own panel's (to come).
REVIEWABLE_STATUSES = frozenset(DECIDED_FROM[Kind.EXPRESSION_OF_INTEREST])
OUTCOMES = frozenset(b for (_a, b), move in TRANSITIONS.items() if move.by == SECRETARIAT)

# Sent inside the transaction of every move, after it: a receiver's work commits or rolls back
# with the move. Arguments: eoi (as it is now), previous (its status before), actor, by.
status_changed = Signal()


def is_waiting_in(eoi, kind):
    """Whether the EOI is in a stage of this kind, waiting for its decision: up for an
    interview in the interview stage (shortlisted, or invited where the call has no full
    proposal), up for a grant in the award stage."""
    return eoi.stage_id is not None and eoi.stage.kind == kind and eoi.status in DECIDED_FROM[kind]


def waiting_in(kind, prefix=""):
    """The same as a filter (`prefix`: the path to the EOI, "eoi__" from a related row)."""
    return Q(**{f"{prefix}stage__kind": kind, f"{prefix}status__in": DECIDED_FROM[kind]})


def allows(start, to, by):
    move = TRANSITIONS.get((start, to))
    return move is not None and move.by == by


def locked_eois(**filters):
    """The EOIs matching `filters`, locked until commit (in one order, so two locks never wait
    on each other), with what their deadline and mails need."""
    return with_deadlines(
        ExpressionOfInterest.objects.select_for_update(of=("self",))
        .filter(**filters)
        .select_related("call", "owner", "stage")
        .order_by("pk")
    )


def with_deadlines(eois):
    """These EOIs with what deadline_for needs, so that checking many costs no query each."""
    extension = Extension.objects.filter(call=OuterRef("call"), applicant=OuterRef("owner"))
    return eois.annotate(extension_until=Subquery(extension.values("until")[:1]))


def extension_until(eoi):
    """The later deadline the Secretariat granted the EOI's applicant in its call, or None."""
    if not hasattr(eoi, "extension_until"):  # annotated by locked_eois and applicant_eois
        eoi.extension_until = (  # kept: a page asks more than once
            Extension.objects.filter(call_id=eoi.call_id, applicant_id=eoi.owner_id)
            .values_list("until", flat=True)
            .first()
        )
    return eoi.extension_until


def later(deadline, extended):
    return max(deadline, extended) if extended else deadline


def deadline_for(eoi):
    """The call's deadline, or the later one the Secretariat granted this applicant."""
    return later(eoi.call.closes_at, extension_until(eoi))


def decision_deadline(eoi):
    """When the Secretariat may decide the stage the EOI is in: after the EOI's deadline for the
    expression of interest; after the full proposal's, the applicant's extension counted as it
    is for writing it (proposals.deadline_for); after a later stage's own deadline, and at once
    (None) for an interview or award without dates."""
    if eoi.stage_id is None:
        return deadline_for(eoi)
    if eoi.stage.kind == Kind.FULL_PROPOSAL and eoi.stage.closes_at:
        return later(eoi.stage.closes_at, extension_until(eoi))
    return eoi.stage.closes_at


def next_stage(eoi, to):
    """The first of the call's stages after the one the EOI is in that decides an EOI with the
    status `to` (a proposal's "recommended" skips the interview), or None."""
    after = eoi.stage.order if eoi.stage_id else None
    return next(
        (
            stage
            for stage in eoi.call.stages.all()
            if not stage.is_eoi
            and (after is None or stage.order > after)
            and to in DECIDED_FROM[stage.kind]
        ),
        None,
    )


def before_deadline(eoi, now=None):
    """The applicant's time: the call has opened and the EOI's deadline has not passed."""
    now = now or timezone.now()
    return eoi.call.opens_at <= now < deadline_for(eoi)


def name_of(eoi):
    if eoi.reference:
        return eoi.reference
    if eoi.title:
        return _("“%(title)s”") % {"title": eoi.title}
    return gettext("This expression of interest")


def stage_kind(eoi):
    return eoi.stage.kind if eoi.stage_id else Kind.EXPRESSION_OF_INTEREST


def up_for(eoi, to):
    """Whether the stage the EOI is in is up for a decision and closes with `to`: the table's
    pair alone would let an EOI decided in one stage be decided again in it."""
    kind = stage_kind(eoi)
    return eoi.status in DECIDED_FROM[kind] and to in STAGE_OUTCOMES[kind]


def why_not(eoi, to, by, now=None):
    """None when `by` may move the EOI to `to` now; otherwise the refusal, naming the EOI."""
    try:
        check(eoi, to, by, now)
    except Refused as refusal:
        return refusal.message
    return None


def check(eoi, to, by, now=None):
    """Raise Refused (or OutOfTime) unless `by` may move the EOI to `to` now."""
    now = now or timezone.now()
    values = {"eoi": name_of(eoi), "status": eoi.get_status_display()}
    move = TRANSITIONS.get((eoi.status, to))
    if move is None or move.by != by or (by == SECRETARIAT and not up_for(eoi, to)):
        if to == Status.SUBMITTED:
            raise Refused(_("%(eoi)s cannot be submitted (%(status)s).") % values)
        if to == Status.WITHDRAWN:
            raise Refused(_("%(eoi)s can no longer be withdrawn (%(status)s).") % values)
        if to in OUTCOMES:
            raise Refused(_("%(eoi)s is not up for a decision (%(status)s).") % values)
        values["to"] = Status(to).label
        raise Refused(_("%(eoi)s cannot become “%(to)s” (%(status)s).") % values)
    by_stage = move.by == SECRETARIAT or move.when == BEFORE_STAGE_DEADLINE
    deadline = decision_deadline(eoi) if by_stage else deadline_for(eoi)
    if deadline is None and by == SECRETARIAT and eoi.stage.kind == Kind.FULL_PROPOSAL:
        # No proposal can be submitted before its deadline is announced (proposals.submit).
        raise OutOfTime(
            _(
                "%(eoi)s: the full proposal's deadline is not announced yet. Set it on the "
                "call's stages, and decide once it has passed."
            )
            % values
        )
    if deadline is None:
        return
    values["deadline"] = local_moment(deadline, eoi.call.zone)
    if move.when in (BEFORE_DEADLINE, BEFORE_STAGE_DEADLINE):
        if now < eoi.call.opens_at:
            values["opens"] = local_moment(eoi.call.opens_at, eoi.call.zone)
            raise OutOfTime(
                _("%(eoi)s cannot be changed before the call opens (%(opens)s).") % values
            )
        if now >= deadline:
            raise OutOfTime(
                _("%(eoi)s can no longer be changed: the deadline has passed (%(deadline)s).")
                % values
            )
    elif now < deadline:
        if by == SECRETARIAT:
            raise OutOfTime(
                _("%(eoi)s is open to its applicant until %(deadline)s: decide after that.")
                % values
            )
        raise OutOfTime(_("%(eoi)s is open to its applicant until %(deadline)s.") % values)


def change_status(eoi, to, actor, *, by, now=None, locked=False, **details):
    """Move the EOI to `to` for `actor` (a person, or None for the system) acting as `by`:
    lock it, check the table and the time, set the status and a new version, write the audit
    entry (with `details`), queue the mail and send status_changed, all in one transaction.
    Returns the EOI as it is now; raises Refused or OutOfTime and changes nothing otherwise.
    `locked`: `eoi` is the row locked_eois read in the caller's transaction, not read again."""
    now = now or timezone.now()
    with transaction.atomic():
        if not locked:
            eoi = locked_eois(pk=eoi.pk).get()
        check(eoi, to, by, now)
        move = TRANSITIONS[(eoi.status, to)]
        previous = eoi.status
        changes = {"status": to, "version": F("version") + 1}
        if by == APPLICANT:
            # "Last saved" is the applicant's own: the Secretariat's and the system's moves
            # leave it, so they raise no "your changes are saved" mail (jobs.confirm_edits).
            changes["updated_at"] = eoi.updated_at = now
            changes["last_saved_by"] = actor
        eoi.decided_stage_id = eoi.stage_id  # the stage this move closes, for its mail
        if by == SECRETARIAT and to in OPENS_NEXT_STAGE and (following := next_stage(eoi, to)):
            # The outcome opens the next stage: the EOI is in it now, up for its decisions.
            changes["stage"] = eoi.stage = following
        if eoi.edits_confirmed_version == eoi.version:
            # A move is not an edit: changes confirmed before it stay confirmed.
            changes["edits_confirmed_version"] = eoi.edits_confirmed_version = eoi.version + 1
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(**changes)
        eoi.status = to
        eoi.version += 1
        trail.record(actor, move.event, eoi, previous_status=previous, status=to, **details)
        if move.mail:
            move.mail(eoi)
        status_changed.send(
            sender=ExpressionOfInterest, eoi=eoi, previous=previous, actor=actor, by=by
        )
    return eoi
