"""What a visitor sees when the server fails: a 503 that says to wait while the database is
unreachable, the 500 page otherwise."""

import pytest
from django.db import OperationalError
from django.urls import path

from kmf.urls import urlpatterns as site_urls


def database_gone(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def broken(request):
    raise ValueError("a bug")


urlpatterns = [
    *site_urls,
    path("database-gone/", database_gone),
    path("broken/", broken),
]
handler500 = "kmf.views.server_error"


@pytest.fixture
def visitor(client, settings):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    return client


def test_an_unreachable_database_gives_a_page_that_says_to_wait(visitor):
    response = visitor.get("/database-gone/", headers={"accept-language": "fr"})

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Tout ce que vous avez enregistré" in response.content.decode()


def test_any_other_failure_gives_the_500_page(visitor):
    response = visitor.get("/broken/")

    assert response.status_code == 500
    assert "Retry-After" not in response
