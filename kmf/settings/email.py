"""Outgoing mail: EMAIL_URL (smtp://user:password@host:port) or, absent, the console or a file."""

from .environment import env

DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="KMF Grants <kmf@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = "[KMF] "

if env("EMAIL_URL", default=""):
    # EMAIL_BACKEND, EMAIL_HOST, EMAIL_PORT, credentials and TLS flags, all from the one URL.
    globals().update(env.email_url("EMAIL_URL"))
elif env("EMAIL_FILE_PATH", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
