"""Settings come from the environment: each case starts a fresh interpreter with its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
SETTINGS_ENV = (
    "DATABASE_URL",
    "REDIS_URL",
    "EMAIL_URL",
    "EMAIL_FILE_PATH",
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "EMAIL_BACKEND",
    "SITE_URL",
    "PORT",
    "AWS_STORAGE_BUCKET_NAME",
    "AWS_S3_ENDPOINT_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests for their own process only
)


def clean_environment(**overrides):
    """This process's environment without settings, and without a developer's .env file."""
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    environment.update(
        DJANGO_SETTINGS_MODULE="kmf.settings.base",
        KMF_ENV_FILE=str(PROJECT / "tests" / "no-such.env"),
        PYTHONPATH=str(PROJECT),
        **overrides,
    )
    return environment


def load_settings(*names, **environment):
    """The named settings, as a fresh process sees them with this environment."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {names!r}}}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=clean_environment(**environment),
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout)


def test_zero_setup_defaults_are_sqlite_in_process_tasks_and_console_mail():
    settings = load_settings(
        "DATABASES",
        "CELERY_TASK_ALWAYS_EAGER",
        "CELERY_BROKER_URL",
        "EMAIL_BACKEND",
        "CACHES",
        DEBUG="1",
    )

    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(PROJECT / "var" / "kmf.sqlite3")
    assert settings["CELERY_TASK_ALWAYS_EAGER"] is True
    assert settings["CELERY_BROKER_URL"] == "memory://"
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    assert "LocMemCache" in settings["CACHES"]["default"]["BACKEND"]


def test_database_redis_and_email_urls_configure_the_services():
    settings = load_settings(
        "DATABASES",
        "CELERY_TASK_ALWAYS_EAGER",
        "CELERY_BROKER_URL",
        "CACHES",
        "EMAIL_BACKEND",
        "EMAIL_HOST",
        "EMAIL_PORT",
        "EMAIL_HOST_USER",
        "EMAIL_USE_TLS",
        DEBUG="1",
        DATABASE_URL="postgres://kmf:secret@db.internal:5433/grants",
        REDIS_URL="redis://cache.internal:6379/2",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.internal:587",
    )

    database = settings["DATABASES"]["default"]
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.internal", 5433, "grants")
    assert database["CONN_HEALTH_CHECKS"] is True
    assert settings["CELERY_TASK_ALWAYS_EAGER"] is False
    assert settings["CELERY_BROKER_URL"] == "redis://cache.internal:6379/2"
    assert settings["CACHES"]["default"]["LOCATION"] == "redis://cache.internal:6379/2"
    # A cache that answers from memory while Redis is down, rather than failing the page.
    assert settings["CACHES"]["default"]["BACKEND"] == "core.cache.FallbackRedisCache"
    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (settings["EMAIL_HOST"], settings["EMAIL_PORT"]) == ("smtp.internal", 587)
    assert settings["EMAIL_HOST_USER"] == "mailer"
    assert settings["EMAIL_USE_TLS"] is True


def test_email_file_path_writes_mail_to_files(tmp_path):
    settings = load_settings(
        "EMAIL_BACKEND", "EMAIL_FILE_PATH", DEBUG="1", EMAIL_FILE_PATH=str(tmp_path)
    )

    assert settings["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert settings["EMAIL_FILE_PATH"] == str(tmp_path)


def test_a_provider_is_configured_through_anymail():
    settings = load_settings(
        "EMAIL_BACKEND",
        "ANYMAIL",
        DEBUG="1",
        EMAIL_BACKEND="anymail.backends.mailgun.EmailBackend",
        ANYMAIL_MAILGUN_API_KEY="key-123",
        ANYMAIL_MAILGUN_SENDER_DOMAIN="mg.example.org",
    )

    assert settings["EMAIL_BACKEND"] == "anymail.backends.mailgun.EmailBackend"
    assert settings["ANYMAIL"] == {
        "MAILGUN_API_KEY": "key-123",
        "MAILGUN_SENDER_DOMAIN": "mg.example.org",
    }


def test_production_requires_a_secret_key():
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set when DEBUG is off"):
        load_settings("SECRET_KEY")


def test_production_requires_allowed_hosts():
    with pytest.raises(RuntimeError, match="ALLOWED_HOSTS must name the site's host names"):
        load_settings("ALLOWED_HOSTS", SECRET_KEY="x" * 60)


# What production must be told besides its secret key and host names.
SITE_AND_MAIL = {
    "SITE_URL": "https://grants.example.org",
    "EMAIL_URL": "smtp://mail.example.org:25",
}


def test_production_requires_the_sites_public_address():
    with pytest.raises(RuntimeError, match="SITE_URL must be the site's public address"):
        load_settings(
            "SITE_URL",
            SECRET_KEY="x" * 60,
            ALLOWED_HOSTS="grants.example.org",
            EMAIL_URL="smtp://m",
        )


def test_production_refuses_to_start_without_a_way_to_send_mail():
    with pytest.raises(
        RuntimeError, match=r"EMAIL_URL \(or EMAIL_BACKEND\) must say how mail is sent"
    ):
        load_settings(
            "EMAIL_BACKEND",
            SECRET_KEY="x" * 60,
            ALLOWED_HOSTS="grants.example.org",
            SITE_URL="https://grants.example.org",
        )


def test_links_in_development_follow_the_port_the_site_is_served_on():
    assert load_settings("SITE_URL", DEBUG="1", PORT="8080") == {
        "SITE_URL": "http://127.0.0.1:8080"
    }
    assert load_settings("SITE_URL", DEBUG="1", SITE_URL="https://grants.example.org/") == {
        "SITE_URL": "https://grants.example.org"
    }


def test_production_takes_allowed_hosts_and_secures_cookies():
    settings = load_settings(
        "DEBUG",
        "ALLOWED_HOSTS",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_SSL_REDIRECT",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="grants.example.org,www.grants.example.org",
        **SITE_AND_MAIL,
    )

    assert settings["DEBUG"] is False
    assert settings["ALLOWED_HOSTS"] == ["grants.example.org", "www.grants.example.org"]
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["CSRF_COOKIE_SECURE"] is True
    assert settings["SECURE_SSL_REDIRECT"] is True


def deploy_check(**environment):
    return subprocess.run(
        [sys.executable, str(PROJECT / "manage.py"), "check", "--deploy", "--fail-level", "DEBUG"],
        env=clean_environment(
            SECRET_KEY="kmf-production-key-" + "9f8a7b6c5d4e3f2a1b0c" * 3,
            ALLOWED_HOSTS="grants.example.org",
            **environment,
        ),
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_mode_passes_the_deploy_check():
    result = deploy_check(**SITE_AND_MAIL)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("mail", ["consolemail://", "filemail:///tmp/mail", "dummymail://"])
def test_the_deploy_check_refuses_mail_that_reaches_nobody(mail):
    result = deploy_check(SITE_URL="https://grants.example.org", EMAIL_URL=mail)

    assert result.returncode != 0
    assert "kmf.E001" in result.stderr


def test_uploads_stay_on_disk_and_sessions_in_the_database_by_default():
    settings = load_settings("STORAGES", "SESSION_ENGINE", DEBUG="1")

    # Django's FileSystemStorage, leaving no partial file when a write fails (core/storage.py).
    assert settings["STORAGES"]["default"]["BACKEND"] == "core.storage.WholeFileSystemStorage"
    assert settings["SESSION_ENGINE"] == "core.sessions"  # Django's "db", read faster


def test_a_bucket_puts_uploads_on_private_s3_storage_and_sessions_stay_in_the_database():
    environment = clean_environment(
        DEBUG="1",
        REDIS_URL="redis://cache.internal:6379/2",
        AWS_STORAGE_BUCKET_NAME="kmf-uploads",
        AWS_S3_ENDPOINT_URL="http://minio.internal:9000",
    )
    # The storage object itself, as the web nodes build it (no request leaves the machine).
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(json.dumps({'backend': type(s).__module__ + '.' + type(s).__name__, "
        "'bucket': s.bucket_name, 'endpoint': s.endpoint_url, 'acl': s.default_acl, "
        "'overwrite': s.file_overwrite, 'sessions': settings.SESSION_ENGINE, "
        "'static': settings.STORAGES['staticfiles']['BACKEND']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert json.loads(result.stdout) == {
        "backend": "core.bucket_storage.PrivateBucketStorage",  # django-storages' S3Storage
        "bucket": "kmf-uploads",
        "endpoint": "http://minio.internal:9000",
        "acl": "private",
        "overwrite": False,
        # Not cached_db: with Redis down every signed-in page failed.
        "sessions": "core.sessions",  # Django's "db", read faster
        "static": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }


def test_a_web_worker_imports_its_views_and_template_tags_before_its_first_request():
    # Without this, a fresh worker's first visitor waited ~1.1 s for the imports.
    script = (
        "import json, sys, kmf.wsgi; "
        "print(json.dumps([m in sys.modules for m in ("
        "'kmf.urls', 'review.views', 'submissions.templatetags.call_text', "
        "'crispy_forms.templatetags.crispy_forms_filters')]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=clean_environment(DEBUG="1"),
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert json.loads(result.stdout) == [True, True, True, True]


def test_a_web_worker_keeps_what_it_loaded_out_of_the_garbage_collectors_sight():
    # Its ~180,000 objects of modules, URLconf and template libraries were walked by each
    # request's collections: 10-12 ms of the EOI list's CPU at 5,000 EOIs, 4-7 ms once frozen.
    script = "import gc, kmf.wsgi; print(gc.get_freeze_count())"
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=clean_environment(DEBUG="1"),
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )

    assert int(result.stdout) > 100_000
