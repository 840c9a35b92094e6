from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Calls and expressions of interest")

    def ready(self):
        from . import (
            privacy,  # noqa: F401  (answers accounts.privacy's signals)
            sentences,  # noqa: F401  (says its audit entries)
        )
        from .lifecycle import status_changed
        from .proposals import open_on_invitation

        # An invitation released opens the full proposal, in the release's transaction.
        status_changed.connect(open_on_invitation, dispatch_uid="submissions.open_proposal")
