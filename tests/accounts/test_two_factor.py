"""Secretariat members, reviewers and admin users sign in with a second factor."""

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.roles import REVIEWERS, SECRETARIAT
from tests.factories import ApplicantFactory, give_role
from tests.totp import fresh_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [SECRETARIAT, REVIEWERS, "admin"])
def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, role):
    person = ApplicantFactory(is_staff=role == "admin")
    if role != "admin":
        person.groups.add(Group.objects.get(name=role))
    client.force_login(person)

    for path in ("/review/", "/eois/", "/admin/", "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_activate_totp")
    # The set-up page itself stays open (allauth first asks for the password again).
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 302
    assert setup["Location"].startswith(reverse("account_reauthenticate"))
    assert client.get(setup["Location"]).status_code == 200
    assert client.get("/healthz").status_code == 200

    TOTP.activate(person, generate_totp_secret())
    assert client.get("/review/").status_code == 200


def test_applicants_are_not_asked_for_a_second_factor(applicant_client):
    assert applicant_client.get("/eois/").status_code == 200


def test_signing_in_with_an_authenticator_asks_for_its_code(client):
    reviewer = give_role(ApplicantFactory(), REVIEWERS)

    response = client.post(
        reverse("account_login"), {"login": reviewer.email, "password": "correct horse battery"}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    code = fresh_code(reviewer.totp_secret)
    wrong = client.post(reverse("mfa_authenticate"), {"code": f"{(int(code) + 1) % 10**6:06}"})
    assert "_auth_user_id" not in client.session
    assert wrong.status_code == 200
    # In the site's words and sentence case, as the first step was, not allauth's "Sign In".
    asked = wrong.content.decode()
    assert "Two-factor sign-in" in asked
    assert ">Sign in</button>" in asked
    assert "Sign In" not in asked

    client.post(reverse("mfa_authenticate"), {"code": code})
    assert client.session["_auth_user_id"] == str(reviewer.pk)


def test_recovery_codes_can_be_generated(client):
    reviewer = give_role(ApplicantFactory(), REVIEWERS)
    client.force_login(reviewer)

    page = client.get(reverse("mfa_index"))

    assert page.status_code == 200
    assert reverse("mfa_generate_recovery_codes") in page.content.decode()


def _turn_off_the_authenticator(client, person):
    client.force_login(person)
    client.post(reverse("account_reauthenticate"), {"password": "correct horse battery"})
    return client.post(reverse("mfa_deactivate_totp"), {}, headers={"accept-language": "en"})


def test_staff_cannot_turn_off_the_second_factor_they_must_sign_in_with(client):
    reviewer = give_role(ApplicantFactory(), REVIEWERS)

    refused = _turn_off_the_authenticator(client, reviewer)

    assert refused.status_code == 200
    assert "You cannot turn off two-factor sign-in." in refused.content.decode()
    assert Authenticator.objects.filter(user=reviewer, type=Authenticator.Type.TOTP).exists()


def test_applicants_may_turn_off_the_second_factor_they_chose(client):
    applicant = ApplicantFactory()
    TOTP.activate(applicant, generate_totp_secret())

    _turn_off_the_authenticator(client, applicant)

    assert not Authenticator.objects.filter(user=applicant, type=Authenticator.Type.TOTP).exists()
