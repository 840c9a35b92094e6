from datetime import UTC, datetime

import pytest
from django.core import mail

from submissions.tasks import send_submission_receipt
from tests.factories import EOIFactory

pytestmark = pytest.mark.django_db

SUBMITTED = datetime(2027, 1, 27, 22, 59, 30, tzinfo=UTC)


def submitted_eoi(**owner):
    return EOIFactory(
        status="submitted",
        reference="KMF21-0009",
        submitted_at=SUBMITTED,
        call__time_zone="Europe/Amsterdam",
        **{f"owner__{k}": v for k, v in owner.items()},
    )


def test_the_receipt_gives_the_reference_the_time_in_the_calls_zone_and_the_answers():
    eoi = submitted_eoi(name="Aminata Traoré")

    send_submission_receipt(eoi.pk)

    message = mail.outbox[0]
    assert message.subject == "We received your expression of interest KMF21-0009"
    assert message.body.startswith("Dear Aminata,")
    assert "on 27 January 2027, 23:59 CET" in message.body
    assert eoi.summary in message.body
    assert f"/eois/{eoi.uuid}/" in message.body


def test_the_receipt_is_in_the_applicants_language():
    eoi = submitted_eoi(preferred_language="fr")

    send_submission_receipt(eoi.pk)

    message = mail.outbox[0]
    assert message.subject == "Nous avons reçu votre manifestation d’intérêt KMF21-0009"
    assert "27 janvier 2027, 23:59" in message.body


def test_text_in_the_receipt_is_not_html_escaped():
    eoi = submitted_eoi()
    eoi.title = "Forums & <courts>"
    eoi.save()

    send_submission_receipt(eoi.pk)

    assert "Forums & <courts>" in mail.outbox[0].body
