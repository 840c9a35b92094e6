from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterviewsConfig(AppConfig):
    name = "interviews"
    verbose_name = _("Interviews")

    def ready(self):
        from core import panels
        from review import dashboard

        from . import privacy, rules, selectors, sentences, views  # noqa: F401  (registered)

        # The interview on the applicant's page of the EOI and on the Secretariat's; the call's
        # slots from its dashboard.
        panels.add("submissions.eoi_detail", views.applicant_panel)
        panels.add("review.secretariat_eoi", views.secretariat_panel)
        panels.add("review.dashboard", views.dashboard_link)
        dashboard.counter("interviewed", selectors.interviewed_count)
