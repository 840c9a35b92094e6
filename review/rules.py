"""Who may do what in the review. A denied EOI is answered with a 404."""

import rules
from django.db.models import Exists

from accounts.rules import is_reviewer, is_secretariat
from core.permissions import remembered
from submissions.rules import is_coapplicant, is_owner, is_thread_shared

from .models import Assignment, Conflict, Review


def standing(user, eoi):
    """What the three reviewer predicates below ask, in one query: the reviewer's active
    assignment on `eoi` as (its declaration, whether a conflict is recorded, whether their
    review is submitted), or None without one. Kept for the rest of a GET request: the scoring
    page asks these predicates nine times."""
    return remembered(("review.standing", user.pk, eoi.pk), lambda: _standing(user, eoi))


def _standing(user, eoi):
    return (
        Assignment.objects.filter(eoi=eoi, reviewer=user, released_at=None)
        .annotate(
            conflicted=Exists(Conflict.objects.filter(eoi=eoi, reviewer=user)),
            submitted=Exists(
                Review.objects.filter(eoi=eoi, reviewer=user, status=Review.Status.SUBMITTED)
            ),
        )
        .values_list("declaration", "conflicted", "submitted")
        .first()
    )


@rules.predicate
def is_assigned_reviewer(user, eoi):
    """An active assignment, and no conflict of interest declared on this EOI."""
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
    return Review.objects.filter(eoi=eoi, reviewer=user, status=Review.Status.SUBMITTED).exists()


# The other reviews of the EOI and the discussion: read, and comment.
can_discuss = call_allows_discussion & (
    is_secretariat | (is_cleared_reviewer & has_submitted_review)
)

# The conflict-of-interest screen and the declaration.
rules.add_perm("review.review_eoi", is_assigned_reviewer)
# The answers, the files and the scores.
rules.add_perm("review.read_eoi", is_cleared_reviewer)
rules.add_perm("review.manage_review", is_secretariat)
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
# The thread of messages about an EOI: its two sides, and its cleared reviewers, read-only,
# once the Secretariat shares it with them.
rules.add_perm(
    "submissions.read_messages",
    is_owner | is_secretariat | (is_cleared_reviewer & is_thread_shared),
)
