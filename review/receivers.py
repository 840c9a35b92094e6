"""What review does when something happens elsewhere; connected in ReviewConfig.ready()."""

from submissions.models import ExpressionOfInterest

from . import scoring


def withdrawn_reviews_stop_counting(sender, eoi, **kwargs):
    """A withdrawn EOI's reviews leave every figure of its call, in the withdrawal's
    transaction (lifecycle.status_changed is sent inside it)."""
    if eoi.status == ExpressionOfInterest.Status.WITHDRAWN:
        scoring.refresh_call_scores(eoi.call)
        for stage in eoi.call.stages.filter(reviewed=True):
            scoring.refresh_stage_scores(stage)
