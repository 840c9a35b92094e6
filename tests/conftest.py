"""Shared fixtures, and the rule for tests that need real services.

Tests marked `needs_redis`, `needs_postgres` or `needs_browser` run when REDIS_URL names a
broker, DATABASE_URL a PostgreSQL server and Chromium is installed. Without them (the
zero-setup default) they are deselected and counted in the summary. CI sets
KMF_REQUIRE_SERVICES=1: then a missing service stops the run, and any skipped test counts as
a failure.
"""

import email
import os
import shutil
import socket
import time
from contextlib import contextmanager
from email.policy import default
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.pages import record

REQUIRE_SERVICES = os.environ.get("KMF_REQUIRE_SERVICES") == "1"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def missing_services():
    missing = {}
    if not settings.REDIS_URL:
        missing["needs_redis"] = "REDIS_URL is not set"
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        missing["needs_postgres"] = "DATABASE_URL does not name PostgreSQL"
    if not shutil.which(CHROMIUM):
        missing["needs_browser"] = f"no Chromium at {CHROMIUM}"
    return missing


def pytest_collection_modifyitems(config, items):
    missing = missing_services()
    if not missing:
        return
    if REQUIRE_SERVICES:
        raise pytest.UsageError("KMF_REQUIRE_SERVICES=1 but: " + "; ".join(missing.values()))
    deselected = [item for item in items if any(item.get_closest_marker(m) for m in missing)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if item not in deselected]
        config.kmf_deselected = (len(deselected), list(missing.values()))


def pytest_terminal_summary(terminalreporter, config):
    if hasattr(config, "kmf_deselected"):
        count, reasons = config.kmf_deselected
        terminalreporter.write_line(
            f"{count} tests needing services were deselected: {'; '.join(reasons)}", yellow=True
        )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if REQUIRE_SERVICES and report.skipped:
        report.outcome = "failed"
        report.longrepr = f"A test may not be skipped in CI: {report.longrepr}"
    return report


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def english_by_default():
    """Each test starts in English: a request in French leaves French active in the thread,
    and translated call fields written then would go into their French columns."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached: the cache outlives the rows it was counted from."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def call(db):
    """An open call with three challenges."""
    from tests.factories import CallFactory, ChallengeFactory

    call = CallFactory(reference_prefix="KMF21")
    for number in (1, 2, 3):
        ChallengeFactory(call=call, number=number)
    return call


@pytest.fixture
def applicant(db):
    from tests.factories import ApplicantFactory

    return ApplicantFactory()


@pytest.fixture
def client():
    """pytest-django's client, whose force_login includes the second factor (tests/clients.py)."""
    from tests.clients import Client

    return Client()


@pytest.fixture
def applicant_client(client, applicant):
    client.force_login(applicant)
    return client


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (its own browser downloads are not used)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by tests
    # around it are still synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser):
    """A page on a 360-px-wide phone screen that records every request it makes."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, timezone_id="Africa/Bamako"
    )
    page = context.new_page()
    record(page)
    yield page
    context.close()


class RecordingHandler:
    """An SMTP server's data handler that keeps every message, or refuses some for a while."""

    def __init__(self):
        self.messages = []
        self.refusals = 0
        self.peers = set()  # one client address per SMTP connection

    async def handle_DATA(self, server, session, envelope):
        self.peers.add(session.peer)
        if self.refusals:
            self.refusals -= 1
            return "451 4.3.0 Try again later"
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        return "250 OK"


def wait_for(check, seconds=20):
    """Poll `check` until it holds or `seconds` pass; its last answer."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return check()


PROJECT = Path(__file__).resolve().parents[1]


def production_env(**variables):
    """The environment of a web or worker process as production starts it (DEBUG off, strict
    settings), on plain loopback HTTP, for tests that run the site in processes of its own.
    `variables` name its database, broker, mail server and anything else."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "REDIS_URL", "KMF_REQUIRE_SERVICES")
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "kmf.settings.base",
        "DEBUG": "0",
        "SECRET_KEY": "process-under-test-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "SECURE_COOKIES": "0",
        "SITE_URL": "http://127.0.0.1",
        "EMAIL_URL": "memorymail://",
        **variables,
    }


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def smtp_sink(settings, handler):
    """A real SMTP server (aiosmtpd) on loopback answering with `handler`, and the site's mail
    sent to it (`settings` is pytest-django's fixture, which restores the mail settings)."""
    from aiosmtpd.controller import Controller

    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on loopback that keeps every message the site sends."""
    with smtp_sink(settings, RecordingHandler()) as controller:
        yield controller.handler


def forget_broker_connections(app):
    """Drop the Celery app's pooled broker connections and producers (as after a fork), so
    that the next task goes to the broker its configuration names now."""
    # Not app.close(): it also takes the app off Celery's list of live apps, and the shared
    # tasks of modules imported after that (autodiscovery, when a worker starts) are then
    # never registered with it.
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def tasks_through_broker(url, **conf):
    """Inside the block, tasks go to the broker at `url` (with Celery settings `conf`) instead
    of running in-process; after it, everything is as the test settings have it."""
    from kmf.celery import app

    saved = {name: app.conf[name] for name in conf}
    app.conf.update(task_always_eager=False, broker_url=url, **conf)
    forget_broker_connections(app)
    try:
        yield app
    finally:
        app.conf.update(task_always_eager=True, broker_url="memory://", **saved)
        forget_broker_connections(app)


@pytest.fixture
def private_redis():
    """A redis-server of the test's own (bench/common.py), to stop and start again."""
    from bench.common import PrivateRedis

    server = PrivateRedis()
    server.start()
    yield server
    if server.process.poll() is None:
        server.stop()


@pytest.fixture
def celery_worker():
    """A Celery worker thread consuming from the Redis broker named by REDIS_URL."""
    from celery.contrib.testing.worker import start_worker

    with (
        tasks_through_broker(settings.REDIS_URL) as app,
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        yield app
