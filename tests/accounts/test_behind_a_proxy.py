"""Behind the documented proxy, sign-in throttles count per visitor, not per proxy."""

import pytest
from django.urls import reverse

from tests.factories import ApplicantFactory
from tests.kmf.test_settings import load_settings

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # every request reaches the web node from nginx's address


def sign_in(client, email, password, visitor):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": password},
        REMOTE_ADDR=PROXY,
        # What nginx's $proxy_add_x_forwarded_for passes on: whatever the visitor sent, then the
        # address nginx saw.
        HTTP_X_FORWARDED_FOR=visitor,
    )


def test_one_visitors_wrong_passwords_do_not_lock_out_the_others(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    someone, honest = ApplicantFactory(), ApplicantFactory()

    # Thirty wrong passwords over six accounts: the per-address limit (20) is what stops them.
    for attempt in range(30):
        sign_in(client, f"guess{attempt % 6}@example.org", "wrong", "203.0.113.5")
    attacker = sign_in(client, someone.email, "correct horse battery", "203.0.113.5")
    # Forging the header does not help: the proxy appends the address it saw.
    forged = sign_in(client, someone.email, "correct horse battery", "198.51.100.7, 203.0.113.5")
    client.cookies.clear()
    other = sign_in(client, honest.email, "correct horse battery", "198.51.100.7")

    assert attacker.status_code == 429
    assert forged.status_code == 429
    assert other.status_code == 302
    assert client.session["_auth_user_id"] == str(honest.pk)


def test_the_number_of_proxies_comes_from_the_environment():
    assert load_settings("ALLAUTH_TRUSTED_PROXY_COUNT", DEBUG="1", TRUSTED_PROXY_COUNT="1") == {
        "ALLAUTH_TRUSTED_PROXY_COUNT": 1
    }
    assert load_settings("ALLAUTH_TRUSTED_PROXY_COUNT", DEBUG="1") == {
        "ALLAUTH_TRUSTED_PROXY_COUNT": 0
    }
