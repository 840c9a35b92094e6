"""A shortlisted applicant books an interview slot, seeing it in their time zone and the call's;
both sides get a calendar invitation; a race for one slot has one winner."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.wording import sentence
from core.timezones import TIME_ZONE_COOKIE
from interviews import domain
from interviews.models import Booking
from interviews.selectors import interviewed_count
from notifications.models import OutboundEmail
from submissions import coapplicants
from tests.factories import ApplicantFactory, EOIFactory

from .conftest import calendar_of, field, in_days


def test_the_lead_sees_free_slots_in_their_zone_and_the_calls_and_books_one(
    client, make_shortlisted, offer
):
    eoi = make_shortlisted()
    # 09:00 in Amsterdam (summer or winter) is 14:00 or 15:00 in Bangkok: never the same hour.
    first, second = offer(in_days(5, hour=8), in_days(6, hour=8))
    client.force_login(eoi.owner)
    client.cookies[TIME_ZONE_COOKIE] = "Asia/Bangkok"
    url = reverse("interviews:booking", args=[eoi.uuid])

    page = client.get(url).content.decode()

    bangkok = timezone.localtime(first.starts_at, timezone.get_fixed_timezone(7 * 60))
    amsterdam = timezone.localtime(first.starts_at, eoi.call.zone)
    assert f"{bangkok:%H:%M} (Asia/Bangkok)" in page
    assert f"{amsterdam:%H:%M} in the call's time zone (Europe/Amsterdam)" in page
    assert page.count('name="slot"') == 2

    response = client.post(url, {"slot": second.pk}, follow=True)

    booking = Booking.objects.get()
    assert (booking.eoi, booking.slot, booking.time_zone) == (eoi, second, "Asia/Bangkok")
    assert "Your interview is booked." in response.content.decode()
    entry = AuditEntry.objects.get(action="interview.booked")
    local = timezone.localtime(second.starts_at, eoi.call.zone)
    assert sentence(entry) == (
        f"{eoi.owner} booked the interview for {local:%Y-%m-%d %H:%M} Europe/Amsterdam."
    )


def test_both_sides_get_a_calendar_invitation(client, make_shortlisted, offer, interviewer):
    eoi = make_shortlisted()
    (slot,) = offer(in_days(5), interviewers=[interviewer])

    booking = domain.book(eoi, slot.pk, eoi.owner, "America/Bogota")

    to_applicant = OutboundEmail.objects.get(recipient=eoi.owner)
    to_interviewer = OutboundEmail.objects.get(recipient=interviewer)
    assert OutboundEmail.objects.count() == 2  # the interviewers, not the contact address
    for mail in (to_applicant, to_interviewer):
        lines, method = calendar_of(mail)
        assert method == "REQUEST"
        assert "METHOD:REQUEST" in lines
        assert field(lines, "UID").startswith(str(booking.uid))
        assert field(lines, "DTSTART") == slot.starts_at.strftime("%Y%m%dT%H%M%SZ")
        assert field(lines, "DTEND") == slot.ends_at.strftime("%Y%m%dT%H%M%SZ")
        assert field(lines, "SEQUENCE") == "0"
        assert field(lines, "URL") == "https://meet.example.org/kmf"
        assert field(lines, "SUMMARY") == f"Interview: {eoi.reference}\\, {eoi.call.title}"
    bogota = timezone.localtime(slot.starts_at, timezone.get_fixed_timezone(-5 * 60))
    assert f"{bogota:%H:%M} -05" in to_applicant.body_text  # the zone they booked in
    assert "/interviews/eois/" in to_applicant.body_text
    assert "/notes/" in to_interviewer.body_text


def test_without_interviewers_the_calls_contact_address_gets_it(make_shortlisted, offer):
    eoi = make_shortlisted()
    (slot,) = offer(in_days(5))

    domain.book(eoi, slot.pk, eoi.owner)

    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == sorted(
        [eoi.owner.email, "kmf@example.org"]
    )


def test_a_french_applicant_gets_the_invitation_in_french(make_shortlisted, offer):
    eoi = make_shortlisted(owner=ApplicantFactory(preferred_language="fr"))
    (slot,) = offer(in_days(5))

    domain.book(eoi, slot.pk, eoi.owner)

    mail = OutboundEmail.objects.get(recipient=eoi.owner)
    lines, _method = calendar_of(mail)
    assert field(lines, "SUMMARY").startswith("Entretien")
    assert mail.subject.startswith("Entretien")


def test_moving_keeps_the_uid_and_counts_a_sequence_cancelling_sends_a_cancel(
    client, make_shortlisted, offer
):
    eoi = make_shortlisted()
    first, second = offer(in_days(5), in_days(6))
    booking = domain.book(eoi, first.pk, eoi.owner)
    client.force_login(eoi.owner)

    client.post(reverse("interviews:booking", args=[eoi.uuid]), {"slot": second.pk})
    client.post(reverse("interviews:cancel", args=[eoi.uuid]))

    mails = OutboundEmail.objects.filter(recipient=eoi.owner).order_by("pk")
    calendars = [calendar_of(mail) for mail in mails]
    assert [method for _lines, method in calendars] == ["REQUEST", "REQUEST", "CANCEL"]
    (uid,) = {field(lines, "UID") for lines, _method in calendars}
    assert uid.startswith(f"{booking.uid}@")
    assert [field(lines, "SEQUENCE") for lines, _method in calendars] == ["0", "1", "2"]
    assert "STATUS:CANCELLED" in calendars[-1][0]
    assert field(calendars[1][0], "DTSTART") == second.starts_at.strftime("%Y%m%dT%H%M%SZ")
    assert [
        entry.action
        for entry in AuditEntry.objects.filter(action__startswith="interview.").exclude(
            action="interview.slots_offered"
        )
    ] == [
        "interview.booked",
        "interview.moved",
        "interview.cancelled",
    ]
    # Free again, both of them: another applicant may book either.
    other = make_shortlisted()
    assert domain.book(other, first.pk, other.owner).slot == first


def test_within_24_hours_the_booking_stays_and_the_applicant_is_told(
    client, make_shortlisted, offer
):
    eoi = make_shortlisted()
    soon, later = offer(in_days(2), in_days(5))
    booking = domain.book(eoi, soon.pk, eoi.owner)
    client.force_login(eoi.owner)
    an_hour_after_the_cutoff = soon.starts_at - timedelta(hours=23)

    with pytest.raises(domain.DomainError, match="less than 24 hours"):
        domain.book(eoi, later.pk, eoi.owner, now=an_hour_after_the_cutoff)
    with pytest.raises(domain.DomainError, match="less than 24 hours"):
        domain.cancel(eoi, eoi.owner, now=an_hour_after_the_cutoff)
    # Nor can a slot be booked less than 24 hours ahead.
    (tomorrow,) = offer(timezone.now() + timedelta(hours=20))
    other = make_shortlisted()
    with pytest.raises(domain.DomainError, match="starts too soon"):
        domain.book(other, tomorrow.pk, other.owner)

    booking.refresh_from_db()
    assert (booking.slot, booking.cancelled_at, booking.sequence) == (soon, None, 0)


def test_two_applicants_racing_for_a_slot_one_wins_the_other_is_told(
    client, make_shortlisted, offer
):
    winner, loser = make_shortlisted(), make_shortlisted()
    contested, other = offer(in_days(5), in_days(6))
    client.force_login(loser.owner)
    url = reverse("interviews:booking", args=[loser.uuid])
    # The loser saw the list before the winner booked.
    assert f'value="{contested.pk}"' in client.get(url).content.decode()
    domain.book(winner, contested.pk, winner.owner)

    response = client.post(url, {"slot": contested.pk})

    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else booked this slot a moment ago. Please pick another one." in page
    assert f'value="{contested.pk}"' not in page
    assert f'value="{other.pk}"' in page
    assert Booking.objects.get().eoi == winner


def test_the_database_refuses_a_second_live_booking_of_a_slot(make_shortlisted, offer):
    """What decides a race when both requests pass every check at once: the unique index."""
    from django.db import IntegrityError, transaction

    first, second = make_shortlisted(), make_shortlisted()
    (slot,) = offer(in_days(5))
    Booking.objects.create(slot=slot, eoi=first)

    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(slot=slot, eoi=second)


def test_only_the_shortlisted_book(client, interview_call, offer):
    eoi = EOIFactory(call=interview_call, status="under_review", reference="KMF30-0099")
    (slot,) = offer(in_days(5))
    client.force_login(eoi.owner)
    url = reverse("interviews:booking", args=[eoi.uuid])

    assert "not shortlisted" in client.get(url).content.decode()
    assert client.post(url, {"slot": slot.pk}).status_code == 400
    assert not Booking.objects.exists()


def test_a_coapplicant_reads_the_booking_and_cannot_change_it(client, make_shortlisted, offer):
    eoi = make_shortlisted()
    first, second = offer(in_days(5), in_days(6))
    domain.book(eoi, first.pk, eoi.owner)
    partner = ApplicantFactory()
    link = coapplicants.invite(eoi, eoi.owner, partner.email, [])
    coapplicants.accept(link, partner)
    client.force_login(partner)
    url = reverse("interviews:booking", args=[eoi.uuid])

    page = client.get(url).content.decode()

    assert "Booked" in page
    assert 'name="slot"' not in page
    assert "Cancel this interview" not in page
    assert client.post(url, {"slot": second.pk}).status_code == 404
    assert client.post(reverse("interviews:cancel", args=[eoi.uuid])).status_code == 404
    assert Booking.objects.get().slot == first


def test_another_applicants_booking_is_a_404(client, make_shortlisted, offer):
    eoi, stranger = make_shortlisted(), ApplicantFactory()
    (slot,) = offer(in_days(5))
    domain.book(eoi, slot.pk, eoi.owner)
    client.force_login(stranger)

    assert client.get(reverse("interviews:booking", args=[eoi.uuid])).status_code == 404
    assert client.post(reverse("interviews:cancel", args=[eoi.uuid])).status_code == 404
    assert Booking.objects.get().cancelled_at is None


def test_a_slot_of_another_call_or_junk_is_refused_clearly(
    client, make_shortlisted, offer, secretariat
):
    from submissions.models import Stage
    from tests.factories import CallFactory

    eoi = make_shortlisted()
    offer(in_days(5))
    elsewhere = CallFactory()
    stage = Stage.objects.create(call=elsewhere, order=2, kind="interview")
    (foreign,) = domain.offer_slots(stage, [in_days(5)], duration_minutes=30, location="x",
                                    video_url="", interviewers=[], actor=secretariat)  # fmt: skip
    client.force_login(eoi.owner)
    url = reverse("interviews:booking", args=[eoi.uuid])

    assert client.post(url, {"slot": foreign.pk}).status_code == 409
    response = client.post(url, {"slot": "not a number"})
    assert response.status_code == 400
    assert "Pick one of the slots below." in response.content.decode()
    assert not Booking.objects.exists()


def test_the_applicants_page_of_the_eoi_leads_to_the_interview(client, make_shortlisted, offer):
    eoi = make_shortlisted()
    client.force_login(eoi.owner)

    page = client.get(eoi.get_absolute_url()).content.decode()

    assert reverse("interviews:booking", args=[eoi.uuid]) in page
    assert "Pick a time for your interview" in page


def test_notes_and_score_after_the_interview(client, make_shortlisted, offer, secretariat,
                                             interviewer):  # fmt: skip
    eoi, other = make_shortlisted(), make_shortlisted()
    (slot,) = offer(in_days(5), interviewers=[interviewer])
    booking = domain.book(eoi, slot.pk, eoi.owner)
    url = reverse("interviews:assessment", args=[eoi.uuid])
    client.force_login(interviewer)

    before = client.get(url).content.decode()
    assert "once the interview has started" in before
    assert client.post(url, {"score": "4", "notes": "Early"}).status_code == 400
    with pytest.raises(domain.DomainError):
        domain.assess(booking, "Early", 4, interviewer)

    later = slot.starts_at + timedelta(minutes=50)
    with pytest.raises(domain.DomainError, match="from 1 to 5"):
        domain.assess(booking, "Too high", 6, interviewer, now=later)
    domain.assess(booking, "Clear plan; the forums are theirs.", 4, interviewer, now=later)

    assert interviewed_count(eoi.call) == 1
    entry = AuditEntry.objects.get(action="interview.assessed")
    assert sentence(entry) == "Ivo Interviewer recorded the interview notes and score (4/5)."
    client.force_login(secretariat)
    page = client.get(reverse("review:secretariat_eoi", args=[eoi.uuid])).content.decode()
    assert "Score: 4 of 5" in page
    assert "Clear plan; the forums are theirs." in page
    assert url in page
    # The interviewer of one interview is no one's interviewer elsewhere.
    client.force_login(interviewer)
    other_url = reverse("interviews:assessment", args=[other.uuid])
    assert client.get(other_url).status_code == 404


def test_the_secretariat_records_notes_through_the_page(client, make_shortlisted, offer,
                                                        secretariat):  # fmt: skip
    eoi = make_shortlisted()
    (slot,) = offer(in_days(5))
    booking = domain.book(eoi, slot.pk, eoi.owner)
    type(slot).objects.filter(pk=slot.pk).update(starts_at=timezone.now() - timedelta(hours=1))
    client.force_login(secretariat)
    url = reverse("interviews:assessment", args=[eoi.uuid])

    refused = client.post(url, {"score": "9", "notes": "Kept as typed"})
    assert refused.status_code == 400
    assert "Kept as typed" in refused.content.decode()
    client.post(url, {"score": "3", "notes": "Second look"})
    client.post(url, {"score": "5", "notes": "Second look, corrected"})

    booking.refresh_from_db()
    assert (booking.score, booking.notes, booking.assessed_by) == (
        5,
        "Second look, corrected",
        secretariat,
    )
    assert [sentence(e) for e in AuditEntry.objects.filter(action="interview.assessed")] == [
        "Sara Secretariat recorded the interview notes and score (3/5).",
        "Sara Secretariat corrected the interview notes and score (5/5).",
    ]


def test_the_free_slots_cost_no_more_queries_with_more_slots(
    client, make_shortlisted, offer, interviewer, django_assert_num_queries
):
    eoi = make_shortlisted()
    offer(in_days(5), in_days(6), interviewers=[interviewer])
    client.force_login(eoi.owner)
    url = reverse("interviews:booking", args=[eoi.uuid])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    # More slots, some taken by other applicants: the list reads them in the same queries.
    for booked in offer(*(in_days(7 + n) for n in range(8)), interviewers=[interviewer])[:3]:
        other = make_shortlisted()
        domain.book(other, booked.pk, other.owner)

    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url).content.decode()

    assert page.count('name="slot"') == 7
