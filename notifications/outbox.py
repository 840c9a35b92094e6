"""Writing notifications into the outbox, and delivering them exactly once.

A mail is a row first, written in the transaction of the change that causes it, under a key
unique to its event (for instance ``reminder:<eoi>:<offset>``): a rolled-back change leaves no
mail, and one event never yields two. After commit a Celery task delivers it; a periodic sweep
re-queues the rows whose task was lost (broker down, worker killed).
"""

import logging
import smtplib
import threading
from contextlib import contextmanager, suppress
from datetime import timedelta
from email.utils import make_msgid
from functools import partial
from hashlib import sha256

from anymail.exceptions import AnymailError
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from .models import OutboundEmail
from .templates import render

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A pending mail whose task has not run for this long is queued again by the sweep.
SWEEP_AFTER = timedelta(minutes=10)
# Mails one task sends over one connection: a task and a connection per mail cost more than
# the mail (docs/BENCHMARKS.md), and a worker that dies leaves at most this many to the sweep.
BATCH_SIZE = 50


class TransientDeliveryError(Exception):
    """The mail server could not take these mails now; trying again at `retry_at` may work."""

    def __init__(self, email_ids, retry_at):
        super().__init__(f"{len(email_ids)} mails to try again")
        self.email_ids = email_ids
        self.retry_at = retry_at


def is_transient(error):
    """Worth another try later: the server was unreachable, busy, or answered with a 4xx code."""
    status = getattr(error, "status_code", None)  # a provider's API error (django-anymail)
    if isinstance(error, AnymailError):
        return status is None or status == 429 or status >= 500
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(400 <= code < 500 for code, _message in error.recipients.values())
    if isinstance(error, smtplib.SMTPException):
        return False
    # Refused or reset connections, timeouts, name resolution: the network, not the mail.
    return isinstance(error, OSError)


def is_unreachable(error):
    """Transient, and about the server rather than one mail: the rest of a batch would fail too."""
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return False
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code == 421  # the server is closing the connection
    return is_transient(error)


def retry_delay(attempts):
    """30 s, 1 min, 2 min, … up to an hour between attempts."""
    return timedelta(seconds=min(30 * 2 ** (attempts - 1), 3600))


def queue_email(*, key, event, recipient, values, call=None, eoi=None):
    """Write a mail for `recipient` in their language; deliver it after commit. One per key.

    `values` is a function of no arguments returning the placeholder values; it is called in
    the recipient's language so that dates and labels come out in it.
    """
    if OutboundEmail.objects.filter(key=key).exists():
        return None
    language = recipient.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, text, html = render(event, language, values(), call=call)
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(
                key=key,
                event=event,
                recipient=recipient,
                to=recipient.email,
                language=language,
                subject=subject,
                next_attempt_at=timezone.now(),
                body_text=text,
                body_html=html,
                call=call,
                eoi=eoi,
            )
    except IntegrityError:
        return None  # the same event was written by another process a moment ago
    collected = getattr(_together, "ids", None)
    if collected is not None:
        collected.append(email.pk)
    else:
        transaction.on_commit(partial(enqueue, [email.pk]), robust=True)
    return email


_together = threading.local()


@contextmanager
def delivered_together():
    """Mails queued inside go to the workers in batches of BATCH_SIZE when the transaction
    commits, rather than one task each. Use inside the transaction that writes them."""
    if getattr(_together, "ids", None) is not None:
        yield  # already collecting: the outer block hands them over
        return
    _together.ids = ids = []
    try:
        yield
    finally:
        del _together.ids
    if ids:
        transaction.on_commit(partial(enqueue, ids), robust=True)


def enqueue(email_ids):
    from .tasks import deliver_emails

    for start in range(0, len(email_ids), BATCH_SIZE):
        batch = email_ids[start : start + BATCH_SIZE]
        try:
            deliver_emails.delay(batch)
        except Exception:
            # The rows stay pending and the sweep queues them again.
            logger.warning("Could not queue emails %s for delivery", batch, exc_info=True)


def _claim(email_ids):
    """Mark the pending mails among these as being sent, in a transaction of its own. Mails
    sent, given up, or held by another worker are left out."""
    with transaction.atomic():
        claimed = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=email_ids, status=OutboundEmail.Status.PENDING)
            .order_by("pk")
        )
        now = timezone.now()
        OutboundEmail.objects.filter(pk__in=[email.pk for email in claimed]).update(
            status=OutboundEmail.Status.SENDING, last_attempt_at=now
        )
    return claimed


def _message(email):
    message = EmailMultiAlternatives(
        email.subject,
        email.body_text,
        None,
        [email.to],
        headers={"Message-ID": make_msgid(idstring=sha256(email.key.encode()).hexdigest()[:32])},
    )
    message.attach_alternative(email.body_html, "text/html")
    return message


def deliver(email_ids):
    """Send these mails where still pending, over one connection. Returns how many were sent;
    raises TransientDeliveryError naming the mails to try again later.

    The mails are claimed (committed) before they are sent and each is recorded as soon as the
    server took it, so no lock is held while the server talks, a task delivered twice finds
    them claimed, and a worker that dies leaves at most the mail it was sending unrecorded.
    The Message-ID comes from the event key: the copy the sweep sends again of that mail
    carries the same ID, which receiving servers and clients recognise.
    """
    claimed = _claim(email_ids)
    if not claimed:
        return 0
    sent = 0
    retry, retry_at = [], None
    connection = get_connection()
    try:
        for position, email in enumerate(claimed):
            email.attempts += 1
            try:
                # Opened here, not by send_messages, which would close it after each mail.
                connection.open()
                connection.send_messages([_message(email)])
            except Exception as failure:
                _hang_up(connection)  # a connection that failed once is not trusted again
                if not _record_failure(email, failure):
                    continue
                retry.append(email)
                retry_at = min(retry_at or email.next_attempt_at, email.next_attempt_at)
                if is_unreachable(failure):
                    # The server is down: the rest of the batch waits for the same retry.
                    rest = claimed[position + 1 :]
                    OutboundEmail.objects.filter(pk__in=[other.pk for other in rest]).update(
                        status=OutboundEmail.Status.PENDING, next_attempt_at=email.next_attempt_at
                    )
                    retry += rest
                    break
                continue
            email.status = OutboundEmail.Status.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
            email.save(update_fields=["status", "attempts", "sent_at", "last_error"])
            sent += 1
    finally:
        _hang_up(connection)
    if retry:
        raise TransientDeliveryError([email.pk for email in retry], retry_at)
    return sent


def _hang_up(connection):
    with suppress(Exception):  # closing a broken connection may fail: it is gone either way
        connection.close()


def _record_failure(email, failure):
    """Write down why a mail was not sent; True when it is worth another try later."""
    email.last_error = f"{type(failure).__name__}: {failure}"[:1000]
    if is_transient(failure) and email.attempts < MAX_ATTEMPTS:
        email.status = OutboundEmail.Status.PENDING
        email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
        # The server's words stay in the outbox: they may quote the recipient's address.
        email.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
        return True
    email.status = OutboundEmail.Status.FAILED
    email.save(update_fields=["status", "attempts", "last_error"])
    logger.error(
        "Giving up on email %s after %s attempts: %s",
        email.pk,
        email.attempts,
        type(failure).__name__,
    )
    return False


def sweep(now=None):
    """Queue again what a lost task left behind. Returns how many mails were queued.

    A pending mail is due at its next attempt (at once, for a new one); one still pending
    SWEEP_AFTER past that has lost its task. A mail 'being sent' for that long lost its worker.
    """
    now = now or timezone.now()
    stale = now - SWEEP_AFTER
    orphaned = OutboundEmail.objects.filter(
        status=OutboundEmail.Status.SENDING, last_attempt_at__lt=stale
    )
    # Whether the dead worker's copy went out is unknown: send it again (same Message-ID).
    orphaned.update(
        status=OutboundEmail.Status.PENDING, next_attempt_at=stale - timedelta(seconds=1)
    )
    ids = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        .filter(Q(next_attempt_at__lt=stale) | Q(next_attempt_at=None, created_at__lt=stale))
        .values_list("pk", flat=True)
    )
    enqueue(ids)
    return len(ids)


def resend(emails):
    """Send these mails (again): the Secretariat's action in the outbox."""
    ids = list(emails.values_list("pk", flat=True))
    OutboundEmail.objects.filter(pk__in=ids).update(
        status=OutboundEmail.Status.PENDING,
        attempts=0,
        last_error="",
        next_attempt_at=timezone.now(),
    )
    transaction.on_commit(partial(enqueue, ids), robust=True)
    return len(ids)
