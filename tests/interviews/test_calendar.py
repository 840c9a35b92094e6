"""The .ics invitation: RFC 5545 lines, folding and escaping, and its REQUEST and CANCEL."""

from datetime import UTC, datetime

from interviews import calendar
from interviews.models import Booking, Slot


def unfolded(text):
    return text.replace("\r\n ", "").split("\r\n")


def booking(call, **slot_fields):
    slot = Slot(
        stage=call.stages.first(),
        starts_at=datetime(2031, 3, 30, 7, 30, tzinfo=UTC),
        duration_minutes=45,
        location="Room 2; Plein 23, The Hague\nSecond floor",
        video_url="https://meet.example.org/kmf-interview",
        **slot_fields,
    )
    return Booking(slot=slot, eoi=call.eois.first(), sequence=2)


def test_a_request_names_the_event_in_utc_with_a_stable_uid(interview_call, make_shortlisted):
    make_shortlisted()
    invitation = booking(interview_call)
    text = calendar.invitation(
        invitation,
        calendar.REQUEST,
        summary="Interview: KMF30-0001, Knowledge Management Fund",
        description="About “forums”, with a \\ backslash",
        attendees=[("Amina Traoré", "amina@example.org")],
        now=datetime(2031, 3, 1, 12, 0, tzinfo=UTC),
    )

    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = unfolded(text)
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Knowledge Management Fund//KMF Grants interviews//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:REQUEST",
    ]
    assert f"UID:{invitation.uid}@testserver" in lines or any(
        line.startswith(f"UID:{invitation.uid}@") for line in lines
    )
    assert "DTSTAMP:20310301T120000Z" in lines
    assert "DTSTART:20310330T073000Z" in lines
    assert "DTEND:20310330T081500Z" in lines
    assert "SEQUENCE:2" in lines
    assert "SUMMARY:Interview: KMF30-0001\\, Knowledge Management Fund" in lines
    assert "LOCATION:Room 2\\; Plein 23\\, The Hague\\nSecond floor" in lines
    assert "DESCRIPTION:About “forums”\\, with a \\\\ backslash" in lines
    assert "URL:https://meet.example.org/kmf-interview" in lines
    assert 'ORGANIZER;CN="' + interview_call.title + '":mailto:kmf@example.org' in lines
    assert (
        'ATTENDEE;CN="Amina Traoré";ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:amina@example.org'
        in lines
    )
    assert "STATUS:CONFIRMED" in lines
    assert lines[-3:] == ["END:VEVENT", "END:VCALENDAR", ""]


def test_a_cancellation_keeps_the_uid_and_says_cancelled(interview_call, make_shortlisted):
    make_shortlisted()
    invitation = booking(interview_call)
    request = unfolded(calendar.invitation(invitation, calendar.REQUEST, summary="s",
                                           description="d", attendees=[]))  # fmt: skip
    cancel = unfolded(calendar.invitation(invitation, calendar.CANCEL, summary="s",
                                          description="d", attendees=[]))  # fmt: skip

    uid = [line for line in request if line.startswith("UID:")]
    assert uid == [line for line in cancel if line.startswith("UID:")]
    assert "METHOD:CANCEL" in cancel
    assert "STATUS:CANCELLED" in cancel


def test_long_lines_are_folded_at_75_octets_never_inside_a_character():
    line = "DESCRIPTION:" + "é" * 100 + "x" * 80

    folded = calendar.folded(line)

    parts = folded.split("\r\n")
    assert all(len(part.encode()) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join([parts[0], *(part[1:] for part in parts[1:])]) == line


def test_a_short_line_is_left_alone():
    assert calendar.folded("SUMMARY:Interview") == "SUMMARY:Interview"


def test_a_name_cannot_break_out_of_its_parameter():
    assert calendar._parameter('Eve "x";ROLE=CHAIR\r\n') == '"Eve x;ROLE=CHAIR"'
