import pytest
from django.conf import settings
from django.core.management import call_command
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
