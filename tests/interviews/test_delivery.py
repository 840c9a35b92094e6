"""The calendar invitation reaches a real SMTP server as a text/calendar part with its iTIP
method, and a retry after a refusal sends it again: it is stored with the outbox row."""

import pytest
import time_machine

from interviews import domain
from notifications import outbox
from notifications.models import OutboundEmail

from .conftest import in_days


def test_the_invitation_is_delivered_and_sent_again_after_a_refusal(
    smtp_server, make_shortlisted, stage, secretariat
):
    eoi = make_shortlisted()
    (slot,) = domain.offer_slots(stage, [in_days(5)], duration_minutes=45, location="Room 4",
                                 video_url="", interviewers=[], actor=secretariat)  # fmt: skip
    booking = domain.book(eoi, slot.pk, eoi.owner)
    row = OutboundEmail.objects.get(recipient=eoi.owner)
    smtp_server.refusals = 1

    with pytest.raises(outbox.TransientDeliveryError):
        outbox.deliver([row.pk])
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.PENDING
    with time_machine.travel(row.next_attempt_at):
        assert outbox.deliver([row.pk]) == 1

    (message,) = smtp_server.messages
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "interview.ics"
    text = part.get_content()
    assert "\r\n" in text
    assert f"UID:{booking.uid}@" in text
    assert message.get_body(("plain",)).get_content().startswith("Dear ")
