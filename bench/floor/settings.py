"""The floor's settings: what `django-admin startproject` leaves, less everything that needs a
table (sessions, auth, admin, messages), with DEBUG off and the site's database options."""

import os

import environ

SECRET_KEY = "bench-floor-only-" + "x" * 40
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.floor.urls"
WSGI_APPLICATION = "bench.floor.wsgi.application"
INSTALLED_APPS = ["bench.floor"]
# The stateless part of startproject's middleware.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,  # with DEBUG off, through the cached loader, as the site's
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": environ.Env.db_url_config(
        os.environ.get("FLOOR_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kmf_bench_floor")
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    # As kmf/settings/database.py: persistent connections, JIT off.
    DATABASES["default"].update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
LANGUAGE_CODE = "en"
LOGGING_CONFIG = None
