from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from allauth.account.signals import email_changed

        from . import sentences, two_factor  # noqa: F401  (sentences: says its audit entries)
        from .signals import ensure_role_groups, forget_mail_problem

        two_factor.connect_signals()
        email_changed.connect(forget_mail_problem, dispatch_uid="accounts.forget_mail_problem")
        post_migrate.connect(ensure_role_groups, dispatch_uid="accounts.ensure_role_groups")
