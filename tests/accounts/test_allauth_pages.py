"""Every allauth page a person can reach with the project's settings (email as the login,
mandatory confirmation, an authenticator app and recovery codes) speaks in the site's words and
sentence case, in English and French: not allauth's Title Case nor its stock sentences.
(Sign-in, sign-up and the password reset: tests/accounts/test_accounts.py.)"""

import re

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.urls import reverse

from accounts.roles import REVIEWERS
from tests.factories import ApplicantFactory, give_role

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"

# allauth's own headings, buttons and sentences on these pages (and its French for them),
# which the site words otherwise.
ALLAUTH_WORDS = [
    "Email Addresses",
    "Make Primary",
    "Re-send Verification",
    "Add Email",
    "Confirm Email Address",
    "Verify Your Email Address",
    "Sign Out",
    "Change Password",
    "Confirm Access",
    "Please reauthenticate",
    "Account Inactive",
    "Two-Factor Authentication",
    "Authenticator App",
    "Activate Authenticator App",
    "Deactivate Authenticator App",
    "Recovery Codes",
    "Request Code",
    "Generate",
    "Unverified",
    "Primary",
    "Authentification à deux facteurs",
    "Adresses e-mail",
    "Rendre principale",
    "Courriel",
    "Déconnexion",
    "Current Password",
    "New Password",
]

# URL name, who opens it, and its heading in each language.
PAGES = {
    "account_email": ("applicant", "Your email addresses", "Vos adresses e-mail"),
    "account_change_password": ("applicant", "Change your password", "Changer votre mot de passe"),
    "account_logout": ("applicant", "Sign out", "Se déconnecter"),
    "account_inactive": (None, "This account is closed", "Ce compte est fermé"),
    "account_email_verification_sent": (None, "Check your email", None),
    "account_confirm_email": (None, "Confirm your email address", "Confirmez votre adresse e-mail"),
    "account_reauthenticate": ("applicant", "Confirm it is you", "Confirmez que c’est bien vous"),
    "account_request_reauthentication_code": (
        "applicant",
        "Confirm it is you",
        "Confirmez que c’est bien vous",
    ),
    "mfa_index": ("reviewer", "Two-factor sign-in", "Connexion à deux facteurs"),
    "mfa_reauthenticate": ("reviewer", "Confirm it is you", "Confirmez que c’est bien vous"),
    "mfa_activate_totp": (
        "applicant again",
        "Set up an authenticator app",
        "Configurer une application d’authentification",
    ),
    "mfa_deactivate_totp": (
        "reviewer again",
        "Turn off the authenticator app",
        "Désactiver l’application d’authentification",
    ),
    "mfa_generate_recovery_codes": (
        "reviewer again",
        "Make new recovery codes",
        "Créer de nouveaux codes de secours",
    ),
    "mfa_view_recovery_codes": ("reviewer with codes", "Recovery codes", "Codes de secours"),
}


def opened_by(client, who, language):
    if who is None:
        return
    person = ApplicantFactory(preferred_language=language)
    if who.startswith("reviewer"):
        give_role(person, REVIEWERS)
    if who == "reviewer with codes":
        RecoveryCodes.activate(person)
    client.force_login(person)
    if who.endswith(("again", "codes")):  # changes ask for the password once more
        client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return person


def address_of(name, person):
    if name == "account_confirm_email":
        pending = EmailAddress.objects.create(
            user=ApplicantFactory(), email="new@example.org", verified=False
        )
        return reverse(name, args=[EmailConfirmationHMAC(pending).key])
    return reverse(name)


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("name", PAGES)
def test_each_allauth_page_speaks_in_the_sites_words_and_case(client, name, language):
    who, english, french = PAGES[name]
    person = opened_by(client, who, language)

    response = client.get(address_of(name, person), headers={"accept-language": language})

    assert response.status_code == 200
    page = response.content.decode()
    title = {"en": english, "fr": french}[language]
    if title is None:  # the site's French for it was there before
        title = re.search(r"<h1[^>]*>\s*([^<]*?)\s*</h1>", page).group(1)
    assert re.search(rf"<title>\s*{title} ·", page)
    assert re.search(rf"<h1[^>]*>\s*{title}\s*</h1>", page)
    assert [words for words in ALLAUTH_WORDS if words in page] == []
    assert f'<html lang="{language}"' in page


def test_the_email_page_keeps_allauths_actions(client):
    """The site's words on allauth's form: the same buttons send the same actions."""
    person = opened_by(client, "applicant", "en")
    EmailAddress.objects.create(user=person, email="second@example.org", verified=False)

    page = client.get(reverse("account_email")).content.decode()

    for action, words in [
        ("action_primary", "Make it the main address"),
        ("action_send", "Send the confirmation link again"),
        ("action_remove", "Remove"),
        ("action_add", "Add the address"),
    ]:
        assert re.search(rf'name="{action}"[^>]*>{words}</button>', page), action
    assert "Not confirmed yet" in page
    assert "Main address" in page
    response = client.post(
        reverse("account_email"), {"action_send": "", "email": "second@example.org"}
    )
    assert response.status_code == 302


def test_the_authenticator_set_up_shows_its_key_to_type_in(client):
    opened_by(client, "applicant again", "en")

    page = client.get(reverse("mfa_activate_totp")).content.decode()

    key = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)" readonly', page)
    assert key
    assert 'alt="QR code for your authenticator app"' in page
    assert "Key to type in" in page
    assert re.search(r'<label\s+for="id_code"[^>]*>\s*The code the app shows', page)
    assert 'placeholder="Code"' not in page
    # The main action stands out: a submit button with no tags is the primary one.
    assert re.search(r'class="btn btn-primary"[^>]*type="submit">Turn on two-factor', page)


def test_the_profile_leads_to_the_two_factor_page(client):
    opened_by(client, "applicant", "en")

    assert reverse("mfa_index") in client.get(reverse("accounts:profile")).content.decode()


@pytest.mark.parametrize(
    ("language", "signed_in", "signed_out"),
    [
        ("en", "You are signed in as {email}.", "You are signed out."),
        ("fr", "Vous êtes connecté·e en tant que {email}.", "Vous êtes déconnecté·e."),
    ],
)
def test_allauths_messages_are_in_the_sites_words(
    client, applicant, language, signed_in, signed_out
):
    headers = {"accept-language": language}
    applicant.preferred_language = language
    applicant.save()

    client.post(
        reverse("account_login"), {"login": applicant.email, "password": PASSWORD}, headers=headers
    )
    landed = client.get("/eois/", headers=headers).content.decode()
    client.post(reverse("account_logout"), headers=headers)
    left = client.get("/", headers=headers).content.decode()

    assert signed_in.format(email=applicant.email) in landed
    assert "Successfully signed in" not in landed
    assert signed_out in left


def test_changing_the_main_address_says_so_in_the_sites_words(client):
    person = opened_by(client, "applicant", "en")
    EmailAddress.objects.create(user=person, email="second@example.org", verified=False)

    unconfirmed = client.post(
        reverse("account_email"),
        {"action_primary": "", "email": "second@example.org"},
        follow=True,
    )
    removed_main = client.post(
        reverse("account_email"), {"action_remove": "", "email": person.email}, follow=True
    )

    assert "Confirm an address before you make it your main one." in unconfirmed.content.decode()
    assert "is your main address: make another one" in removed_main.content.decode()


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "Confirm your email addresses first (or remove the ones not confirmed)"),
        ("fr", "Confirmez d’abord vos adresses e-mail (ou retirez celles non confirmées)"),
    ],
)
def test_a_refused_set_up_says_why_in_the_sites_words(client, language, refusal):
    person = opened_by(client, "applicant again", language)
    EmailAddress.objects.create(user=person, email="second@example.org", verified=False)

    response = client.get(
        reverse("mfa_activate_totp"), headers={"accept-language": language}, follow=True
    )

    page = response.content.decode()
    assert refusal in page
    assert "You cannot activate two-factor authentication" not in page


@pytest.mark.parametrize(
    ("name", "button"),
    [
        ("account_reauthenticate", "Confirmer"),
        ("account_request_reauthentication_code", "M’envoyer un code par e-mail"),
    ],
)
def test_both_ways_of_confirming_it_is_you_post_to_their_own_address(client, name, button):
    opened_by(client, "applicant", "fr")

    page = client.get(reverse(name), headers={"accept-language": "fr"}).content.decode()

    form = re.search(rf'<form[^>]*action="{reverse(name)}"[^>]*>(.*?)</form>', page, re.S)
    assert re.search(rf'<button[^>]*type="submit"[^>]*>\s*{button}', form.group(1))
