import threading
import time

import pytest
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.test import override_settings
from pytest_django.live_server_helper import LiveServer

# Static files as production serves them: collected, compressed and fingerprinted, sent by
# WhiteNoise with the encoding the browser accepts.
PRODUCTION_STATIC = {
    "STORAGES": {
        "default": settings.STORAGES["default"],
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    },
    "WHITENOISE_USE_FINDERS": False,
}


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, **PRODUCTION_STATIC):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def site(settings, collected_static, transactional_db):
    """A live server that serves static files the way production does (the `live_server`
    fixture serves them uncompressed, straight from the source folders), for tests that weigh
    what a browser receives."""
    settings.STATIC_ROOT = collected_static
    for name, value in PRODUCTION_STATIC.items():
        setattr(settings, name, value)
    server = LiveServer("localhost", start=False)
    server.thread.static_handler = lambda handler: handler  # WhiteNoise's middleware serves
    server.start()
    yield server
    server.stop()


class Requests:
    """The live server's requests, and a gate on them. On the zero-setup default the server
    thread shares the test's one in-memory SQLite connection: a query from the test, or the
    flush between tests, run while a request is mid-way fails with "database table is locked".
    A keepalive save sent as a page goes away can outlive the test, and arrive during the
    flush: once a test is over, the gate closes and such a request is refused before it reads
    anything; it opens again when the next test starts."""

    def __init__(self):
        self.lock = threading.Lock()
        self.answering = 0
        self.open = True
        self.last_change = time.monotonic()

    def started(self, **kwargs):
        with self.lock:
            if not self.open:
                raise RuntimeError("The test is over: the live server takes no more requests.")
            self.answering += 1
            self.last_change = time.monotonic()

    def finished(self, **kwargs):
        with self.lock:
            self.answering = max(self.answering - 1, 0)
            self.last_change = time.monotonic()

    def reopen(self):
        with self.lock:
            self.answering = 0
            self.open = True

    def close(self, seconds=10):
        """Close the gate once no request is being answered; False if one still is after
        `seconds` (then the gate closes anyway)."""
        deadline = time.monotonic() + seconds
        while True:
            with self.lock:
                if self.answering == 0 or time.monotonic() > deadline:
                    self.open = False
                    return self.answering == 0
            time.sleep(0.05)

    def settled(self, quiet=0.2, seconds=10):
        """Whether, within `seconds`, no request has been on its way for `quiet` seconds."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self.lock:
                if self.answering == 0 and time.monotonic() - self.last_change >= quiet:
                    return True
            time.sleep(0.05)
        return False


REQUESTS = Requests()
# The live server's handler only: the test client's (ClientHandler) leaves a streamed response
# it never read unclosed, and so never finished.
request_started.connect(REQUESTS.started, sender=WSGIHandler, dispatch_uid="browser-started")
request_finished.connect(REQUESTS.finished, sender=WSGIHandler, dispatch_uid="browser-finished")


@pytest.fixture(autouse=True)
def settled_server(request):
    """After each test (its pages closed), the database is flushed only once the live server
    has answered what the pages sent on their way out, and takes nothing more."""
    if "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")  # torn down after this fixture
    REQUESTS.reopen()
    yield REQUESTS
    assert REQUESTS.close(), "the live server was still answering ten seconds after the test"
