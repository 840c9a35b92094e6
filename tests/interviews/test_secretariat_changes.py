"""The Secretariat moves or cancels an interview at any time, saying why (an interviewer fell
ill): the applicant and the interviewers get the updated calendar invitation (same UID, the
next SEQUENCE) or its cancellation, with the reason; the applicant reads it on their page; the
trail keeps it."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from audit.models import AuditEntry
from audit.wording import sentence
from interviews import domain
from interviews.models import Booking
from notifications.models import OutboundEmail
from tests.factories import ApplicantFactory

from .conftest import calendar_of, field, in_days

ILL = "Our interviewer is ill; we are sorry."


@pytest.fixture
def booked(make_shortlisted, offer, interviewer):
    """An interview booked by its applicant, with one interviewer, and a later free slot;
    the mails of the booking already sent."""
    eoi = make_shortlisted()
    first, later = offer(in_days(5), in_days(6), interviewers=[interviewer])
    booking = domain.book(eoi, first.pk, eoi.owner, "Asia/Bangkok")
    OutboundEmail.objects.all().delete()
    return eoi, booking, first, later


def test_the_secretariat_moves_it_on_the_day_with_the_same_uid_and_the_next_sequence(
    booked, secretariat, interviewer
):
    eoi, booking, first, later = booked
    three_hours_before = first.starts_at - timedelta(hours=3)
    # The applicant may not, this late; the Secretariat may.
    with pytest.raises(domain.DomainError, match="less than 24 hours"):
        domain.book(eoi, later.pk, eoi.owner, now=three_hours_before)

    moved = domain.book(eoi, later.pk, secretariat, now=three_hours_before, reason=ILL)

    assert (moved.pk, moved.slot, moved.sequence, moved.secretariat_reason) == (
        booking.pk,
        later,
        1,
        ILL,
    )
    assert moved.time_zone == "Asia/Bangkok"  # the applicant's, kept for their mails
    mails = {mail.recipient: mail for mail in OutboundEmail.objects.all()}
    assert set(mails) == {eoi.owner, interviewer}
    for mail in mails.values():
        assert mail.event == "secretariat_moved_interview"
        assert ILL in mail.body_text
        lines, method = calendar_of(mail)
        assert (method, "METHOD:REQUEST" in lines) == ("REQUEST", True)
        assert field(lines, "UID").startswith(f"{booking.uid}@")
        assert field(lines, "SEQUENCE") == "1"
        assert field(lines, "DTSTART") == later.starts_at.strftime("%Y%m%dT%H%M%SZ")
    entry = AuditEntry.objects.get(action="interview.moved")
    assert entry.actor == secretariat
    assert sentence(entry).startswith("Sara Secretariat moved the interview from ")
    assert sentence(entry).endswith(f": “{ILL}”.")


def test_the_secretariat_cancels_it_on_the_day_and_everyone_gets_the_cancellation(
    booked, secretariat, interviewer
):
    eoi, booking, first, _later = booked
    an_hour_before = first.starts_at - timedelta(hours=1)

    domain.cancel(eoi, secretariat, now=an_hour_before, reason=ILL)

    booking.refresh_from_db()
    assert (booking.cancelled_at, booking.sequence, booking.secretariat_reason) == (
        an_hour_before,
        1,
        ILL,
    )
    mails = list(OutboundEmail.objects.all())
    assert {mail.recipient for mail in mails} == {eoi.owner, interviewer}
    for mail in mails:
        assert mail.event == "secretariat_cancelled_interview"
        assert ILL in mail.body_text
        lines, method = calendar_of(mail)
        assert (method, field(lines, "METHOD"), field(lines, "STATUS")) == (
            "CANCEL",
            "CANCEL",
            "CANCELLED",
        )
        assert field(lines, "UID").startswith(f"{booking.uid}@")
        assert field(lines, "SEQUENCE") == "1"
    assert sentence(AuditEntry.objects.get(action="interview.cancelled")).endswith(f": “{ILL}”.")


def test_without_a_reason_or_a_booking_nothing_changes(booked, secretariat, make_shortlisted):
    eoi, booking, first, later = booked

    with pytest.raises(domain.DomainError, match="Say why"):
        domain.book(eoi, later.pk, secretariat, reason="  ")
    with pytest.raises(domain.DomainError, match="Say why"):
        domain.cancel(eoi, secretariat, reason="")
    unbooked = make_shortlisted()
    with pytest.raises(domain.DomainError, match="no interview to move"):
        domain.book(unbooked, later.pk, secretariat, reason=ILL)
    # Nor to a slot already under way.
    with pytest.raises(domain.DomainError, match="starts too soon"):
        domain.book(eoi, later.pk, secretariat, now=later.starts_at, reason=ILL)

    booking.refresh_from_db()
    assert (booking.slot, booking.cancelled_at, booking.sequence) == (first, None, 0)
    assert not Booking.objects.filter(eoi=unbooked).exists()
    assert not OutboundEmail.objects.exists()


def test_through_the_pages_the_applicant_reads_why_and_books_again(
    client, booked, secretariat, offer
):
    eoi, _booking, first, later = booked
    change_url = reverse("interviews:change_booking", args=[eoi.uuid])
    booking_url = reverse("interviews:booking", args=[eoi.uuid])
    client.force_login(secretariat)

    page = client.get(change_url).content.decode()
    assert f'value="{later.pk}"' in page
    assert f'value="{first.pk}"' not in page  # its own slot is not free
    refused = client.post(change_url, {"move-slot": later.pk, "move-reason": ""})
    assert refused.status_code == 400
    assert "This field is required." in refused.content.decode()
    with time_machine.travel(first.starts_at - timedelta(hours=2), tick=False):
        moved = client.post(change_url, {"move-slot": later.pk, "move-reason": ILL})
    assert moved.status_code == 302
    assert moved["Location"] == reverse("review:secretariat_eoi", args=[eoi.uuid])

    client.force_login(eoi.owner)
    assert f"The Secretariat moved your interview to this time: “{ILL}”" in (
        client.get(booking_url).content.decode()
    )
    assert ILL in client.get(eoi.get_absolute_url()).content.decode()

    client.force_login(secretariat)
    kept = client.post(change_url, {"cancel-reason": "x" * 2001})
    assert kept.status_code == 400
    assert "x" * 2001 in kept.content.decode()  # what was typed comes back
    cancelled = client.post(change_url, {"cancel-reason": "The panel cannot meet that week."})
    assert cancelled.status_code == 302

    client.force_login(eoi.owner)
    page = client.get(booking_url).content.decode()
    assert "The Secretariat cancelled your interview." in page
    assert "The panel cannot meet that week." in page
    assert f'value="{first.pk}"' in page  # free again: the applicant picks a new time
    domain.book(eoi, first.pk, eoi.owner)
    page = client.get(booking_url).content.decode()
    assert "The Secretariat cancelled" not in page
    assert "The Secretariat moved" not in page
    assert Booking.objects.filter(eoi=eoi).count() == 2


def test_the_applicants_own_move_clears_the_secretariats_reason(booked, secretariat, offer):
    eoi, _booking, _first, later = booked
    (third,) = offer(in_days(7))
    domain.book(eoi, later.pk, secretariat, reason=ILL)

    moved = domain.book(eoi, third.pk, eoi.owner)

    assert (moved.slot, moved.sequence, moved.secretariat_reason) == (third, 2, "")
    assert OutboundEmail.objects.filter(event="interview_booked").count() == 2


def test_a_french_applicant_reads_the_move_in_french(make_shortlisted, offer, secretariat):
    eoi = make_shortlisted(owner=ApplicantFactory(preferred_language="fr"))
    first, later = offer(in_days(5), in_days(6))
    domain.book(eoi, first.pk, eoi.owner)

    domain.book(eoi, later.pk, secretariat, reason="Notre intervieweuse est malade.")

    mail = OutboundEmail.objects.get(recipient=eoi.owner, event="secretariat_moved_interview")
    assert mail.subject.startswith("Entretien déplacé")
    assert "Notre intervieweuse est malade." in mail.body_text


def test_the_slots_page_and_the_eoi_page_lead_to_the_change(client, booked, secretariat):
    eoi, *_rest = booked
    client.force_login(secretariat)
    change_url = reverse("interviews:change_booking", args=[eoi.uuid])

    slots = client.get(reverse("interviews:slots", args=[eoi.call.slug])).content.decode()
    assert change_url in slots
    page = client.get(reverse("review:secretariat_eoi", args=[eoi.uuid])).content.decode()
    assert change_url in page
    # The applicant does not reach it.
    client.force_login(eoi.owner)
    assert client.get(change_url).status_code == 404
    assert client.post(change_url, {"cancel-reason": ILL}).status_code == 404
    assert Booking.objects.get(eoi=eoi).cancelled_at is None
