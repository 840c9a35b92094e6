"""Who may do what in the review. A denied EOI is answered with a 404."""

import rules

from accounts.rules import is_reviewer, is_secretariat
from submissions.models import Proposal
from submissions.rules import (
    is_coapplicant,
    is_owner,
    is_proposal_coapplicant,
    is_proposal_owner,
    is_thread_shared,
)

from .models import Assignment, Review
from .selectors import active_assignment


def round_of(subject):
    """(the EOI, the stage's pk or None) of what is reviewed: an EOI (its own round) or a
    proposal (its stage's round)."""
    if isinstance(subject, Proposal):
        return subject.eoi, subject.stage_id
    return subject, None


def standing(user, subject):
    """What the three reviewer predicates below ask: the reviewer's active assignment on
    `subject` (an EOI, or a proposal in its stage's round) as (its declaration, whether a
    conflict with the EOI is recorded, whether their review is submitted), or None without one.
    One query, kept for the rest of a GET request (selectors.active_assignment)."""
    eoi, stage = round_of(subject)
    assignment = active_assignment(user, eoi, stage)
    if assignment is None:
        return None
    return assignment.declaration, assignment.conflicted, assignment.submitted


@rules.predicate
def is_assigned_reviewer(user, eoi):
    """An active assignment, and no conflict of interest declared on this EOI (or on the EOI of
    this proposal)."""
    if eoi is None:
        return False
    found = standing(user, eoi)
    return found is not None and not found[1]


@rules.predicate
def has_declared_no_conflict(user, eoi):
    """The reviewer saw the title and the organisations and declared no conflict of interest:
    until then the answers and the files stay closed to them."""
    if eoi is None:
        return False
    found = standing(user, eoi)
    return found is not None and found[0] == Assignment.Declaration.NO_CONFLICT


@rules.predicate
def is_submitted_proposal(user, proposal):
    """A draft proposal is its applicant's alone: nobody reviews it."""
    return proposal is not None and proposal.status == Proposal.Status.SUBMITTED


is_cleared_reviewer = is_assigned_reviewer & has_declared_no_conflict


def discussion_open(call):
    """The call lets reviewers read each other and discuss: never in a blind review."""
    return call.reviewers_see_each_other and not call.blind_review


@rules.predicate
def call_allows_discussion(user, eoi):
    return eoi is not None and discussion_open(eoi.call)


@rules.predicate
def has_submitted_review(user, eoi):
    """Their own review is in: only then do they read the others' (no anchoring)."""
    if eoi is None:
        return False
    found = standing(user, eoi)
    if found is not None:
        return found[2]
    return Review.objects.filter(
        eoi=eoi, reviewer=user, status=Review.Status.SUBMITTED, stage=None
    ).exists()


# The other reviews of the EOI and the discussion: read, and comment.
can_discuss = call_allows_discussion & (
    is_secretariat | (is_cleared_reviewer & has_submitted_review)
)

# The conflict-of-interest screen and the declaration.
rules.add_perm("review.review_eoi", is_assigned_reviewer)
# The answers, the files and the scores.
rules.add_perm("review.read_eoi", is_cleared_reviewer)
rules.add_perm("review.manage_review", is_secretariat)
# The same two steps for a submitted proposal of a reviewed stage (the proposal is the object).
rules.add_perm("review.review_proposal", is_submitted_proposal & is_assigned_reviewer)
rules.add_perm("review.read_proposal", is_submitted_proposal & is_cleared_reviewer)
rules.add_perm("review.discuss_eoi", can_discuss)
rules.add_perm("review.see_assignments", is_reviewer)
rules.add_perm("review.state_expertise", is_reviewer)
# Reviewers read the budget and supporting documents of the EOIs they review. Named for the
# submissions app, but said here: submissions sits below review and does not know reviewers.
# Co-applicants read the files as they read the answers.
rules.add_perm(
    "submissions.download_attachments",
    is_owner | is_coapplicant | is_secretariat | is_cleared_reviewer,
)
# The same for a full proposal's files: its own cleared reviewers (not the EOI round's).
rules.add_perm(
    "submissions.download_proposal_attachments",
    is_proposal_owner
    | is_proposal_coapplicant
    | is_secretariat
    | (is_submitted_proposal & is_cleared_reviewer),
)
# The thread of messages about an EOI: its two sides, and its cleared reviewers, read-only,
# once the Secretariat shares it with them.
rules.add_perm(
    "submissions.read_messages",
    is_owner | is_secretariat | (is_cleared_reviewer & is_thread_shared),
)
