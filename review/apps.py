from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Review")

    def ready(self):
        from submissions.kmf2021 import loaded_2021_call
        from submissions.lifecycle import status_changed

        # sentences: says its audit entries
        from . import dashboard, kmf2021, receivers, selectors, sentences  # noqa: F401

        loaded_2021_call.connect(kmf2021.add_2021_rubric, dispatch_uid="review.kmf2021")
        status_changed.connect(
            receivers.withdrawn_reviews_stop_counting, dispatch_uid="review.withdrawn"
        )
        dashboard.counter("proposals", selectors.proposals_submitted)
