"""Account mails (the address check at sign-up, password reset, allauth's notices) go through
the outbox like every other mail: written in the request's transaction, retried, resent from
the admin, followed by the provider's delivery reports."""

from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model
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
        values = {"request": request, "email": email, "current_site": PublicSite()}
        message = self.render_mail(
            template_prefix, email, {**values, **on_public_site(request, context)}
        )
        recipient = get_user_model().objects.filter(email__iexact=email).first()
        # Worded in the visitor's language: they are on the site in it, asking for this mail.
        queue_account_mail(message, recipient=recipient, language=translation.get_language())


class PublicSite:
    """The site as allauth's mails name it ("Hello from …"): its public address, SITE_URL."""

    def __init__(self):
        self.domain = self.name = urlsplit(settings.SITE_URL).netloc


def on_public_site(request, context):
    """allauth's links (reset, confirmation, sign-up) moved to SITE_URL, as every other mail's.

    allauth builds them on the request's host: any name in ALLOWED_HOSTS, such as the
    127.0.0.1 the container's health check asks, went into the mail of a request naming it."""
    if request is None:
        return context
    host = request.get_host()

    def moved(value):
        if not isinstance(value, str) or not value.startswith(("http://", "https://")):
            return value
        address = urlsplit(value)
        if address.netloc != host:
            return value
        return settings.SITE_URL + address._replace(scheme="", netloc="").geturl()

    return {name: moved(value) for name, value in context.items()}
