"""The bytes notifications.mime writes for the SMTP server are the message Django would have
written (outbox._message): the same headers and parts, read back by a mail client's parser."""

import email
from email.policy import default

import pytest
from django.core.mail import BadHeaderError

from notifications import mime, outbox
from notifications.models import OutboundEmail

REMINDER_TEXT = (
    "Dear Late,\n\nYour expression of interest to the Knowledge Management Fund 2021 is still a "
    "draft. The deadline is 3 December 2026, 13:13 CET, 22 hours from now.\n\nFinish and submit "
    "it here: http://127.0.0.1/eois/5226fe8c/\n\n-- \nKnowledge Management Fund · Knowledge "
    "Platform Security & Rule of Law\nhttp://127.0.0.1"
)
REMINDER_HTML = (
    '<!doctype html><html lang="en"><body><p>Dear Late,</p>\n\n<p>Finish and submit it here: '
    '<a href="http://127.0.0.1/eois/5226fe8c/">http://127.0.0.1/eois/5226fe8c/</a></p>\n\n'
    "<p>-- <br>Knowledge Management Fund · Knowledge Platform Security &amp; Rule of Law</p>"
    "</body></html>"
)

CASES = {
    "an English reminder": {},
    "French, with accents in the subject and the body": {
        "subject": "Il reste 22 heures pour soumettre votre manifestation d’intérêt",
        "body_text": "Madame, Monsieur,\n\nVotre manifestation d’intérêt est encore à l’état "
        "de brouillon. « Délai » : 3 décembre 2026.",
        "body_html": "<p>Votre manifestation d’intérêt est encore à l’état de brouillon.</p>",
    },
    "a subject longer than a header line": {
        "subject": "The award decision for KMF-2021-0042 and for every one of your partners "
        "in the Knowledge Management Fund's 2021 call"
    },
    "a line too long for SMTP, sent quoted-printable": {
        "body_text": "A long paragraph: " + "word " * 400 + "\nand a short line.\n",
        "body_html": "<p>" + "mot accentué " * 200 + "</p>",
    },
    "text only": {"body_html": ""},
    "an international domain": {"to": "applicant@exämple.org"},
    "dots and From at the start of lines, CRLF and bare CR": {
        "body_text": ".\n.. a line\nFrom here on\r\nwindows\rmac\n\nend\n",
    },
}


def parsed(data):
    return email.message_from_bytes(data, policy=default)


def djangos(row):
    return parsed(outbox._message(row).message().as_bytes(linesep="\r\n"))


def ours(row):
    _sender, _recipient, data = mime.message_bytes(
        to=row.to,
        subject=row.subject,
        message_id=outbox.message_id(row),
        text=row.body_text,
        html=row.body_html,
    )
    return data


def described(message):
    """What a mail client reads of a message: its headers (the boundary aside) and each part's
    headers and text. Django folds a long encoded subject after "Subject:", which reads as a
    space before it: spaces around values are left out."""
    headers = sorted(
        (name, str(value).strip()) for name, value in message.items() if name != "Content-Type"
    )
    parts = [
        (
            part.get_content_type(),
            part.get_content_charset(),
            part["Content-Transfer-Encoding"],
            part.get_content(),
        )
        for part in (message.iter_parts() if message.is_multipart() else [message])
    ]
    return message.get_content_type(), headers, parts


@pytest.mark.parametrize("fields", CASES.values(), ids=CASES.keys())
def test_our_bytes_are_the_message_django_writes(fields, settings):
    settings.DEFAULT_FROM_EMAIL = "Fonds KMF Élan <kmf@example.org>"
    row = OutboundEmail(
        key="reminder:42:24",
        event="deadline_reminder",
        to="late@example.org",
        subject="22 hours left to submit your expression of interest",
        body_text=REMINDER_TEXT,
        body_html=REMINDER_HTML,
    )
    for name, value in fields.items():
        setattr(row, name, value)

    data = ours(row)

    expected = described(djangos(row))
    got = described(parsed(data))
    # The Date is the time each was written: the same to the minute.
    assert [h for h in got[1] if h[0] != "Date"] == [h for h in expected[1] if h[0] != "Date"]
    assert {h[1][:22] for h in got[1] if h[0] == "Date"} == {
        h[1][:22] for h in expected[1] if h[0] == "Date"
    }
    assert (got[0], got[2]) == (expected[0], expected[2])
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")  # every line ends with CRLF


def test_a_line_break_in_the_subject_is_refused_as_django_refuses_it():
    with pytest.raises(BadHeaderError):
        mime.message_bytes(
            to="a@example.org", subject="Hi\nBcc: b@example.org", message_id="<1@x>", text="t"
        )


@pytest.mark.parametrize("breaks", ["\x0b", "\x0c", "\x1c", "\x85", "\u2028"])
def test_any_line_boundary_in_the_subject_is_refused(breaks):
    # Folded, a long subject would start a line of its own at it, ending the headers early.
    with pytest.raises(BadHeaderError):
        mime.message_bytes(
            to="a@example.org", subject="x" * 80 + breaks + "no colon", message_id="<1@x>", text="t"
        )


def test_an_address_that_is_not_one_is_refused():
    with pytest.raises(ValueError, match="Invalid address"):
        mime.message_bytes(
            to="a@example.org\nBcc: b@example.org", subject="Hi", message_id="<1@x>", text="t"
        )


def test_the_boundary_is_found_in_no_part(monkeypatch):
    draws = iter(["0" * 20, "1" * 20])
    monkeypatch.setattr(mime.secrets, "token_hex", lambda n: next(draws))
    text = f"A text quoting ==============={'0' * 20}== on purpose"

    _sender, _recipient, data = mime.message_bytes(
        to="a@example.org", subject="Hi", message_id="<1@x>", text=text, html="<p>x</p>"
    )

    assert f'boundary="==============={"1" * 20}=="'.encode() in data
    assert parsed(data).get_body(("plain",)).get_content().rstrip("\n") == text
