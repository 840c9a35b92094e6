"""`check --deploy` refuses a production site whose mail would go nowhere."""

from django.conf import settings
from django.core.checks import Error, Tags, register

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
