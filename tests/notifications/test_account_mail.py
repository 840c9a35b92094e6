"""Account mails (the address check at sign-up, password reset) go through the outbox: a row
first, delivered after commit to a real SMTP server, retried when it is down, resent from the
admin; their one-time links are never shown there and are not kept once sent."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.roles import SECRETARIAT
from notifications import outbox
from notifications.models import Event, OutboundEmail
from tests.conftest import RecordingHandler, smtp_sink
from tests.factories import ApplicantFactory, give_role

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "email": "amina@example.org",
    "password1": "a sturdy passphrase 2021",
    "password2": "a sturdy passphrase 2021",
    "name": "Amina Diallo",
    "organisation": "Justice Locale",
    "country": "ML",
}


def path_in(text):
    return re.search(r"https?://testserver(/\S+)", text).group(1)


def test_the_address_check_goes_through_the_outbox_in_the_visitors_language(
    client, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), SIGN_UP, HTTP_ACCEPT_LANGUAGE="fr")

    row = OutboundEmail.objects.get()
    user = User.objects.get(email="amina@example.org")
    assert (row.event, row.to, row.recipient, row.language) == (
        Event.ACCOUNT,
        "amina@example.org",
        user,
        "fr",
    )
    assert row.status == OutboundEmail.Status.SENT
    [delivered] = smtp_server.messages
    assert delivered["To"] == "amina@example.org"
    assert "adresse" in delivered["Subject"].lower()  # allauth's French wording
    # Once sent, the outbox keeps no copy of the link.
    assert (row.body_text, row.body_html) == ("", "")

    confirm = path_in(delivered.get_body(("plain",)).get_content())
    client.post(confirm)
    assert client.session["_auth_user_id"] == str(user.pk)


def test_a_password_reset_waits_out_a_mail_server_refusal_and_its_link_still_works(
    client, settings, django_capture_on_commit_callbacks
):
    applicant = ApplicantFactory()
    handler = RecordingHandler()
    handler.refusals = 1  # "451 try again later", once
    with smtp_sink(settings, handler):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("account_reset_password"), {"email": applicant.email})
        assert response.status_code == 302  # the visitor is not kept waiting on the mail

        row = OutboundEmail.objects.get()
        assert (row.status, row.attempts, row.recipient) == (
            OutboundEmail.Status.PENDING,
            1,
            applicant,
        )
        assert handler.messages == []

        with (
            time_machine.travel(timezone.now() + timedelta(minutes=1)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert outbox.sweep() == 1

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    [delivered] = handler.messages
    form_url = client.get(
        path_in(delivered.get_body(("plain",)).get_content()), follow=True
    ).redirect_chain[-1][0]
    client.post(
        form_url, {"password1": "a new passphrase 2022", "password2": "a new passphrase 2022"}
    )
    applicant.refresh_from_db()
    assert applicant.check_password("a new passphrase 2022")


def test_a_reset_asked_for_an_unknown_address_is_an_outbox_mail_with_nobody_behind_it(
    client, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    row = OutboundEmail.objects.get()
    assert (row.event, row.to, row.recipient, row.status) == (
        Event.ACCOUNT,
        "nobody@example.org",
        None,
        OutboundEmail.Status.SENT,
    )
    assert [message["To"] for message in smtp_server.messages] == ["nobody@example.org"]


def secretariat_client(client):
    staff = ApplicantFactory(is_staff=True)
    give_role(staff, SECRETARIAT)
    client.force_login(staff)
    return client


def test_the_admin_shows_an_account_mail_but_never_its_link(client, settings):
    applicant = ApplicantFactory()
    handler = RecordingHandler()
    handler.refusals = 8  # the server keeps refusing: the mail stays in the outbox with its link
    with smtp_sink(settings, handler):
        client.post(reverse("account_reset_password"), {"email": applicant.email})
    row = OutboundEmail.objects.get()
    link = path_in(row.body_text)

    page = secretariat_client(client).get(
        reverse("admin:notifications_outboundemail_change", args=[row.pk])
    )

    assert page.status_code == 200
    text = page.content.decode()
    assert row.subject in text
    assert "Not shown: it holds a link that works by itself" in text
    assert link not in text


def test_a_failed_account_mail_is_resent_from_the_admin_and_a_sent_one_is_not(
    client, smtp_server, django_capture_on_commit_callbacks
):
    applicant = ApplicantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": applicant.email})
    sent = OutboundEmail.objects.get()
    failed = OutboundEmail.objects.create(
        key="account:failed",
        event=Event.ACCOUNT,
        recipient=applicant,
        to=applicant.email,
        language="en",
        subject="[KMF] Password Reset",
        body_text="Reset it at https://testserver/accounts/password/reset/key/x-y/",
        body_html="",
        status=OutboundEmail.Status.FAILED,
        attempts=8,
    )
    secretariat_client(client)

    with django_capture_on_commit_callbacks(execute=True):
        page = client.post(
            reverse("admin:notifications_outboundemail_changelist"),
            {"action": "resend", "_selected_action": [sent.pk, failed.pk]},
            follow=True,
        )

    text = page.content.decode()
    assert "1 mail queued." in text
    assert "1 mail not queued" in text
    failed.refresh_from_db()
    assert failed.status == OutboundEmail.Status.SENT
    assert [message["To"] for message in smtp_server.messages] == [applicant.email] * 2
    assert "reset/key/x-y" in smtp_server.messages[1].get_body(("plain",)).get_content()


@pytest.mark.parametrize("known", [True, False])
def test_account_mails_link_to_the_sites_address_whatever_host_the_request_named(
    client, settings, known
):
    # A host the site answers besides its public name (the container's health check asks
    # 127.0.0.1) put its links into the reset, sign-up and "unknown account" mails of a
    # request that named it: the other mails link to SITE_URL.
    settings.ALLOWED_HOSTS = ["testserver", "127.0.0.1"]
    settings.SITE_URL = "https://grants.example.org"
    if known:
        ApplicantFactory(email="awa@example.org")

    client.post(
        reverse("account_reset_password"), {"email": "awa@example.org"}, HTTP_HOST="127.0.0.1"
    )

    text = OutboundEmail.objects.get().body_text
    assert "127.0.0.1" not in text
    assert "https://grants.example.org/accounts/" in text


@pytest.mark.parametrize("event", [Event.PARTNER_ASKED, Event.COAPPLICANT_INVITATION])
def test_a_partners_or_invitees_link_is_neither_shown_in_the_admin_nor_kept_once_sent(
    client, smtp_server, event
):
    """Their links confirm for a partner or accept an invitation with no password: the
    Secretariat reading the outbox must not be able to use them."""
    link = "https://testserver/partners/confirm/Zq3-secret-token/"
    row = OutboundEmail.objects.create(
        key=f"{event}:1",
        event=event,
        to="partner@example.org",
        language="en",
        subject="Please confirm",
        body_text=f"Answer here: {link}",
        body_html=f'<p>Answer here: <a href="{link}">{link}</a></p>',
    )

    page = secretariat_client(client).get(
        reverse("admin:notifications_outboundemail_change", args=[row.pk])
    )
    assert "Not shown: it holds a link that works by itself" in page.content.decode()
    assert "secret-token" not in page.content.decode()

    outbox.deliver([row.pk])

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert (row.body_text, row.body_html) == ("", "")
    assert "secret-token" in smtp_server.messages[0].as_string()
