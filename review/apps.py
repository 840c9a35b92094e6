from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewConfig(AppConfig):
    name = "review"
    verbose_name = _("Review")

    def ready(self):
        from submissions.lifecycle import status_changed

        from . import receivers

        status_changed.connect(
            receivers.withdrawn_reviews_stop_counting, dispatch_uid="review.withdrawn"
        )
