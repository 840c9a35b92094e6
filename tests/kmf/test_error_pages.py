"""While the database is unreachable, visitors get a 503 page that says to wait (the 500 page
is tested with the help page)."""

import pytest
from django.db import OperationalError
from django.urls import path

from kmf.urls import urlpatterns as site_urls


def database_gone(request):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


urlpatterns = [
    *site_urls,
    path("database-gone/", database_gone),
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
