"""Production serves static files from collected, hashed and compressed copies."""

import pytest
from django.core.management import call_command
from django.test import override_settings

from submissions.kmf2021 import load_2021_call


@pytest.mark.django_db
def test_pages_render_with_the_production_static_storage(client, settings, tmp_path):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path / "static", STORAGES=storages):
        call_command("collectstatic", "--no-input", verbosity=0)
        load_2021_call()

        for path in ("/", "/calls/kmf-2021/", "/accounts/login/"):
            page = client.get(path).content.decode()
            assert "/static/css/kmf." in page
            assert "/static/css/kmf.css" not in page  # the hashed name is used

    # The part of Bootstrap the pages load.
    compressed = list((tmp_path / "static" / "vendor").rglob("bootstrap.used.*.css.gz"))
    assert compressed
