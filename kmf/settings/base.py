"""Settings shared by every environment; each value comes from the environment.

The integrations (database, Celery, email, security) live in modules of their own and are
imported at the end of this file.
"""

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .environment import BASE_DIR, DEBUG, env

if DEBUG:
    SECRET_KEY = env(
        "SECRET_KEY", default="insecure-local-development-key-never-used-in-production"
    )
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
    except ImproperlyConfigured as missing:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (or set DEBUG=1 for local development)."
        ) from missing

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must name the site's host names when DEBUG is off.")

INSTALLED_APPS = [
    # Before the admin, so that its forms show each translated field once per language.
    "modeltranslation",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "anymail",
    "csp",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "django_filters",
    "django_tables2",
    "rules.apps.AutodiscoverRulesConfig",
    "accounts",
    "audit",
    "notifications",
    "questionnaires",
    "submissions",
    "review",
    "interviews",
    "awards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.permissions.PermissionMemoMiddleware",
    "core.middleware.PrivatePagesMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.VisitorTimeZoneMiddleware",
    # Last, so that its 400 page has the language and headers of any other; no middleware above
    # takes the query string to the database.
    "core.middleware.NulCharactersRefusedMiddleware",
]

ROOT_URLCONF = "kmf.urls"
WSGI_APPLICATION = "kmf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.roles",
                "kmf.context_processors.site",
            ],
        },
    },
]

# Django's form renderer, with the plainest widgets written in Python (core/form_renderer.py).
FORM_RENDERER = "core.form_renderer.FastRenderer"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Object-level permissions as named predicates (submissions/rules.py and friends).
    "rules.permissions.ObjectPermissionBackend",
    # allauth's sign-in; a signed-in request's user read with their roles (accounts.backends).
    "accounts.backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "start"  # where each person's work is (kmf.views.start)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Stored in UTC; shown in the call's time zone and in the visitor's.
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = True
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Call texts are written in English and may be translated; an untranslated field shows English.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Where visitors reach the site (scheme, host and port, as the proxy in front serves it): every
# link in a mail starts with it. Production must say; development serves on PORT.
if DEBUG:
    SITE_URL = env("SITE_URL", default=f"http://127.0.0.1:{env('PORT', default='8000')}")
else:
    try:
        SITE_URL = env("SITE_URL")
    except ImproperlyConfigured as missing:
        raise ImproperlyConfigured(
            "SITE_URL must be the site's public address when DEBUG is off, "
            "e.g. SITE_URL=https://grants.example.org (links in mails start with it)."
        ) from missing
SITE_URL = SITE_URL.rstrip("/")
# How long a partner's link to confirm its row works (submissions.partners): once, until then.
PARTNER_LINK_DAYS = env.int("PARTNER_LINK_DAYS", default=30)

# Attachments to an EOI (the budget on the KMF template, supporting documents).
# Where applicants write with questions: shown in the footer, the help page and error pages.
KMF_CONTACT_EMAIL = env("KMF_CONTACT_EMAIL", default="kmf@example.org")
KMF_MAX_UPLOAD_MB = env.int("KMF_MAX_UPLOAD_MB", default=10)
# host:port of a ClamAV daemon that scans every upload (submissions/antivirus.py); empty: no scan.
CLAMD_ADDRESS = env("CLAMD_ADDRESS", default="")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Django's defaults, stated because they bound every request: a form with more fields or files
# than these is refused (400) before any view reads it. The longest form, the budget step with
# its 20 partner rows, has about 100 fields; the attachments step takes 11 files, and a larger
# selection gets the form's own message.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 100

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_personal_data": {"()": "core.logging.RedactPersonalData"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_personal_data"]}
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # Django's own console handler would print each of its lines a second time.
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}

from .accounts import *  # noqa: E402
from .database import *  # noqa: E402
from .email import *  # noqa: E402
from .security import *  # noqa: E402
from .storage import *  # noqa: E402
from .tasks import *  # noqa: E402
