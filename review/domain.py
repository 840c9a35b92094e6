"""Every change in the review of EOIs, with its audit entry and its mail."""

from collections import Counter
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import REVIEWERS
from audit import trail
from notifications import notify
from notifications.outbox import delivered_together
from submissions import lifecycle
from submissions.lifecycle import REVIEWABLE_STATUSES, DomainError

from . import scoring
from .models import Assignment, Conflict, Decision, Review, Score

DEFAULT_REVIEW_TIME = timedelta(days=21)


def reviewers():
    return get_user_model().objects.filter(groups__name=REVIEWERS, is_active=True)


def active_assignments():
    return Assignment.objects.filter(released_at=None)


def _due(call, due_at):
    return due_at or call.review_due_at or timezone.now() + DEFAULT_REVIEW_TIME


def assign(eois, reviewer, actor, due_at=None):
    """Ask `reviewer` to review these EOIs (one or in bulk). Returns the new assignments."""
    created = []
    with transaction.atomic():
        for eoi in eois:
            if eoi.status not in REVIEWABLE_STATUSES:
                raise DomainError(
                    _("%(eoi)s is not up for review.") % {"eoi": eoi.reference or eoi.title}
                )
            if eoi.owner_id == reviewer.pk:
                raise DomainError(_("Nobody reviews their own expression of interest."))
            if Conflict.objects.filter(eoi=eoi, reviewer=reviewer).exists():
                raise DomainError(
                    _("%(reviewer)s declared a conflict of interest with %(eoi)s.")
                    % {"reviewer": reviewer, "eoi": eoi}
                )
            assignment, new = Assignment.objects.get_or_create(
                eoi=eoi,
                reviewer=reviewer,
                defaults={"due_at": _due(eoi.call, due_at), "assigned_by": actor},
            )
            if new:
                trail.record(actor, "review.assigned", eoi, reviewer=reviewer.email)
                created.append(assignment)
        _tell_reviewers(created)
    return created


def auto_assign(call, actor, per_eoi=None, due_at=None):
    """Give every reviewable EOI of the call `per_eoi` reviewers (the call's setting by
    default), choosing the least loaded reviewers and skipping owners and conflicts."""
    per_eoi = per_eoi or call.reviews_per_eoi
    pool = list(reviewers().order_by("pk"))
    load = Counter(
        dict(
            active_assignments()
            .filter(eoi__call=call)
            .values_list("reviewer")
            .annotate(n=Count("pk"))
        )
    )
    taken = set(Assignment.objects.filter(eoi__call=call).values_list("eoi_id", "reviewer_id"))
    conflicts = set(Conflict.objects.filter(eoi__call=call).values_list("eoi_id", "reviewer_id"))
    eois = (
        call.eois.filter(status__in=REVIEWABLE_STATUSES)
        .annotate(active=Count("assignments", filter=Q(assignments__released_at=None)))
        .filter(active__lt=per_eoi)
        .order_by("reference")
    )
    created = []
    with transaction.atomic():
        for eoi in eois:
            candidates = [
                reviewer
                for reviewer in pool
                if reviewer.pk != eoi.owner_id
                and (eoi.pk, reviewer.pk) not in taken
                and (eoi.pk, reviewer.pk) not in conflicts
            ]
            candidates.sort(key=lambda reviewer: load[reviewer.pk])
            for reviewer in candidates[: per_eoi - eoi.active]:
                created.append(
                    Assignment.objects.create(
                        eoi=eoi, reviewer=reviewer, due_at=_due(call, due_at), assigned_by=actor
                    )
                )
                trail.record(actor, "review.assigned", eoi, reviewer=reviewer.email, automatic=True)
                load[reviewer.pk] += 1
        _tell_reviewers(created)
    return created


def _tell_reviewers(assignments):
    by_reviewer = {}
    for assignment in assignments:
        by_reviewer.setdefault(assignment.reviewer, []).append(assignment)
    with delivered_together():
        for reviewer, theirs in by_reviewer.items():
            notify.reviews_assigned(reviewer, theirs)


def declare_conflict(assignment, reason, actor):
    """The reviewer declares a conflict: the assignment is released and they never see the EOI."""
    with transaction.atomic():
        Conflict.objects.get_or_create(
            eoi=assignment.eoi, reviewer=assignment.reviewer, defaults={"reason": reason}
        )
        assignment.released_at = timezone.now()
        assignment.release_reason = Assignment.Release.CONFLICT
        assignment.save(update_fields=["released_at", "release_reason"])
        Review.objects.filter(eoi=assignment.eoi, reviewer=assignment.reviewer).delete()
        trail.record(actor, "review.conflict_declared", assignment.eoi, reason=reason)
        scoring.refresh_call_scores(assignment.eoi.call)


def save_review(assignment, actor, scores, recommendation, internal_comment, feedback, submit):
    """Save a reviewer's scores ({criterion: (value, comment)}) and texts; submit if asked and
    complete. Reviews change while the EOI is up for review: not once it is withdrawn or its
    decision is released. Returns the review."""
    eoi = assignment.eoi
    if assignment.released_at or eoi.status not in REVIEWABLE_STATUSES:
        raise DomainError(_("This review can no longer be changed."))
    criteria = list(eoi.call.criteria.all())
    with transaction.atomic():
        review, _new = Review.objects.select_for_update().get_or_create(
            eoi=eoi, reviewer=assignment.reviewer
        )
        for criterion in criteria:
            if criterion in scores and scores[criterion][0] is not None:
                value, comment = scores[criterion]
                Score.objects.update_or_create(
                    review=review,
                    criterion=criterion,
                    defaults={"value": value, "comment": comment},
                )
        review.recommendation = recommendation
        review.internal_comment = internal_comment
        review.applicant_feedback = feedback
        review.total = scoring.weighted_total(review)
        if submit:
            if review.scores.count() < len(criteria) or not recommendation:
                raise DomainError(_("Score every criterion and give a recommendation to submit."))
            review.status = Review.Status.SUBMITTED
            review.submitted_at = review.submitted_at or timezone.now()
        review.save()
        if review.status == Review.Status.SUBMITTED:
            trail.record(
                actor,
                "review.scored",
                eoi,
                reviewer=assignment.reviewer.email,
                total=str(review.total),
            )
            scoring.refresh_call_scores(eoi.call)
    return review


def _locked_eois(pks):
    """Decisions, releases and withdrawals all lock the EOI first: whichever comes second sees
    the status the first one left."""
    return {eoi.pk: eoi for eoi in lifecycle.locked_eois(pk__in=pks)}


def _refuse_if_undecidable(eois_and_outcomes, now, nothing_done):
    """All or nothing: the refusal names every EOI that cannot take its outcome now. A
    decision is checked as its release will be, by the status table."""
    reasons = [
        reason
        for eoi, outcome in eois_and_outcomes
        if (reason := lifecycle.why_not(eoi, outcome, lifecycle.SECRETARIAT, now))
    ]
    if reasons:
        raise DomainError(f"{nothing_done} {' '.join(reasons)}")


def decide(eoi, outcome, actor, feedback=None, now=None):
    """Record the outcome of one EOI (and its feedback, unless None: then the written one
    stays); it stays internal until released."""
    decide_all([eoi], outcome, actor, feedback=feedback, now=now)


def decide_all(eois, outcome, actor, feedback=None, now=None):
    """Record one outcome for each of these EOIs, all or none: only once an EOI's deadline
    (its extension counted) has passed, while it is up for review."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_eois([eoi.pk for eoi in eois])
        _refuse_if_undecidable(
            [(eoi, outcome) for eoi in locked.values()], now, _("Nothing was decided.")
        )
        changes = {"outcome": outcome, "decided_by": actor}
        if feedback is not None:
            changes["feedback"] = feedback
        for eoi in locked.values():
            Decision.objects.update_or_create(eoi=eoi, defaults=changes)
            trail.record(actor, "decision.made", eoi, outcome=outcome)
    return len(locked)


def release(decisions, actor, now=None):
    """Tell the applicants, all or none: each EOI takes its outcome as status and its owner
    gets the mail. A decision the status table or the deadline no longer allows (the EOI was
    withdrawn, or reopened by an extension) stops the release, and the message names it."""
    now = now or timezone.now()
    with transaction.atomic(), delivered_together():
        eois = _locked_eois(decisions.filter(released_at=None).values("eoi_id"))
        pending = list(
            Decision.objects.select_for_update()
            .filter(eoi__in=list(eois), released_at=None)
            .order_by("eoi_id")
        )
        _refuse_if_undecidable(
            [(eois[decision.eoi_id], decision.outcome) for decision in pending],
            now,
            _("Nothing was released."),
        )
        for decision in pending:
            decision.released_at = now
            decision.save(update_fields=["released_at"])
            lifecycle.change_status(
                eois[decision.eoi_id], decision.outcome, actor, by=lifecycle.SECRETARIAT, now=now
            )
    return len(pending)


def remind_reviewers(now=None):
    """Once per reviewer, call and due date: reviews due within two days and not submitted."""
    now = now or timezone.now()
    submitted = Review.objects.filter(
        eoi=OuterRef("eoi"), reviewer=OuterRef("reviewer"), status=Review.Status.SUBMITTED
    )
    open_assignments = (
        active_assignments()
        .filter(due_at__lte=now + timedelta(days=2), eoi__status__in=REVIEWABLE_STATUSES)
        .exclude(eoi__decision__released_at__isnull=False)
        .exclude(Exists(submitted))
        .select_related("reviewer", "eoi__call")
    )
    batches = {}
    for assignment in open_assignments:
        key = (assignment.reviewer, assignment.eoi.call, assignment.due_at.date())
        batches.setdefault(key, []).append(assignment)
    for (reviewer, call, _due_day), theirs in batches.items():
        with transaction.atomic():
            notify.reviews_due(reviewer, call, theirs)
    return len(batches)
