from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from anymail.signals import tracking

        from . import (
            checks,  # noqa: F401  (registers the deploy check)
            privacy,  # noqa: F401  (answers accounts.privacy's signals)
        )
        from .deliveries import on_tracking

        tracking.connect(on_tracking, dispatch_uid="notifications.deliveries")
