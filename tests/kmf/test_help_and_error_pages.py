"""The help page, and the pages shown when something is missing or broken: each says what
happened, in the visitor's language, with a way on and the address to write to."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import path, reverse

from kmf.urls import urlpatterns as site_urls


def broken(request):
    raise RuntimeError("the disk is full")


urlpatterns = [*site_urls, path("broken/", broken)]
handler500 = "kmf.views.server_error"


@pytest.mark.django_db
def test_the_help_page_answers_the_usual_questions_and_gives_the_contact_address(client, settings):
    settings.KMF_CONTACT_EMAIL = "kmf@kpsrl.example"
    settings.KMF_MAX_UPLOAD_MB = 8

    page = client.get(reverse("help")).content.decode()

    assert "How do I apply?" in page
    assert "up to 8 MB" in page
    assert "23:59 in Amsterdam" in page
    assert 'href="mailto:kmf@kpsrl.example"' in page


@pytest.mark.django_db
def test_every_page_links_to_help_in_its_footer(client):
    page = client.get(reverse("submissions:home")).content.decode()

    assert f'href="{reverse("help")}"' in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "label"),
    [("en", "Time zone: UTC"), ("fr", "Fuseau horaire\u00a0: UTC")],
)
def test_the_footer_names_the_visitors_time_zone_as_one_translated_phrase(client, language, label):
    page = client.get(reverse("help"), headers={"accept-language": language}).content.decode()

    assert label in page


@pytest.mark.django_db
def test_the_help_page_is_in_french_for_french_visitors(client):
    page = client.get(reverse("help"), headers={"accept-language": "fr"}).content.decode()

    assert "Comment déposer" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "We cannot find this page"), ("fr", "Nous ne trouvons pas cette page")],
)
def test_a_missing_page_says_so_and_offers_a_way_on(client, settings, language, title):
    settings.KMF_CONTACT_EMAIL = "kmf@kpsrl.example"

    response = client.get("/no-such-page/", headers={"accept-language": language})

    assert response.status_code == 404
    page = response.content.decode()
    assert title in page
    assert f'lang="{language}"' in page
    assert f'href="{reverse("submissions:home")}"' in page
    assert f'href="{reverse("help")}"' in page
    assert "mailto:kmf@kpsrl.example" in page


@pytest.mark.django_db
@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("language", "title"),
    [("en", "Something went wrong on our side"), ("fr", "Un problème est survenu de notre côté")],
)
def test_a_server_error_explains_itself_without_touching_the_database(settings, language, title):
    settings.KMF_CONTACT_EMAIL = "kmf@kpsrl.example"
    client = Client(raise_request_exception=False)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/broken/", headers={"accept-language": language})

    assert response.status_code == 500
    page = response.content.decode()
    assert title in page
    assert f'lang="{language}"' in page
    assert "mailto:kmf@kpsrl.example" in page
    assert 'href="/"' in page
    assert "the disk is full" not in page
    assert queries.captured_queries == []  # the page needs no database: it may be what failed
