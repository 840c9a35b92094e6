"""Outgoing mail: SMTP through EMAIL_URL, a provider's API through django-anymail, or, with
neither, the console or files. Notifications go through the outbox (notifications/outbox.py).

- EMAIL_URL=smtp+tls://user:password@host:587 sends through an SMTP server.
- EMAIL_BACKEND=anymail.backends.mailgun.EmailBackend (or postmark, sendgrid, amazon_ses, …)
  sends through a provider; its settings come from ANYMAIL_* variables, for instance
  ANYMAIL_MAILGUN_API_KEY and ANYMAIL_MAILGUN_SENDER_DOMAIN; its delivery reports come to
  /mail/events/<provider>/ (notifications/webhooks.py), checked with ANYMAIL_WEBHOOK_SECRET and
  the provider's signing key (ANYMAIL_MAILGUN_WEBHOOK_SIGNING_KEY…).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .environment import DEBUG, env

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="KMF Grants <kmf@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[KMF] "
EMAIL_TIMEOUT = 30

ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_")
}

if env("EMAIL_BACKEND", default=""):
    EMAIL_BACKEND = env("EMAIL_BACKEND")
elif env("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
elif env("EMAIL_FILE_PATH", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH")
elif DEBUG:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    # Receipts and password-reset links printed to a console nobody reads are lost mail and
    # leaked secrets: production says where mail goes, or does not start.
    raise ImproperlyConfigured(
        "EMAIL_URL (or EMAIL_BACKEND) must say how mail is sent when DEBUG is off, "
        "e.g. EMAIL_URL=smtp+tls://user:password@smtp.example.org:587."
    )
