"""The interview's calendar invitation (RFC 5545, with the iTIP methods of RFC 5546), written by
hand: a dozen properties do not need a dependency.

Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character); text values
escape backslashes, semicolons, commas and line breaks. Times are UTC ("Z"), which every
calendar turns into its reader's zone."""

from datetime import UTC

from django.conf import settings
from django.utils import timezone

from notifications.outbox import message_domain

REQUEST, CANCEL = "REQUEST", "CANCEL"
LINE_OCTETS = 75


def escaped(text):
    """A TEXT value (RFC 5545, 3.3.11)."""
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def folded(line):
    """The content line cut into lines of at most 75 octets, each continued by a space."""
    parts, current, size = [], "", 0
    for character in line:
        octets = len(character.encode())
        limit = LINE_OCTETS if not parts else LINE_OCTETS - 1  # the leading space counts
        if size + octets > limit:
            parts.append(current)
            current, size = "", 0
        current += character
        size += octets
    parts.append(current)
    return "\r\n ".join(parts)


def utc(moment):
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def invitation(booking, method, *, summary, description, attendees, now=None):
    """The .ics text for `booking`: `method` REQUEST (booked or moved) or CANCEL (same UID,
    its SEQUENCE counted up by the cancellation). `attendees` are (name, address) pairs."""
    slot, call = booking.slot, booking.eoi.call
    organiser = call.contact_email or settings.DEFAULT_FROM_EMAIL
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Knowledge Management Fund//KMF Grants interviews//EN",
        "CALSCALE:GREGORIAN",
        f"METHOD:{method}",
        "BEGIN:VEVENT",
        f"UID:{booking.uid}@{message_domain()}",
        f"DTSTAMP:{utc(now or timezone.now())}",
        f"SEQUENCE:{booking.sequence}",
        f"DTSTART:{utc(slot.starts_at)}",
        f"DTEND:{utc(slot.ends_at)}",
        f"SUMMARY:{escaped(summary)}",
        f"DESCRIPTION:{escaped(description)}",
        f"LOCATION:{escaped(slot.location)}",
        *([f"URL:{slot.video_url}"] if slot.video_url else []),
        f"ORGANIZER;CN={_parameter(call.title)}:mailto:{organiser}",
        *(
            f"ATTENDEE;CN={_parameter(name)};ROLE=REQ-PARTICIPANT;RSVP=FALSE:mailto:{address}"
            for name, address in attendees
        ),
        f"STATUS:{'CANCELLED' if method == CANCEL else 'CONFIRMED'}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(folded(line) + "\r\n" for line in lines)


def _parameter(value):
    """A parameter value: quoted, without the quotes and controls it may not hold."""
    cleaned = "".join(c for c in str(value) if c >= " " and c not in '"\x7f')
    return f'"{cleaned}"'
