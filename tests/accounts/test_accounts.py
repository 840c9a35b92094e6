"""Signing up, verifying the address, signing in, resetting the password, the profile."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User

pytestmark = pytest.mark.django_db


def link_in(message):
    return re.search(r"https?://testserver(/\S+)", message.body).group(1)


def test_sign_up_verifies_the_address_before_anyone_signs_in(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the outbox delivers after commit
        response = client.post(
            reverse("account_signup"),
            {
                "email": "amina@example.org",
                "password1": "a sturdy passphrase 2021",
                "password2": "a sturdy passphrase 2021",
                "name": "Amina Diallo",
                "organisation": "Justice Locale",
                "country": "ML",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="amina@example.org")
    assert (user.name, user.organisation, user.country.code) == (
        "Amina Diallo",
        "Justice Locale",
        "ML",
    )
    assert not client.session.get("_auth_user_id")
    assert len(mail.outbox) == 1

    confirm = link_in(mail.outbox[0])
    client.post(confirm)

    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.emailaddress_set.get().verified


def test_an_unverified_address_cannot_sign_in(client):
    client.post(
        reverse("account_signup"),
        {
            "email": "late@example.org",
            "password1": "a sturdy passphrase 2021",
            "password2": "a sturdy passphrase 2021",
            "name": "Late Verifier",
            "country": "SN",
        },
    )
    mail.outbox.clear()

    response = client.post(
        reverse("account_login"),
        {"login": "late@example.org", "password": "a sturdy passphrase 2021"},
    )

    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


def test_sign_in_is_by_email_in_any_case(client, applicant):
    response = client.post(
        reverse("account_login"),
        {"login": applicant.email.upper(), "password": "correct horse battery"},
    )

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(applicant.pk)


def test_repeated_failed_sign_ins_are_throttled(client, applicant):
    url = reverse("account_login")
    wrong = {"login": applicant.email, "password": "not the password"}
    for _ in range(5):
        assert client.post(url, wrong).status_code == 200

    response = client.post(url, {"login": applicant.email, "password": "correct horse battery"})

    assert "_auth_user_id" not in client.session
    assert "Too many failed attempts to sign in" in response.content.decode()


def test_password_reset_sends_a_link_that_sets_a_new_password(
    client, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": applicant.email})
    assert len(mail.outbox) == 1

    form_url = client.get(link_in(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    client.post(
        form_url, {"password1": "a new passphrase 2022", "password2": "a new passphrase 2022"}
    )

    applicant.refresh_from_db()
    assert applicant.check_password("a new passphrase 2022")


def test_the_profile_keeps_the_preferred_language_which_the_site_then_speaks(
    applicant_client, applicant
):
    response = applicant_client.post(
        reverse("accounts:profile"),
        {"name": "Aminata T.", "organisation": "RJL", "country": "ML", "preferred_language": "fr"},
    )
    assert response.status_code == 302

    applicant.refresh_from_db()
    assert applicant.preferred_language == "fr"
    page = applicant_client.get(reverse("submissions:home")).content.decode()
    assert '<html lang="fr">' in page


def test_the_language_switch_is_kept_on_the_account(applicant_client, applicant):
    applicant_client.post(reverse("set_language"), {"language": "fr", "next": "/"})

    applicant.refresh_from_db()
    assert applicant.preferred_language == "fr"


def test_the_profile_needs_a_signed_in_person(client):
    response = client.get(reverse("accounts:profile"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_refused_sign_up_lists_each_problem_with_a_link_to_its_field(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "not an address", "password1": "short", "password2": "other", "name": ""},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in page
    assert "Please check these answers.</h2>" in page  # passwords are not sent back
    assert 'href="#id_email">Email address</a>' in page
    assert 'href="#id_name">' in page
    assert 'aria-invalid="true"' in page


def country_options(client, language):
    page = client.get(reverse("account_signup"), headers={"accept-language": language})
    select = re.search(r'<select name="country".*?</select>', page.content.decode(), re.DOTALL)
    return re.findall(r'<option value="(\w*)"[^>]*>([^<]*)</option>', select.group())


def test_the_sign_up_countries_are_named_and_sorted_in_the_visitors_language(client):
    english = country_options(client, "en")  # whichever language came first…
    french = country_options(client, "fr")  # …the next visitor reads their own

    assert ("DE", "Germany") in english
    assert ("DE", "Allemagne") in french
    codes = [code for code, _name in french]
    # French order: Afrique du Sud, Albanie, Algérie, Allemagne; Égypte, Émirats arabes unis,
    # Équateur, Érythrée, Espagne (an accent does not send a name to the end).
    assert codes.index("ZA") < codes.index("AL") < codes.index("DZ") < codes.index("DE")
    order = [codes.index(code) for code in ["EG", "AE", "EC", "ER", "ES"]]
    assert order == sorted(order)
    assert french[0] == ("", "—")


# allauth's own words, in its Title Case (and its French "Courriel"), that the site says otherwise.
ALLAUTH_WORDS = [
    "Sign In",
    "Sign Up",
    "Signup",
    "Remember Me",
    "Password Reset",
    "Reset My",
    "Courriel",
    "oublié ?",  # a plain space before "?"
]
EMAIL_ADDRESS = {"en": "Email address", "fr": "Adresse e-mail"}
SITE_WORDS = {
    "account_login": {"en": "Sign in", "fr": "Se connecter"},
    "account_signup": {"en": "Create an account", "fr": "Créer un compte"},
    "account_reset_password": {
        "en": "Reset your password",
        "fr": "Réinitialiser votre mot de passe",
    },
}


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("name", SITE_WORDS)
def test_the_sign_in_pages_speak_in_the_sites_words_and_case(client, name, language):
    page = client.get(reverse(name), headers={"accept-language": language}).content.decode()

    title = SITE_WORDS[name][language]
    assert re.search(rf"<title>\s*{title} ·", page)
    assert re.search(rf"<h1[^>]*>\s*{title}\s*</h1>", page)
    assert EMAIL_ADDRESS[language] in page
    assert [words for words in ALLAUTH_WORDS if words in page] == []


@pytest.mark.parametrize(
    ("language", "refusal"),
    [
        ("en", "This email address and password do not match an account."),
        ("fr", "Cette adresse e-mail et ce mot de passe ne correspondent à aucun compte."),
    ],
)
def test_a_wrong_password_is_refused_in_the_sites_words(client, applicant, language, refusal):
    response = client.post(
        reverse("account_login"),
        {"login": applicant.email, "password": "not the password"},
        headers={"accept-language": language},
    )

    assert refusal in response.content.decode()


@pytest.mark.parametrize(
    ("language", "subject"),
    [("en", "[KMF] Reset your password"), ("fr", "[KMF] Réinitialiser votre mot de passe")],
)
def test_the_account_mails_are_titled_in_the_sites_words(
    client, applicant, django_capture_on_commit_callbacks, language, subject
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_reset_password"),
            {"email": applicant.email},
            headers={"accept-language": language},
        )

    assert [message.subject for message in mail.outbox] == [subject]


@pytest.mark.parametrize("language", ["de", "de-abcdefgh-ijklmnop"])
def test_the_language_switch_keeps_only_a_language_the_site_offers(
    applicant_client, applicant, language
):
    # Django has German of its own, and "de-" followed by anything finds it: the account kept
    # it (too long for its column on PostgreSQL: a 500) and every page came in German.
    response = applicant_client.post(reverse("set_language"), {"language": language, "next": "/"})

    assert response.status_code == 302
    applicant.refresh_from_db()
    assert applicant.preferred_language == "en"
    page = applicant_client.get(reverse("submissions:home")).content.decode()
    assert '<html lang="en">' in page
