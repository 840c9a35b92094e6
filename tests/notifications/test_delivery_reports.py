"""An email provider through django-anymail: mails go out by its HTTP API (a stand-in for
Mailgun's on loopback, spoken to by anymail's real Mailgun backend), its signed delivery
reports come back to /mail/events/mailgun/, show on each mail in the admin, and a bouncing or
complaining address is flagged on the person's record."""

import base64
import hashlib
import hmac
import json
import threading
import time
import uuid
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse

from accounts.roles import SECRETARIAT
from notifications import outbox
from notifications.checks import delivery_reports_are_checked
from notifications.events import PLACEHOLDERS
from notifications.models import DeliveryEvent, Event, OutboundEmail
from tests.factories import ApplicantFactory, EOIFactory, give_role

pytestmark = pytest.mark.django_db

SIGNING_KEY = "mailgun-signing-key-for-tests"
WEBHOOK = "/mail/events/mailgun/"
WEBHOOK_SECRET = "mailgun:a-long-webhook-secret"


class MailgunStandIn(BaseHTTPRequestHandler):
    """Answers POST /v3/<domain>/messages as Mailgun does: the new message's ID."""

    def do_POST(self):
        self.server.bodies.append(self.rfile.read(int(self.headers["Content-Length"])))
        message_id = f"<{uuid.uuid4().hex}@mg.example.org>"
        self.server.taken.append((self.path, message_id))
        body = json.dumps({"id": message_id, "message": "Queued. Thank you."}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def mailgun_api():
    server = ThreadingHTTPServer(("127.0.0.1", 0), MailgunStandIn)
    server.taken = []
    server.bodies = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def mailgun(settings):
    with mailgun_api() as api:
        settings.EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
        settings.ANYMAIL = {
            "MAILGUN_API_KEY": "key-for-tests",
            "MAILGUN_SENDER_DOMAIN": "mg.example.org",
            "MAILGUN_API_URL": f"http://127.0.0.1:{api.server_port}/v3",
            "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
        }
        yield api


def sent_through_mailgun(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        row = outbox.queue_email(
            key=f"test:{uuid.uuid4().hex}",
            event=Event.UNDER_REVIEW,
            recipient=applicant,
            values=lambda: dict.fromkeys(PLACEHOLDERS[Event.UNDER_REVIEW], "x"),
        )
    row.refresh_from_db()
    return row


def report(event, message_id, recipient, *, key=SIGNING_KEY, token=None, **data):
    """A Mailgun webhook post, signed with `key` as Mailgun signs them."""
    timestamp = str(int(time.time()))
    token = token or uuid.uuid4().hex
    signature = hmac.new(key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256)
    return json.dumps(
        {
            "signature": {
                "timestamp": timestamp,
                "token": token,
                "signature": signature.hexdigest(),
            },
            "event-data": {
                "event": event,
                "timestamp": time.time(),
                "id": uuid.uuid4().hex,
                "recipient": recipient,
                "message": {"headers": {"message-id": message_id.strip("<>")}},
                **data,
            },
        }
    )


def post(client, body, user_and_password=WEBHOOK_SECRET):
    auth = "Basic " + base64.b64encode(user_and_password.encode()).decode()
    return client.post(WEBHOOK, body, content_type="application/json", HTTP_AUTHORIZATION=auth)


BOUNCE = {
    "severity": "permanent",
    "reason": "bounce",
    "delivery-status": {"code": 550, "message": "5.1.1 The email account does not exist"},
}


def test_a_mail_sent_by_the_provider_keeps_its_id_and_its_bounce_flags_the_address(
    client, mailgun, django_capture_on_commit_callbacks
):
    applicant = ApplicantFactory(email="gone@example.org")
    row = sent_through_mailgun(applicant, django_capture_on_commit_callbacks)
    [(path, message_id)] = mailgun.taken
    assert path == "/v3/mg.example.org/messages"
    assert (row.status, row.provider_message_id) == (OutboundEmail.Status.SENT, message_id)

    response = post(client, report("failed", message_id, "gone@example.org", **BOUNCE))

    assert response.status_code == 200
    event = DeliveryEvent.objects.get()
    assert (event.email, event.kind, event.recipient, event.provider) == (
        row,
        "bounced",
        "gone@example.org",
        "Mailgun",
    )
    assert "does not exist" in event.description
    applicant.refresh_from_db()
    assert applicant.mail_problem == "bounced"
    assert applicant.mail_problem_at == event.happened_at


def test_a_report_signed_with_another_key_or_without_the_secret_is_refused(
    client, mailgun, django_capture_on_commit_callbacks
):
    applicant = ApplicantFactory(email="target@example.org")
    row = sent_through_mailgun(applicant, django_capture_on_commit_callbacks)
    forged = report("complained", row.provider_message_id, applicant.email, key="guessed")
    honest = report("complained", row.provider_message_id, applicant.email)

    assert post(client, forged).status_code == 400
    assert post(client, honest, user_and_password="mailgun:wrong").status_code == 400
    assert client.post(WEBHOOK, honest, content_type="application/json").status_code == 400

    assert not DeliveryEvent.objects.exists()
    applicant.refresh_from_db()
    assert applicant.mail_problem == ""


def test_a_report_sent_twice_is_kept_once(client, mailgun, django_capture_on_commit_callbacks):
    applicant = ApplicantFactory()
    row = sent_through_mailgun(applicant, django_capture_on_commit_callbacks)
    body = report("delivered", row.provider_message_id, applicant.email, token="same-token")

    assert post(client, body).status_code == 200
    assert post(client, body).status_code == 200

    assert list(row.delivery_events.values_list("kind", flat=True)) == ["delivered"]


def test_a_delivery_after_a_bounce_clears_the_flag_but_not_after_a_complaint(
    client, mailgun, django_capture_on_commit_callbacks
):
    bouncing = ApplicantFactory(email="full@example.org")
    complaining = ApplicantFactory(email="annoyed@example.org")
    first = sent_through_mailgun(bouncing, django_capture_on_commit_callbacks)
    second = sent_through_mailgun(complaining, django_capture_on_commit_callbacks)

    post(client, report("failed", first.provider_message_id, bouncing.email, **BOUNCE))
    post(client, report("complained", second.provider_message_id, complaining.email))
    post(client, report("failed", second.provider_message_id, complaining.email, **BOUNCE))
    bouncing.refresh_from_db()
    complaining.refresh_from_db()
    assert (bouncing.mail_problem, complaining.mail_problem) == ("bounced", "complained")

    post(client, report("delivered", first.provider_message_id, bouncing.email))
    post(client, report("delivered", second.provider_message_id, complaining.email))
    bouncing.refresh_from_db()
    complaining.refresh_from_db()
    assert (bouncing.mail_problem, complaining.mail_problem) == ("", "complained")


def test_a_temporary_failure_is_kept_without_flagging_anyone(
    client, mailgun, django_capture_on_commit_callbacks
):
    applicant = ApplicantFactory()
    row = sent_through_mailgun(applicant, django_capture_on_commit_callbacks)

    post(client, report("failed", row.provider_message_id, applicant.email, severity="temporary"))

    assert list(row.delivery_events.values_list("kind", flat=True)) == ["deferred"]
    applicant.refresh_from_db()
    assert applicant.mail_problem == ""


def test_the_secretariat_sees_the_reports_on_the_mail_and_the_flag_on_the_applicant(
    client, mailgun, django_capture_on_commit_callbacks
):
    eoi = EOIFactory(owner__email="gone@example.org")
    row = sent_through_mailgun(eoi.owner, django_capture_on_commit_callbacks)
    post(client, report("failed", row.provider_message_id, "gone@example.org", **BOUNCE))
    staff = ApplicantFactory(is_staff=True)
    give_role(staff, SECRETARIAT)
    client.force_login(staff)

    mail_page = client.get(reverse("admin:notifications_outboundemail_change", args=[row.pk]))
    assert "5.1.1 The email account does not exist" in mail_page.content.decode()
    users = client.get(reverse("admin:accounts_user_changelist") + "?mail_problem=bounced")
    assert "gone@example.org" in users.content.decode()
    eoi_page = client.get(reverse("review:secretariat_eoi", args=[eoi.uuid]))
    assert "Mail to gone@example.org bounces" in eoi_page.content.decode()


def test_only_the_sending_providers_reports_are_answered(client, settings, mailgun):
    assert (
        client.post("/mail/events/sendgrid/", "[]", content_type="application/json").status_code
        == 404
    )
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert client.post(WEBHOOK, "{}", content_type="application/json").status_code == 404


def test_the_deploy_check_refuses_a_provider_whose_reports_anyone_could_post(settings, mailgun):
    assert delivery_reports_are_checked(None) == []  # signed, and with the secret

    settings.ANYMAIL = {"MAILGUN_SENDER_DOMAIN": "mg.example.org"}  # no key to check with
    assert [error.id for error in delivery_reports_are_checked(None)] == ["kmf.E002"]
    # Signed, but without the secret: anymail reads some bodies before it can refuse them.
    settings.ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY}
    assert [error.id for error in delivery_reports_are_checked(None)] == ["kmf.E002"]

    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "token"}  # Postmark signs nothing: a secret
    [error] = delivery_reports_are_checked(None)
    assert "ANYMAIL_WEBHOOK_SECRET" in error.hint
    settings.ANYMAIL["WEBHOOK_SECRET"] = "postmark:a-long-webhook-secret"
    assert delivery_reports_are_checked(None) == []


def test_a_new_address_made_primary_starts_without_the_old_ones_flag(client):
    from allauth.account.models import EmailAddress

    applicant = ApplicantFactory(email="old@example.org", mail_problem="bounced")
    assert EmailAddress.objects.get(user=applicant).primary  # the factory made it
    EmailAddress.objects.create(user=applicant, email="new@example.org", verified=True)
    client.force_login(applicant)

    client.post(reverse("account_email"), {"action_primary": "", "email": "new@example.org"})

    applicant.refresh_from_db()
    assert (applicant.email, applicant.mail_problem) == ("new@example.org", "")


@pytest.mark.parametrize(
    "body",
    ["[]", '{"signature": []}', '{"signature": {"token": "\u00e9", "timestamp": "1"}}', "{"],
)
def test_a_report_of_the_wrong_shape_is_refused_not_a_crash(client, mailgun, body):
    assert post(client, body).status_code == 400
    assert not DeliveryEvent.objects.exists()


def test_a_report_about_a_mail_this_site_did_not_send_flags_nobody(client, mailgun):
    applicant = ApplicantFactory(email="reader@example.org")

    response = post(client, report("complained", "<newsletter-1@mg.example.org>", applicant.email))

    assert response.status_code == 200
    event = DeliveryEvent.objects.get()
    assert (event.email, event.kind) == (None, "complained")
    applicant.refresh_from_db()
    assert applicant.mail_problem == ""


def test_an_account_mail_asks_the_provider_not_to_rewrite_its_link(
    client, mailgun, django_capture_on_commit_callbacks
):
    applicant = ApplicantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": applicant.email})

    [body] = mailgun.bodies  # form-encoded, as Mailgun's API takes it
    assert b"o%3Atracking-clicks=no" in body
    assert b"o%3Atracking-opens=no" in body
