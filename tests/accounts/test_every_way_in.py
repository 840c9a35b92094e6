"""Every way in asks for the second factor and counts wrong passwords.

The audit signed in at /admin/login/ with a password alone and read every EOI, and tried 30
wrong passwords there unthrottled. These tests find the sign-in doors from the URL resolver, so
a door added later is tried too.
"""

import pytest
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY
from django import test
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.roles import REVIEWERS, SECRETARIAT
from tests.factories import ApplicantFactory, give_role
from tests.totp import fresh_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"
# Every URL whose name says it signs someone in. A new door fails the first test until it is
# listed here and shown to pass through the site's own sign-in.
THROTTLED = "Too many failed attempts to sign in"
SIGN_IN_DOORS = {"account_login", "admin:login", "account_confirm_login_code"}


def url_names(resolver=None, namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def sign_in_doors():
    return {name for name in url_names() if "login" in name and "logout" not in name}


def test_the_resolver_knows_no_other_sign_in_door():
    assert sign_in_doors() == SIGN_IN_DOORS


def ends_at_the_sign_in_page(client, path):
    """Following where `path` sends this client ends on the sign-in page (or its second step,
    for a sign-in under way), never on `path` itself."""
    page = client.get(path, follow=True)
    return page.status_code == 200 and page.request["PATH_INFO"] in (
        reverse("account_login"),
        reverse("mfa_authenticate"),
    )


@pytest.fixture
def secretariat_member():
    return give_role(ApplicantFactory(is_staff=True), SECRETARIAT)


@pytest.mark.parametrize("door", sorted(SIGN_IN_DOORS))
def test_a_password_alone_signs_nobody_in_at_any_door(door, secretariat_member):
    client = test.Client()

    response = client.post(
        reverse(door),
        # The fields of allauth's form and of Django's admin form, both.
        {"login": secretariat_member.email, "username": secretariat_member.email,
         "password": PASSWORD, "code": "123456"},
    )  # fmt: skip

    assert response.status_code in (302, 200, 404)
    assert "_auth_user_id" not in client.session
    if response.status_code == 302:
        assert response["Location"].startswith(
            (reverse("account_login"), reverse("mfa_authenticate"))
        )
    assert ends_at_the_sign_in_page(client, "/admin/submissions/expressionofinterest/")


def test_the_admin_sends_visitors_to_the_sites_sign_in_page():
    response = test.Client().get("/admin/login/?next=/admin/")

    assert response.status_code == 302
    assert response["Location"] == reverse("account_login") + "?next=%2Fadmin%2F"


def test_the_code_from_the_authenticator_completes_the_sign_in(secretariat_member):
    client = test.Client()
    client.post(reverse("account_login"), {"login": secretariat_member.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": fresh_code(secretariat_member.totp_secret)})

    assert client.get("/admin/submissions/expressionofinterest/").status_code == 200


@pytest.mark.parametrize("door", sorted(SIGN_IN_DOORS - {"account_login"}))
def test_no_other_door_judges_a_password(door, secretariat_member):
    """The others send the visitor to the sign-in page: whatever was posted there, no password
    was checked, so none escapes the sign-in page's count."""
    response = test.Client().post(
        reverse(door), {"username": secretariat_member.email, "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_thirty_wrong_passwords_are_throttled(secretariat_member):
    client = test.Client()
    answers = [
        client.post(
            reverse("account_login"),
            {"login": secretariat_member.email, "password": f"wrong {attempt}"},
        ).content.decode()
        for attempt in range(30)
    ]

    assert [THROTTLED in answer for answer in answers] == [False] * 5 + [True] * 25
    # Even the right password waits now.
    right = client.post(
        reverse("account_login"), {"login": secretariat_member.email, "password": PASSWORD}
    )
    # The address made thirty attempts: now it waits too, whoever it asks for.
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", [SECRETARIAT, REVIEWERS, "superuser"])
def test_a_session_that_skipped_the_second_factor_is_signed_out(role):
    person = ApplicantFactory(is_staff=role != REVIEWERS, is_superuser=role == "superuser")
    give_role(person, REVIEWERS if role == REVIEWERS else SECRETARIAT)
    # Django's own client: signed in by the password backend alone, as a side door would.
    client = test.Client()
    client.force_login(person)

    for path in ("/admin/", "/review/", "/eois/"):
        assert ends_at_the_sign_in_page(client, path), path
    assert "_auth_user_id" not in client.session


# Committed for real: allauth announces the new authenticator once its transaction commits, as
# it does in production, inside the request.
@pytest.mark.django_db(transaction=True)
def test_setting_up_an_authenticator_is_passing_the_second_factor():
    reviewer = ApplicantFactory()
    reviewer.groups.add(*give_role(ApplicantFactory(), REVIEWERS).groups.all())
    client = test.Client()
    client.force_login(reviewer)
    assert client.get("/review/")["Location"] == reverse("mfa_activate_totp")

    # allauth asks for the password again before an authenticator is added.
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    client.get(reverse("mfa_activate_totp"))
    secret = client.session[SECRET_SESSION_KEY]
    client.post(reverse("mfa_activate_totp"), {"code": fresh_code(secret)})

    assert client.get("/review/").status_code == 200
