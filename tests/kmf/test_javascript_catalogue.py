"""The scripts' words in the visitor's language (static/js reads them through gettext()): the
site's own catalogue, small, built once and not per page."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.views.i18n import JavaScriptCatalog


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def catalogue(client, language):
    return client.get(reverse("javascript_catalogue", args=[language]))


@pytest.mark.django_db
def test_the_french_catalogue_has_the_scripts_words_and_the_french_plural_rule(client):
    response = catalogue(client, "fr")
    script = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Content-Language"] == "fr"
    assert '"%(count)s word too many": [\n      "%(count)s mot de trop",' in script
    assert "const v = (n > 1);" in script  # 0 and 1 are singular in French
    # The site's own strings only: the admin's calendar would weigh on every page.
    assert "January" not in script
    assert len(response.content) < 6 * 1024


@pytest.mark.django_db
def test_the_language_is_the_one_in_the_address_not_the_visitors(client):
    english = catalogue(client, "en").content.decode()
    french_for_an_english_visitor = catalogue(client, "fr").content.decode()

    assert "mot de trop" not in english
    assert "mot de trop" in french_for_an_english_visitor


@pytest.mark.django_db
def test_a_language_the_site_does_not_speak_is_not_found(client):
    assert catalogue(client, "de").status_code == 404


@pytest.mark.django_db
def test_the_catalogue_is_built_once_not_for_every_page(client, monkeypatch):
    built = []
    build = JavaScriptCatalog.get
    monkeypatch.setattr(
        JavaScriptCatalog, "get", lambda view, *a, **k: built.append(1) or build(view, *a, **k)
    )

    answers = [catalogue(client, "fr") for _ in range(3)]

    assert len(built) == 1
    assert len({answer.content for answer in answers}) == 1
    assert all("max-age=3600" in answer["Cache-Control"] for answer in answers)
