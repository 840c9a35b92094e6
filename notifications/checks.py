"""`check --deploy` refuses a production site whose mail would go nowhere, or whose email
provider's delivery reports anyone could post."""

import warnings

from anymail.exceptions import AnymailInsecureWebhookWarning
from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.urls import Resolver404, resolve

from .webhooks import sending_provider

UNDELIVERED = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.security, deploy=True)
def mail_reaches_people(app_configs, **kwargs):
    if settings.EMAIL_BACKEND in UNDELIVERED:
        return [
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: receipts, decisions and "
                "password-reset links would never reach anyone.",
                hint="Set EMAIL_URL to an SMTP server, or EMAIL_BACKEND to a provider's backend.",
                id="kmf.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def delivery_reports_are_checked(app_configs, **kwargs):
    """With an email provider, its delivery reports (/mail/events/<provider>/) are taken only
    when signed or sent with the webhook secret: otherwise anyone could flag any address."""
    provider = sending_provider()
    if provider is None:
        return []
    try:
        view = resolve(f"/{provider}/tracking/", urlconf="anymail.urls").func
    except Resolver404:
        return []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            view.view_class(**view.view_initkwargs)
        except ImproperlyConfigured as error:
            return [
                Error(f"The {provider} delivery reports cannot be checked: {error}", id="kmf.E002")
            ]
    # The secret even where the provider signs: anymail reads some signed bodies before it
    # can refuse them, and the basic-auth check comes first.
    secret = settings.ANYMAIL.get("WEBHOOK_SECRET")
    if not secret or any(
        issubclass(warning.category, AnymailInsecureWebhookWarning) for warning in caught
    ):
        return [
            Error(
                f"The {provider} delivery reports at /mail/events/{provider}/ would be taken "
                "from anyone.",
                hint="Set ANYMAIL_WEBHOOK_SECRET to a random user:password, and give the "
                "provider the webhook address with it.",
                id="kmf.E002",
            )
        ]
    return []
