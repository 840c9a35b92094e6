"""Account mails (the address check at sign-up, password reset, allauth's notices) go through
the outbox like every other mail: written in the request's transaction, retried, resent from
the admin, followed by the provider's delivery reports."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .outbox import queue_account_mail


class AccountAdapter(DefaultAccountAdapter):
    # allauth's refusals that reach people, in the site's own words.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "email_password_mismatch": _(
            "This email address and password do not match an account. Check both, or reset "
            "your password."
        ),
        "email_taken": _(
            "An account already uses this email address. Sign in, or reset your password."
        ),
        "too_many_login_attempts": _(
            "Too many failed attempts to sign in. Please try again in a few minutes."
        ),
        "rate_limited": _("Too many requests in a short time. Please wait a minute."),
    }

    def send_mail(self, template_prefix, email, context):
        request = allauth_context.request
        values = {"request": request, "email": email, "current_site": get_current_site(request)}
        message = self.render_mail(template_prefix, email, {**values, **context})
        recipient = get_user_model().objects.filter(email__iexact=email).first()
        # Worded in the visitor's language: they are on the site in it, asking for this mail.
        queue_account_mail(message, recipient=recipient, language=translation.get_language())
