"""The test suite: production's settings, made fast and self-contained.

DATABASE_URL and REDIS_URL still apply, so CI runs the suite against PostgreSQL and Redis.
"""

import os

# Tests see what production sees, whatever a developer's .env says.
os.environ["DEBUG"] = "0"
os.environ.setdefault(
    "SECRET_KEY", "test-only-secret-key-with-enough-length-and-variety-0123456789"
)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.setdefault("SITE_URL", "http://testserver")
# Kept in memory (django.core.mail.outbox); tests that need a real server start one.
os.environ.setdefault("EMAIL_URL", "memorymail://")

from .base import *

# The test client and the live server speak plain HTTP.
SECURE_SSL_REDIRECT = False
# Tests that need a real worker start one themselves; everything else runs tasks in-process.
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Static files come straight from the source folders; nothing is collected for tests.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whatever a developer's .env says for the demo, tests see production's rule.
KMF_STAFF_2FA = True
