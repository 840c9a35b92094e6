from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuestionnairesConfig(AppConfig):
    name = "questionnaires"
    verbose_name = _("Questionnaires")

    def ready(self):
        from . import sentences  # noqa: F401  (says its audit entries)
