"""A mail's bytes for an SMTP server, written directly rather than by the email package's
generator: Django's message() and as_bytes() (header folding, a regular expression compiled for
each boundary) were about 1 ms of CPU a mail, a third of its delivery (docs/BENCHMARKS.md).

The bytes are those Django writes for an EmailMultiAlternatives with a text and an HTML part
(tests/notifications/test_mime.py compares them): the same headers, each part in UTF-8, 7 or
8bit, or quoted-printable when a line is longer than SMTP allows. Mails with attachments are
left to Django.
"""

import secrets
from email.header import Header
from email.utils import formatdate
from functools import lru_cache

from django.conf import settings
from django.core.mail.message import (
    RFC5322_EMAIL_LINE_LENGTH_LIMIT,
    BadHeaderError,
    sanitize_address,
    utf8_charset_qp,
)

CRLF = "\r\n"
# Headers are folded past this length, as the email package folds them.
FOLD_AT = 78


@lru_cache(maxsize=64)
def address(value):
    """An address checked and written as Django writes it (an international domain in
    punycode); raises ValueError for one that is not an address. Few: kept per process."""
    return sanitize_address(value, "utf-8")


def message_bytes(*, to, subject, message_id, text, html=""):
    """The mail from DEFAULT_FROM_EMAIL to `to` (an address): headers, then the text, or a
    multipart/alternative of the text and the HTML. Returns (sender, recipient, bytes): the
    sender and recipient as the SMTP envelope gives them."""
    sender, recipient = address(settings.DEFAULT_FROM_EMAIL), address(to)
    headers = [
        _header("Subject", subject),
        f"From: {sender}",
        f"To: {recipient}",
        f"Date: {formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
        _header("Message-ID", message_id),
    ]
    if not html:
        body, part_headers = _encoded(text, "plain")
        return sender, recipient, CRLF.join([*part_headers, *headers, "", body]).encode()
    parts = [_encoded(text, "plain"), _encoded(html, "html")]
    boundary = _boundary(parts)
    lines = [
        f'Content-Type: multipart/alternative;{CRLF} boundary="{boundary}"',
        "MIME-Version: 1.0",
        *headers,
        "",
    ]
    for body, part_headers in parts:
        lines += [f"--{boundary}", *part_headers, "", body]
    lines.append(f"--{boundary}--{CRLF}")
    return sender, recipient, CRLF.join(lines).encode()


def _header(name, value):
    """`Name: value`, refused with a line break of any kind in it (a header injection), folded and
    encoded (RFC 2047) when it is long or not ASCII."""
    # Any of Python's line boundaries (\v, \f, \x1c-\x1e, \x85, \u2028…), not only CR and LF:
    # folding would start a header line of its own at them.
    if len(value.splitlines()) > 1 or "\n" in value or "\r" in value:
        raise BadHeaderError(f"Header values can't contain newlines (got {value!r} for {name})")
    line = f"{name}: {value}"
    if len(line) <= FOLD_AT and value.isascii():
        return line
    charset = None if value.isascii() else "utf-8"
    return f"{name}: {Header(value, charset, header_name=name).encode(linesep=CRLF)}"


def _encoded(content, subtype):
    """A text part's body (its lines ended by CRLF) and its headers."""
    longest = max((len(line) for line in content.encode().splitlines()), default=0)
    if longest > RFC5322_EMAIL_LINE_LENGTH_LIMIT:
        # Quoted-printable shortens long lines, as Django's message does.
        body, encoding = utf8_charset_qp.body_encode(content), "quoted-printable"
    else:
        body, encoding = content, "7bit" if content.isascii() else "8bit"
    body = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", CRLF)
    headers = [
        f'Content-Type: text/{subtype}; charset="utf-8"',
        "MIME-Version: 1.0",
        f"Content-Transfer-Encoding: {encoding}",
    ]
    return body, headers


def _boundary(parts):
    """A random boundary found in none of the parts (as the email package draws it, without a
    regular expression compiled for each mail)."""
    while True:
        boundary = f"==============={secrets.token_hex(10)}=="
        if not any(boundary in body for body, _headers in parts):
            return boundary
