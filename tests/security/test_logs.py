"""Logs carry no personal data: what the configured handler writes, after real failures whose
texts quote an applicant's address."""

import logging

import pytest
from django.db import IntegrityError
from django.urls import path

from kmf.urls import urlpatterns as site_urls
from notifications import outbox
from notifications.models import OutboundEmail
from tests.conftest import smtp_sink
from tests.factories import OutboundEmailFactory

pytestmark = pytest.mark.django_db

ADDRESS = "amina.diallo@justice-locale.ml"


def duplicate_account(request):
    raise IntegrityError(f"duplicate key value violates unique constraint: (email)=({ADDRESS})")


urlpatterns = [*site_urls, path("duplicate/", duplicate_account)]


class RefusingHandler:
    """An SMTP server that refuses the recipient, quoting the address as real servers do."""

    def __init__(self, code):
        self.code = code

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"{self.code} 5.1.1 <{address}>: Recipient address rejected"


def test_mail_failures_and_server_errors_are_logged_without_the_address(
    client, settings, log_output
):
    with smtp_sink(settings, RefusingHandler(550)):
        outbox.deliver(
            [OutboundEmailFactory(key="refused", to=ADDRESS).pk]
        )  # given up: logged as an error
    with smtp_sink(settings, RefusingHandler(450)):
        # Deferred by the server: logged by ID, for the sweep to send later.
        outbox.enqueue([OutboundEmailFactory(key="deferred", to=ADDRESS).pk])
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    assert client.get("/duplicate/").status_code == 500

    written = log_output.getvalue()
    assert "Giving up on email" in written
    assert "not sent yet" in written
    assert "Internal Server Error: /duplicate/" in written
    assert "IntegrityError" in written
    assert "[email]" in written
    assert ADDRESS not in written
    assert "amina.diallo" not in written
    # The outbox keeps the server's words for the Secretariat.
    assert ADDRESS in OutboundEmail.objects.get(key="refused").last_error


def test_the_celery_worker_keeps_the_filter_that_masks_addresses(log_output):
    from kmf.celery import app

    # What `celery worker` does to logging when it starts.
    app.log.setup_logging_subsystem(loglevel="INFO")
    logging.getLogger("celery.worker").error("Refused <%s>", ADDRESS)

    written = log_output.getvalue()
    assert "Refused <[email]>" in written
    assert ADDRESS not in written


def test_a_broken_log_call_is_written_not_raised(log_output):
    logging.getLogger("kmf").warning("two %s %s", f"<{ADDRESS}>")

    written = log_output.getvalue()
    assert "two %s %s" in written
    assert ADDRESS not in written
