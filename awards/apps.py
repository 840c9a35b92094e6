from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")

    def ready(self):
        from review import dashboard
        from review.domain import decision_checks
        from review.models import Decision
        from submissions.selectors import eoi_page_links

        from . import rules, selectors, sentences  # noqa: F401  (rules and sentences register)

        # No EOI is awarded, or told it is, before its grant is recorded.
        decision_checks[Decision.Outcome.AWARDED].append(selectors.why_no_award)
        dashboard.counter("awarded", selectors.awarded_count)
        dashboard.counter("committed", selectors.committed)
        dashboard.link(_("Grants"), "awards:grant_list")
        eoi_page_links.append(selectors.letter_link)
