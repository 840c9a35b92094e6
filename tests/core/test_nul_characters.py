"""A NUL character in an address or a query string gets a 400 page that says what happened,
before it can reach PostgreSQL (which refuses it with an error: a 500 once)."""

import pytest
from django.urls import reverse

from tests.factories import ApplicantFactory, EOIFactory

pytestmark = pytest.mark.django_db


@pytest.mark.needs_postgres
@pytest.mark.parametrize(
    "query",
    [
        "q=%00",
        "status__exact=%00",
        "status__exact=draft%00",
        "call__id__exact=%00",
        "%00=1",
        "o=%00",
        "p=%00",
    ],
)
def test_a_nul_in_an_admin_filter_or_search_is_a_clear_400(client, superuser, query):
    EOIFactory()
    client.force_login(superuser)

    response = client.get(
        reverse("admin:submissions_expressionofinterest_changelist") + "?" + query
    )

    assert response.status_code == 400
    assert "This request cannot be read" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/?next=%00",
        "/accounts/confirm-email/%00/",
        "/eois/%00/",
        "/timezone/?next=%00",
    ],
)
def test_a_nul_anywhere_in_the_address_is_a_400_in_the_visitors_language(client, url):
    client.force_login(ApplicantFactory(preferred_language="fr"))

    response = client.get(url)

    assert response.status_code == 400
    assert "Cette requête ne peut pas être lue" in response.content.decode()
    assert response["Content-Security-Policy"]  # a page like any other


def test_a_nul_in_a_form_field_is_the_forms_to_name(client):
    """POST bodies pass: the form names the field and keeps the rest (see test_every_form)."""
    client.force_login(ApplicantFactory())

    response = client.post(reverse("accounts:profile"), {"name": "Awa\x00", "organisation": "R"})

    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
