from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")

    def ready(self):
        from review import dashboard
        from review.domain import decision_checks
        from review.models import Decision
        from submissions.lifecycle import status_changed
        from submissions.selectors import eoi_page_links

        # rules and sentences register themselves
        from . import privacy, receivers, rules, selectors, sentences  # noqa: F401

        # No EOI is awarded, or told it is, before its grant is recorded.
        decision_checks[Decision.Outcome.AWARDED].append(selectors.why_no_award)
        dashboard.counter("awarded", selectors.awarded_count)
        dashboard.counter("committed", selectors.committed)
        dashboard.link(_("Grants"), "awards:grant_list")
        eoi_page_links.append(selectors.letter_link)
        status_changed.connect(receivers.awarded_with_letter, dispatch_uid="awards.letter_mail")
