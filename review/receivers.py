"""What review does when something happens elsewhere; connected in ReviewConfig.ready()."""

from submissions.lifecycle import REVIEWABLE_STATUSES
from submissions.models import ExpressionOfInterest

from . import scoring


def withdrawn_reviews_stop_counting(sender, eoi, previous=None, **kwargs):
    """A withdrawn EOI's reviews leave the figures of its call's rounds still to decide, in
    the withdrawal's transaction (lifecycle.status_changed is sent inside it). An EOI
    withdrawn with its full proposal (from "invited") leaves the EOI round's figures as the
    Secretariat decided on them: those decisions are released, and the Board reads them beside
    each proposal."""
    if eoi.status != ExpressionOfInterest.Status.WITHDRAWN:
        return
    if previous in REVIEWABLE_STATUSES or previous is None:
        scoring.refresh_call_scores(eoi.call)
    for stage in eoi.call.stages.filter(reviewed=True):
        scoring.refresh_stage_scores(stage)
