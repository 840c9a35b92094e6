"""Every change in the review of EOIs, with its audit entry and its mail."""

import functools
import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import REVIEWERS, SECRETARIAT
from audit import trail
from notifications import notify
from notifications.outbox import delivered_together
from submissions import answers, lifecycle
from submissions.lifecycle import REVIEWABLE_STATUSES, DomainError
from submissions.models import Challenge, CoApplicant, ExpressionOfInterest, Stage
from submissions.models import Proposal as FullProposal

from . import scoring
from .models import (
    Assignment,
    Conflict,
    Decision,
    Review,
    ReviewComment,
    ReviewerExpertise,
    Score,
    current_decision,
    rubric_of,
)

DEFAULT_REVIEW_TIME = timedelta(days=21)

# What an outcome needs of the apps above review before an EOI takes it, asked wherever it is
# decided or released: outcome -> [check(eoi) -> the reason it cannot, or None]. awards adds
# that an EOI is awarded only once its grant is recorded (its AppConfig.ready).
decision_checks = defaultdict(list)


def reviewers():
    return get_user_model().objects.filter(groups__name=REVIEWERS, is_active=True)


def active_assignments(stage=None):
    """The assignments not released in one round of review: the EOI's (no stage), or a later
    stage's."""
    return Assignment.objects.filter(released_at=None, stage=stage)


def proposals_up_for_review(stage):
    """The proposals a reviewed stage's reviewers may score: submitted, their EOI in that stage
    and waiting for its decision (neither withdrawn nor decided and released)."""
    return FullProposal.objects.filter(
        stage=stage,
        status=FullProposal.Status.SUBMITTED,
        eoi__stage=stage,
        eoi__status__in=lifecycle.DECIDED_FROM[stage.kind],
    )


def reviewable(stage):
    """The EOIs up for review in a round: the EOI's own, or those whose proposal is."""
    if stage is None:
        return ExpressionOfInterest.objects.filter(status__in=REVIEWABLE_STATUSES)
    return ExpressionOfInterest.objects.filter(
        pk__in=proposals_up_for_review(stage).values("eoi_id")
    )


def is_up_for_review(eoi, stage=None):
    if stage is None:
        return eoi.status in REVIEWABLE_STATUSES
    return proposals_up_for_review(stage).filter(eoi=eoi).exists()


def still_to_review():
    """The assignments whose review is still wanted: the EOI's round while the EOI is up for
    review and nothing is released on it; a later stage's while the EOI waits in that stage,
    neither withdrawn nor decided and released there. What a reviewer's load counts and the
    reminders remind of."""
    decided_here = Decision.objects.filter(
        eoi=OuterRef("eoi"), stage=OuterRef("stage"), released_at__isnull=False
    )
    return Q(released_at=None, reviewed_at=None) & (
        (
            Q(stage=None, eoi__status__in=REVIEWABLE_STATUSES)
            & ~Q(eoi__decisions__released_at__isnull=False)
        )
        | (
            Q(stage__isnull=False, eoi__stage=F("stage"))
            & ~Q(eoi__status=ExpressionOfInterest.Status.WITHDRAWN)
            & ~Exists(decided_here)
        )
    )


def reviewers_with_load():
    """The reviewers, each with `load`: the reviews they have been asked for and not yet
    submitted, across calls and rounds (what the Secretariat weighs when it picks one). One
    query, a copy of the one built once per process: resolving the lookups of its subqueries
    cost ~3 ms of CPU on each page with the menu, and nothing in it changes between requests."""
    return _reviewers_with_load().all()


@functools.cache
def _reviewers_with_load():
    open_reviews = (
        Assignment.objects.filter(still_to_review(), reviewer=OuterRef("pk"))
        .order_by()
        .values("reviewer")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        reviewers()
        .only("name", "email")  # what the menus show
        .annotate(load=Coalesce(Subquery(open_reviews), 0))
        .order_by("name", "email")
    )


@dataclass
class Change:
    """What a bulk action would do to one EOI: `what`, or why it cannot (`refusal`)."""

    eoi: object
    what: str = ""
    refusal: str = ""
    decision: object = None  # a release's
    hearing: object = None  # who a release tells (Hearing)


def what_would_change(action, eois, *, reviewer=None, outcome=None, now=None, stage=None):
    """Each EOI with what `action` would do to it, shown before it is done. Any refusal
    stops the whole action (assign, decide_all and release are all or nothing)."""
    now = now or timezone.now()
    eois = list(eois)
    if action == "assign":
        return _assigning(eois, reviewer, stage)
    if action == "decide":
        label = Decision.Outcome(outcome).label
        if eois:
            _refuse_unless_it_closes(stage_of(eois), outcome)
        return [
            Change(
                eoi,
                what=_("%(before)s → %(after)s") % {"before": _decided(eoi), "after": label},
                refusal=_why_not_decide(eoi, outcome, now) or "",
            )
            for eoi in eois
        ]
    hearing = _who_hears(eois)
    return [_releasing(eoi, now, hearing[eoi.pk]) for eoi in eois]


def _decided(eoi):
    decision = current_decision(eoi)
    return decision.get_outcome_display() if decision else _("no decision yet")


def stage_name(stage):
    return stage.get_kind_display() if stage else Stage.Kind.EXPRESSION_OF_INTEREST.label


def stage_of(eois):
    """The one stage these EOIs (of one call) are in, as a Stage (unsaved for a call without
    stage rows); a DomainError naming them when they are in different stages."""
    stages = {eoi.stage_id: eoi.stage for eoi in eois}
    if len(stages) > 1:
        raise DomainError(
            _(
                "The expressions of interest ticked are in different stages (%(stages)s): "
                "decide one stage at a time."
            )
            % {"stages": ", ".join(str(stage_name(stage)) for stage in stages.values())}
        )
    eoi = eois[0]
    return eoi.stage if eoi.stage_id else eoi.call.stages_in_order()[0]


def _refuse_unless_it_closes(stage, outcome):
    if outcome not in stage.outcomes:
        raise DomainError(
            _("“%(outcome)s” is not an outcome of the %(stage)s stage (%(outcomes)s).")
            % {
                "outcome": Decision.Outcome(outcome).label,
                "stage": str(stage.get_kind_display()).lower(),
                "outcomes": ", ".join(str(Decision.Outcome(o).label) for o in stage.outcomes),
            }
        )


@dataclass
class Hearing:
    """Who hears a released outcome by mail: the lead applicant and each active co-applicant."""

    lead: object
    coapplicants: list = field(default_factory=list)

    @property
    def people(self):
        return [self.lead, *self.coapplicants]


def _who_hears(eois):
    hearing = {eoi.pk: Hearing(eoi.owner) for eoi in eois}
    links = (
        CoApplicant.objects.active()
        .filter(eoi__in=list(hearing))
        .select_related("user")
        .order_by("user__name", "pk")
    )
    for link in links:
        hearing[link.eoi_id].coapplicants.append(link.user)
    return hearing


def who_hears_what(changes):
    """The release's mails by stage and outcome, for its confirmation page: [(stage name,
    outcome, the people told)], in the order of the changes."""
    groups = {}
    for change in changes:
        if change.decision and not change.refusal and change.hearing:
            key = (str(stage_name(change.decision.stage)), change.decision.get_outcome_display())
            groups.setdefault(key, []).extend(change.hearing.people)
    return [(stage, outcome, people) for (stage, outcome), people in groups.items()]


def _assigning(eois, reviewer, stage=None):
    crossed = crossed_conflicts(eois, [reviewer.pk])
    # Released ones too: assign() keeps one assignment per EOI and reviewer, and does not
    # bring back one the Secretariat released.
    assigned = dict(
        Assignment.objects.filter(
            eoi__in=[eoi.pk for eoi in eois], reviewer=reviewer, stage=stage
        ).values_list("eoi_id", "released_at")
    )
    up = _up_for_review(eois, stage)
    changes = []
    for eoi in eois:
        change = Change(eoi)
        if refusal := _why_not_assign(eoi, reviewer, crossed, up):
            change.refusal = refusal
        elif eoi.pk in assigned and assigned[eoi.pk] is not None:
            change.what = _("%(reviewer)s was released from it earlier: no change.") % {
                "reviewer": reviewer
            }
        elif eoi.pk in assigned:
            change.what = _("Already assigned to %(reviewer)s: no change.") % {"reviewer": reviewer}
        else:
            change.what = _("%(reviewer)s is asked to review it.") % {"reviewer": reviewer}
        changes.append(change)
    return changes


def _up_for_review(eois, stage):
    """The pks of these EOIs up for review in the round (one query for a later stage's)."""
    if stage is None:
        return {eoi.pk for eoi in eois if eoi.status in REVIEWABLE_STATUSES}
    return set(
        proposals_up_for_review(stage)
        .filter(eoi__in=[eoi.pk for eoi in eois])
        .values_list("eoi_id", flat=True)
    )


def _why_not_assign(eoi, reviewer, crossed, up):
    """Why `reviewer` may not review `eoi`, or None: assign() refuses, and its preview says,
    the same. `crossed` is crossed_conflicts() of the EOIs and the reviewer; `up` the pks of
    those up for review in the round (_up_for_review). A conflict with the EOI or its
    organisations holds for its proposals too."""
    if eoi.pk not in up:
        return _("%(eoi)s is not up for review.") % {"eoi": eoi.reference or eoi.title}
    if eoi.owner_id == reviewer.pk:
        return _("Nobody reviews their own expression of interest.")
    if conflict := crossed.get((eoi.pk, reviewer.pk)):
        return _conflict_message(conflict, eoi)
    return None


def _releasing(eoi, now, hearing):
    decision = current_decision(eoi)
    if decision is None:
        return Change(eoi, what=_("No decision to release: no change."))
    if decision.released_at:
        return Change(eoi, what=_("Already released: no change."))
    return Change(
        eoi,
        what=_("%(stage)s: %(outcome)s. Told by mail: %(people)s.")
        % {
            "stage": stage_name(eoi.stage),
            "outcome": decision.get_outcome_display(),
            "people": ", ".join(str(person) for person in hearing.people),
        },
        refusal=_why_not_decide(eoi, decision.outcome, now) or "",
        decision=decision,
        hearing=hearing,
    )


def _due(call, due_at, stage=None):
    # The call's review due date is the EOI round's.
    if stage is None and call.review_due_at:
        return due_at or call.review_due_at
    return due_at or timezone.now() + DEFAULT_REVIEW_TIME


def crossed_conflicts(eois, reviewer_pks):
    """{(EOI pk, reviewer pk): the conflict} for every pair of these EOIs and reviewers that
    crosses a conflict of interest: one with the EOI, or one with an organisation it names (its
    lead or a partner, read from the answers only when such a conflict exists)."""
    eois = list(eois)
    crossed = {
        (conflict.eoi_id, conflict.reviewer_id): conflict
        for conflict in Conflict.objects.filter(
            eoi__in=[eoi.pk for eoi in eois], reviewer__in=reviewer_pks
        )
    }
    by_name = {}
    for conflict in Conflict.objects.filter(eoi=None, reviewer__in=reviewer_pks).order_by("pk"):
        by_name.setdefault(answers.same_name(conflict.organisation), []).append(conflict)
    if by_name:
        for eoi in eois:
            for name in answers.organisation_names(eoi) & by_name.keys():
                for conflict in by_name[name]:
                    crossed.setdefault((eoi.pk, conflict.reviewer_id), conflict)
    return crossed


def _conflict_message(conflict, eoi):
    if conflict.eoi_id:
        return _("%(reviewer)s has a conflict of interest with %(eoi)s.") % {
            "reviewer": conflict.reviewer,
            "eoi": eoi,
        }
    return _("%(reviewer)s has a conflict of interest with %(organisation)s, named in %(eoi)s.") % {
        "reviewer": conflict.reviewer,
        "organisation": conflict.organisation,
        "eoi": eoi,
    }


def _round(stage):
    """The audit entry's note of a later stage's round (nothing for the EOI's)."""
    return {} if stage is None else {"stage": stage.kind}


def assign(eois, reviewer, actor, due_at=None, stage=None):
    """Ask `reviewer` to review these EOIs (one or in bulk), all or none; with a `stage`, their
    proposals in that reviewed stage. Returns the new assignments."""
    eois = list(eois)
    created = []
    with transaction.atomic():
        crossed = crossed_conflicts(eois, [reviewer.pk])
        up = _up_for_review(eois, stage)
        for eoi in eois:
            if refusal := _why_not_assign(eoi, reviewer, crossed, up):
                raise DomainError(refusal)
            assignment, new = Assignment.objects.get_or_create(
                eoi=eoi,
                reviewer=reviewer,
                stage=stage,
                defaults={"due_at": _due(eoi.call, due_at, stage), "assigned_by": actor},
            )
            if new:
                trail.record(
                    actor, "review.assigned", eoi, reviewer=reviewer.email, **_round(stage)
                )
                created.append(assignment)
        _tell_reviewers(created)
    return created


def assign_proposals(proposals, reviewer, actor, due_at=None):
    """Ask `reviewer` to review these full proposals (ticked on the list), all or none: each
    in its stage's round, by assign() given the stage."""
    by_stage = {}
    for proposal in proposals:
        by_stage.setdefault(proposal.stage, []).append(proposal.eoi)
    created = []
    with transaction.atomic():
        for stage, eois in by_stage.items():
            if not stage.reviewed:
                raise DomainError(
                    _("The %(stage)s stage is not reviewed: nobody is assigned to its proposals.")
                    % {"stage": str(stage.get_kind_display()).lower()}
                )
            created += assign(eois, reviewer, actor, due_at, stage=stage)
    return created


class Match:
    """How a proposed reviewer knows an EOI: one of its challenges, one of its countries, or
    neither (then they were chosen for their load alone)."""

    CHALLENGE, COUNTRY, NONE = 0, 1, 2


@dataclass
class Proposal:
    eoi: object
    reviewers: list = field(default_factory=list)  # (reviewer, Match), in the order chosen
    wanted: int = 0  # how many more reviewers the call asks for

    @property
    def short(self):
        return self.wanted - len(self.reviewers)


@dataclass
class Plan:
    """What automatic assignment would do now: the reviewers proposed for each EOI, and each
    reviewer's load in the call before and after."""

    proposals: list
    load_before: dict
    load_after: dict
    pool: list

    @property
    def pairs(self):
        return sorted(
            (proposal.eoi.pk, reviewer.pk)
            for proposal in self.proposals
            for reviewer, _match in proposal.reviewers
        )

    @property
    def digest(self):
        """Names this plan: the confirmation saves only the plan that was shown."""
        text = ";".join(f"{eoi}:{reviewer}" for eoi, reviewer in self.pairs)
        return hashlib.sha256(text.encode()).hexdigest()

    @property
    def loads(self):
        return [
            (reviewer, self.load_before[reviewer.pk], self.load_after[reviewer.pk])
            for reviewer in self.pool
        ]

    def __len__(self):
        return len(self.pairs)


def _expertise(call, pool):
    """{reviewer pk: (their challenges of this call, their countries)}."""
    known = {reviewer.pk: (set(), set()) for reviewer in pool}
    for expertise in ReviewerExpertise.objects.filter(reviewer__in=pool).prefetch_related(
        Prefetch("challenges", queryset=Challenge.objects.filter(call=call).only("pk"))
    ):
        challenges, countries = known[expertise.reviewer_id]
        challenges.update(challenge.pk for challenge in expertise.challenges.all())
        countries.update(country.code for country in expertise.countries)
    return known


def propose(call, per_eoi=None, stage=None):
    """The plan for giving every reviewable EOI of the call `per_eoi` reviewers (the call's
    setting by default). Never the owner, never across a conflict of interest. Each EOI takes
    first reviewers who know one of its challenges, then one of its countries, then anyone;
    within each, the least loaded. Nobody goes past an even share of the call's reviews while
    someone under it can take one: expertise chooses among the reviewers with room. EOIs with
    the fewest experts choose first, so that scarce experts go where they are needed. With a
    `stage`, the same for the proposals up for review in it, loads counted in that round."""
    per_eoi = per_eoi or call.reviews_per_eoi
    pool = list(reviewers().order_by("name", "email", "pk"))
    counted = dict(
        active_assignments(stage)
        .filter(eoi__call=call, reviewer__in=pool)
        .values_list("reviewer")
        .annotate(n=Count("pk"))
    )
    load = Counter({reviewer.pk: counted.get(reviewer.pk, 0) for reviewer in pool})
    before = dict(load)
    taken = set(
        Assignment.objects.filter(eoi__call=call, stage=stage).values_list("eoi_id", "reviewer_id")
    )
    eois = list(
        reviewable(stage)
        .filter(call=call)
        .select_related("questionnaire", "call__questionnaire")
        .annotate(
            active=Count(
                "assignments",
                filter=Q(assignments__released_at=None, assignments__stage=stage),
            )
        )
        .filter(active__lt=per_eoi)
        .order_by("reference")
    )
    crossed = crossed_conflicts(eois, [reviewer.pk for reviewer in pool])
    known = _expertise(call, pool)
    themes = {}
    for eoi_pk, challenge_pk in ExpressionOfInterest.challenges.through.objects.filter(
        expressionofinterest__in=[eoi.pk for eoi in eois]
    ).values_list("expressionofinterest_id", "challenge_id"):
        themes.setdefault(eoi_pk, set()).add(challenge_pk)

    def match(eoi, reviewer):
        challenges, countries = known[reviewer.pk]
        if challenges & themes.get(eoi.pk, set()):
            return Match.CHALLENGE
        if countries & {country.code for country in eoi.countries}:
            return Match.COUNTRY
        return Match.NONE

    candidates = {
        eoi.pk: [
            (reviewer, match(eoi, reviewer))
            for reviewer in pool
            if reviewer.pk != eoi.owner_id
            and (eoi.pk, reviewer.pk) not in taken
            and (eoi.pk, reviewer.pk) not in crossed
        ]
        for eoi in eois
    }
    wanted = {eoi.pk: per_eoi - eoi.active for eoi in eois}
    share = math.ceil((sum(load.values()) + sum(wanted.values())) / len(pool)) if pool else 0

    def experts(eoi):
        return sum(1 for _reviewer, how in candidates[eoi.pk] if how == Match.CHALLENGE)

    proposals = []
    for eoi in sorted(eois, key=lambda eoi: (experts(eoi) == 0, experts(eoi))):
        ranked = sorted(
            candidates[eoi.pk],
            key=lambda pair: (load[pair[0].pk] >= share, pair[1], load[pair[0].pk]),
        )
        proposal = Proposal(eoi=eoi, reviewers=ranked[: wanted[eoi.pk]], wanted=wanted[eoi.pk])
        for reviewer, _match in proposal.reviewers:
            load[reviewer.pk] += 1
        proposals.append(proposal)
    proposals.sort(key=lambda proposal: proposal.eoi.reference)
    return Plan(proposals=proposals, load_before=before, load_after=dict(load), pool=pool)


def auto_assign(call, actor, per_eoi=None, due_at=None, shown=None, stage=None):
    """Save the plan `propose` makes now, all or none. `shown` is the digest of the plan the
    Secretariat confirmed: if anything changed since (a conflict recorded, an assignment made)
    the plan is made again and nothing is saved unless it is the same."""
    with transaction.atomic():
        # One automatic assignment per call at a time: the second plans after the first saved.
        type(call).objects.select_for_update().filter(pk=call.pk).exists()
        plan = propose(call, per_eoi, stage)
        if shown is not None and plan.digest != shown:
            raise DomainError(
                _(
                    "The assignments changed since this proposal was made, so nothing was "
                    "saved. Here is the proposal as it stands now."
                )
            )
        created = []
        for proposal in plan.proposals:
            for reviewer, how in proposal.reviewers:
                created.append(
                    Assignment.objects.create(
                        eoi=proposal.eoi,
                        reviewer=reviewer,
                        stage=stage,
                        due_at=_due(call, due_at, stage),
                        assigned_by=actor,
                    )
                )
                trail.record(
                    actor,
                    "review.assigned",
                    proposal.eoi,
                    reviewer=reviewer.email,
                    automatic=True,
                    expertise=("challenge", "country", "")[how],
                    **_round(stage),
                )
        _tell_reviewers(created)
    return created


def _tell_reviewers(assignments):
    by_reviewer = {}
    for assignment in assignments:
        by_reviewer.setdefault(assignment.reviewer, []).append(assignment)
    with delivered_together():
        for reviewer, theirs in by_reviewer.items():
            notify.reviews_assigned(reviewer, theirs)


def _release_for_conflict(assignment, actor, reason):
    assignment.released_at = timezone.now()
    assignment.release_reason = Assignment.Release.CONFLICT
    assignment.save(update_fields=["released_at", "release_reason"])
    Review.objects.filter(
        eoi=assignment.eoi, reviewer=assignment.reviewer, stage=assignment.stage_id
    ).delete()
    trail.record(
        actor,
        "review.conflict_declared",
        assignment.eoi,
        reviewer=assignment.reviewer.email,
        reason=reason,
        **_round(assignment.stage),
    )


def declare_no_conflict(assignment, actor):
    """The reviewer, having seen the title and the organisations, has no conflict: the rest
    of the EOI opens to them."""
    if assignment.released_at:
        raise DomainError(_("This assignment was released."))
    with transaction.atomic():
        assignment.declaration = Assignment.Declaration.NO_CONFLICT
        assignment.declared_at = timezone.now()
        assignment.save(update_fields=["declaration", "declared_at"])
        trail.record(
            actor,
            "review.no_conflict_declared",
            assignment.eoi,
            reviewer=assignment.reviewer.email,
            **_round(assignment.stage),
        )


def declare_conflict(assignment, reason, actor):
    """The reviewer declares a conflict: the assignment is released and they never see the EOI."""
    with transaction.atomic():
        Conflict.objects.get_or_create(
            eoi=assignment.eoi,
            reviewer=assignment.reviewer,
            defaults={"reason": reason, "recorded_by": actor},
        )
        assignment.declaration = Assignment.Declaration.CONFLICT
        assignment.declared_at = timezone.now()
        assignment.save(update_fields=["declaration", "declared_at"])
        _release_for_conflict(assignment, actor, reason)
        scoring.refresh_scores(assignment.eoi.call, assignment.stage)


def record_conflict(conflict, actor):
    """The Secretariat records a known conflict (with an EOI or an organisation). An active
    assignment it crosses is released as if the reviewer had declared it. Returns how many."""
    with transaction.atomic():
        conflict.recorded_by = actor
        conflict.organisation = answers.tidy_name(conflict.organisation)
        conflict.save()
        trail.record(
            actor,
            "review.conflict_recorded",
            conflict.eoi or conflict.reviewer,
            reviewer=conflict.reviewer.email,
            organisation=conflict.organisation,
            reason=conflict.reason,
        )
        # Every round's: a conflict with an EOI holds for its proposals too.
        mine = Assignment.objects.filter(released_at=None, reviewer=conflict.reviewer)
        if conflict.eoi_id:
            mine = mine.filter(eoi=conflict.eoi_id)
        mine = list(
            mine.select_related(
                "eoi__questionnaire", "eoi__call__questionnaire", "reviewer", "stage__call"
            )
        )
        eois = [assignment.eoi for assignment in mine]
        crossed = crossed_conflicts(eois, [conflict.reviewer_id])
        released = [a for a in mine if (a.eoi_id, a.reviewer_id) in crossed]
        for assignment in released:
            _release_for_conflict(assignment, actor, conflict.reason)
        for call, stage in {(assignment.eoi.call, assignment.stage) for assignment in released}:
            scoring.refresh_scores(call, stage)
    return len(released)


def remove_conflict(conflict, actor):
    with transaction.atomic():
        trail.record(
            actor,
            "review.conflict_removed",
            conflict.eoi or conflict.reviewer,
            reviewer=conflict.reviewer.email,
            organisation=conflict.organisation,
        )
        conflict.delete()


def save_expertise(reviewer, challenges, countries, actor):
    """What a reviewer knows, for automatic assignment."""
    with transaction.atomic():
        expertise, _new = ReviewerExpertise.objects.get_or_create(reviewer=reviewer)
        expertise.countries = countries
        expertise.save()
        expertise.challenges.set(challenges)
        trail.record(
            actor,
            "review.expertise_changed",
            expertise,
            challenges=sorted(challenge.pk for challenge in challenges),
            countries=sorted(str(country) for country in countries),
        )
    return expertise


def save_review(assignment, actor, scores, recommendation, internal_comment, feedback, submit):
    """Save a reviewer's scores ({criterion: (value, comment)}) and texts; submit if asked and
    complete. Reviews change while the EOI (or, in a later stage's round, its proposal) is up
    for review: not once it is withdrawn or its decision is released. Returns the review."""
    eoi, stage = assignment.eoi, assignment.stage
    if assignment.released_at or not is_up_for_review(eoi, stage):
        raise DomainError(_("This review can no longer be changed."))
    criteria = list(rubric_of(eoi.call, stage))
    with transaction.atomic():
        review, _new = Review.objects.select_for_update().get_or_create(
            eoi=eoi, reviewer=assignment.reviewer, stage=stage
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
            Assignment.objects.filter(pk=assignment.pk, reviewed_at=None).update(
                reviewed_at=review.submitted_at
            )
        review.save()
        if review.status == Review.Status.SUBMITTED:
            trail.record(
                actor,
                "review.scored",
                eoi,
                reviewer=assignment.reviewer.email,
                total=str(review.total),
                **_round(stage),
            )
            scoring.refresh_scores(eoi.call, stage)
    return review


def discussants(eoi):
    """Who takes part in the discussion of `eoi`, with the page where each reads it: the
    reviewers cleared of conflicts who submitted their review, and the members of the
    Secretariat who commented on it."""
    submitted = Review.objects.filter(
        eoi=eoi, reviewer=OuterRef("reviewer"), status=Review.Status.SUBMITTED, stage=None
    )
    conflicted = Conflict.objects.filter(eoi=eoi, reviewer=OuterRef("reviewer"))
    reviewers = [
        assignment.reviewer
        for assignment in active_assignments()
        .filter(eoi=eoi, declaration=Assignment.Declaration.NO_CONFLICT, reviewer__is_active=True)
        .filter(Exists(submitted))
        .filter(~Exists(conflicted))
        .select_related("reviewer")
        .order_by("reviewer__pk")
    ]
    secretariat = (
        get_user_model()
        .objects.filter(review_comments__eoi=eoi, is_active=True)
        .filter(Q(groups__name=SECRETARIAT) | Q(is_superuser=True))
        .exclude(pk__in=[reviewer.pk for reviewer in reviewers])
        .distinct()
        .order_by("pk")
    )
    return [(reviewer, reverse("review:review_eoi", args=[eoi.uuid])) for reviewer in reviewers] + [
        (member, reverse("review:secretariat_eoi", args=[eoi.uuid])) for member in secretariat
    ]


def post_comment(eoi, author, text):
    """A comment in the reviewers' discussion of `eoi` (the caller checked `review.discuss_eoi`).
    Posted once, never edited; the audit trail notes it, without the text. The other
    discussants get a mail that says where to read it."""
    with transaction.atomic(), delivered_together():
        comment = ReviewComment.objects.create(eoi=eoi, author=author, text=text)
        trail.record(author, "review.commented", eoi, comment=comment.pk)
        others = [(person, path) for person, path in discussants(eoi) if person.pk != author.pk]
        notify.discussion_comment(comment, others)
    return comment


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
        if (reason := _why_not_decide(eoi, outcome, now))
    ]
    if reasons:
        raise DomainError(f"{nothing_done} {' '.join(reasons)}")


def _why_not_decide(eoi, outcome, now):
    if reason := lifecycle.why_not(eoi, outcome, lifecycle.SECRETARIAT, now):
        return reason
    return next(filter(None, (check(eoi) for check in decision_checks[outcome])), None)


def decide(eoi, outcome, actor, feedback=None, now=None):
    """Record the outcome of one EOI (and its feedback, unless None: then the written one
    stays); it stays internal until released."""
    decide_all([eoi], outcome, actor, feedback=feedback, now=now)


def decide_all(eois, outcome, actor, feedback=None, now=None):
    """Record one outcome for each of these EOIs, all or none, as the decision of the stage
    they are in (one stage at a time, and an outcome that closes it): only once the stage's
    deadline (for the EOI, its extension counted) has passed, while it is up for a decision."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_eois([eoi.pk for eoi in eois])
        if locked:
            _refuse_unless_it_closes(stage_of(list(locked.values())), outcome)
        _refuse_if_undecidable(
            [(eoi, outcome) for eoi in locked.values()], now, _("Nothing was decided.")
        )
        changes = {"outcome": outcome, "decided_by": actor}
        if feedback is not None:
            changes["feedback"] = feedback
        for eoi in locked.values():
            Decision.objects.update_or_create(eoi=eoi, stage=eoi.stage, defaults=changes)
            trail.record(actor, "decision.made", eoi, outcome=outcome, stage=stage_key(eoi))
    return len(locked)


def stage_key(eoi):
    """The stage in an audit entry: its kind ("eoi" for the expression of interest)."""
    return eoi.stage.kind if eoi.stage_id else Stage.Kind.EXPRESSION_OF_INTEREST.value


def release(decisions, actor, now=None):
    """Tell the applicants, all or none: each EOI takes its outcome as status and its owner
    (and each co-applicant) gets the mail of the stage. Only the decision of the stage each EOI
    is in is released. A decision the status table or the deadline no longer allows (the EOI
    was withdrawn, or reopened by an extension) stops the release, and the message names it."""
    now = now or timezone.now()
    with transaction.atomic(), delivered_together():
        eois = _locked_eois(decisions.filter(released_at=None).values("eoi_id"))
        pending = [
            decision
            for decision in Decision.objects.select_for_update()
            .filter(pk__in=decisions.values("pk"), eoi__in=list(eois), released_at=None)
            .order_by("eoi_id")
            if decision.stage_id == eois[decision.eoi_id].stage_id
        ]
        _refuse_if_undecidable(
            [(eois[decision.eoi_id], decision.outcome) for decision in pending],
            now,
            _("Nothing was released."),
        )
        for decision in pending:
            decision.released_at = now
            decision.save(update_fields=["released_at"])
            eoi = eois[decision.eoi_id]
            # Named before the move, which may open the next stage.
            stage = stage_key(eoi)
            lifecycle.change_status(
                eoi, decision.outcome, actor, by=lifecycle.SECRETARIAT, now=now, stage=stage
            )
    return len(pending)


def remind_reviewers(now=None):
    """Once per reviewer, call, round and due date: reviews due within two days and not
    submitted, of EOIs (or, in a later stage's round, proposals) still up for review."""
    now = now or timezone.now()
    due_soon = Assignment.objects.filter(
        still_to_review(), due_at__lte=now + timedelta(days=2)
    ).select_related("reviewer", "eoi__call", "stage")
    batches = {}
    for assignment in due_soon:
        key = (
            assignment.reviewer,
            assignment.eoi.call,
            assignment.stage_id,
            assignment.due_at.date(),
        )
        batches.setdefault(key, []).append(assignment)
    for (reviewer, call, _stage, _due_day), theirs in batches.items():
        with transaction.atomic():
            notify.reviews_due(reviewer, call, theirs)
    return len(batches)


def save_board_meeting(meeting, actor):
    """Record a Review Board meeting on a stage's ranking, or a change to its notes."""
    new = meeting.pk is None
    with transaction.atomic():
        meeting.recorded_by = actor
        meeting.save()
        trail.record(
            actor,
            "review.board_meeting_recorded" if new else "review.board_meeting_changed",
            meeting,
            stage=meeting.stage.kind,
            held_on=meeting.held_on.isoformat(),
        )
    return meeting
