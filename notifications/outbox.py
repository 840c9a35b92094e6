"""Writing notifications into the outbox, and delivering them exactly once.

A mail is a row first, written in the transaction of the change that causes it, under a key
unique to its event (for instance ``reminder:<eoi>:<offset>``): a rolled-back change leaves no
mail, and one event never yields two. After commit a Celery task delivers it; a periodic sweep
re-queues the rows whose task was lost (broker down, worker killed).
"""

import logging
import smtplib
from datetime import timedelta
from email.utils import make_msgid
from hashlib import sha256

from anymail.exceptions import AnymailError
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from .models import OutboundEmail
from .templates import render

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A pending mail whose task has not run for this long is queued again by the sweep.
SWEEP_AFTER = timedelta(minutes=10)


class TransientDeliveryError(Exception):
    """The mail server could not take the mail now; trying again later may work."""


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
    email_id = email.pk
    transaction.on_commit(lambda: enqueue(email_id), robust=True)
    return email


def enqueue(email_id):
    from .tasks import deliver_email

    try:
        deliver_email.delay(email_id)
    except Exception:
        # The row stays pending and the sweep queues it again.
        logger.warning("Could not queue email %s for delivery", email_id, exc_info=True)


def _claim(email_id):
    """Mark one pending mail as being sent, in a transaction of its own; None if not ours."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING)
            .first()
        )
        if email is None:
            return None  # sent, given up, or another worker has it
        email.status = OutboundEmail.Status.SENDING
        email.attempts += 1
        email.last_attempt_at = timezone.now()
        email.save(update_fields=["status", "attempts", "last_attempt_at"])
    return email


def deliver(email_id):
    """Send one pending mail. True when sent; raises TransientDeliveryError to be retried.

    The mail is claimed (committed) before it is sent and recorded after, so no lock is held
    while the server talks, and a task delivered twice finds it claimed. The Message-ID comes
    from the event key: should a worker die between sending and recording, the copy the sweep
    sends later carries the same ID, which receiving servers and clients recognise.
    """
    email = _claim(email_id)
    if email is None:
        return False
    message = EmailMultiAlternatives(
        email.subject,
        email.body_text,
        None,
        [email.to],
        headers={"Message-ID": make_msgid(idstring=sha256(email.key.encode()).hexdigest()[:32])},
    )
    message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except Exception as failure:
        email.last_error = f"{type(failure).__name__}: {failure}"[:1000]
        if is_transient(failure) and email.attempts < MAX_ATTEMPTS:
            email.status = OutboundEmail.Status.PENDING
            email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
            email.save(update_fields=["status", "last_error", "next_attempt_at"])
            # The server's words stay in the outbox: they may quote the recipient's address.
            raise TransientDeliveryError(type(failure).__name__) from failure
        email.status = OutboundEmail.Status.FAILED
        email.save(update_fields=["status", "last_error"])
        logger.error(
            "Giving up on email %s after %s attempts: %s",
            email.pk,
            email.attempts,
            type(failure).__name__,
        )
        return False
    email.status = OutboundEmail.Status.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    email.save(update_fields=["status", "sent_at", "last_error"])
    return True


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
    for email_id in ids:
        enqueue(email_id)
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
    for email_id in ids:
        transaction.on_commit(lambda email_id=email_id: enqueue(email_id), robust=True)
    return len(ids)
