"""The mails sent to a person are part of their data download and lose their address and text
when the account is deleted (notifications/privacy.py answers accounts/privacy.py)."""

import json

import pytest
from django.urls import reverse

from notifications.models import Event, OutboundEmail
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


def mail_to(person, key, subject):
    return OutboundEmail.objects.create(
        key=key,
        event=Event.SUBMISSION_RECEIPT,
        recipient=person,
        to=person.email,
        language="en",
        subject=subject,
        body_text="Dear Amina, we received your expression of interest.",
        body_html="<p>Dear Amina, we received your expression of interest.</p>",
    )


def test_the_data_download_lists_the_mails_sent_to_the_person_only(applicant_client, applicant):
    mail_to(applicant, "receipt:1", "We received your expression of interest")
    mail_to(ApplicantFactory(), "receipt:2", "Someone else's receipt")

    data = json.loads(applicant_client.get(reverse("accounts:data_export")).content)

    assert [mail["subject"] for mail in data["emails_sent"]] == [
        "We received your expression of interest"
    ]


def test_deleting_an_account_keeps_that_a_mail_went_out_but_not_to_whom_or_what(
    applicant_client, applicant
):
    mine = mail_to(applicant, "receipt:1", "We received your expression of interest")
    theirs = mail_to(ApplicantFactory(), "receipt:2", "Someone else's receipt")

    applicant_client.post(reverse("accounts:delete_account"), {"password": "correct horse battery"})

    mine.refresh_from_db()
    assert (mine.to, mine.body_text, mine.body_html) == ("deleted@invalid", "", "")
    theirs.refresh_from_db()
    assert theirs.to == theirs.recipient.email
    assert theirs.body_text.startswith("Dear Amina")


def test_deleting_an_account_forgets_its_address_in_the_providers_reports_and_account_mails(
    applicant_client, applicant
):
    from django.utils import timezone

    from notifications.models import DeliveryEvent

    mine = mail_to(applicant, "receipt:1", "We received your expression of interest")
    # An address check sent before the account was linked to it: no recipient on the row.
    check = OutboundEmail.objects.create(
        key="account:1",
        event=Event.ACCOUNT,
        to=applicant.email.upper(),
        language="en",
        subject="[KMF] Please confirm your email address",
        body_text="Confirm at https://testserver/accounts/confirm-email/key/",
        body_html="",
    )
    said = f"550 5.1.1 <{applicant.email}>: mailbox full"
    for email in (mine, None):
        DeliveryEvent.objects.create(
            email=email,
            kind="bounced",
            recipient=applicant.email,
            happened_at=timezone.now(),
            description=said,
            provider="Mailgun",
        )

    applicant_client.post(reverse("accounts:delete_account"), {"password": "correct horse battery"})

    check.refresh_from_db()
    assert (check.to, check.body_text) == ("deleted@invalid", "")
    assert list(DeliveryEvent.objects.values_list("recipient", "description")) == [("", "")] * 2
