"""Writing notifications into the outbox, and delivering them exactly once.

A mail is a row first, written in the transaction of the change that causes it, under a key
unique to its event (for instance ``reminder:<eoi>:<offset>``): a rolled-back change leaves no
mail, and one event never yields two. After commit a Celery task delivers it.

Each pending mail is leased to the task that carries it: for QUEUED_LEASE once the task is
published, for RUNNING_LEASE at a time once it runs (a thread of the worker renews it while the
task lives), and to nobody when the publish failed (broker down) or the mail waits for a retry.
The sweep, every 20 seconds, queues every due mail that no live lease covers: a mail held by a
broker outage goes out within a minute of its end, one left by a killed worker within a minute
of its death (RUNNING_LEASE, then the next sweep).
"""

import logging
import smtplib
import threading
import uuid
from contextlib import contextmanager, suppress
from datetime import timedelta
from email.mime.text import MIMEText
from functools import partial
from hashlib import sha256
from urllib.parse import urlsplit

from anymail.exceptions import (
    AnymailError,
    AnymailInvalidAddress,
    AnymailRecipientsRefused,
    AnymailSerializationError,
    AnymailUnsupportedFeature,
)
from celery import shared_task
from django.conf import settings
from django.core.mail import DNS_NAME, EmailMultiAlternatives, get_connection
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.db import IntegrityError, transaction
from django.db import connection as db_connection
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.html import strip_tags

from . import mime
from .events import LINK_BEARING, Event
from .models import OutboundEmail
from .wording import render

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# A published task has this long to reach a worker: past it, the broker lost the task (it
# restarted without its data), and the sweep queues its mails again.
QUEUED_LEASE = timedelta(minutes=10)
# The longest a delivery task lives: the worker kills it then (Celery's hard time limit).
TASK_TIME_LIMIT = timedelta(seconds=60)
# A running task holds its batch for this long at a time, and renews the lease every
# LEASE_RENEWAL from a thread of its own for as long as it lives, a mail on the wire included
# (its server may be slow). When the worker dies the renewals stop: its mails are free again
# RUNNING_LEASE later, rather than at the end of the task's time limit. A live worker would
# have to miss two renewals in a row to lose a mail it is sending.
RUNNING_LEASE = timedelta(seconds=15)
LEASE_RENEWAL = timedelta(seconds=5)
# A task claims no new mail after this long, so that the last one has time to go out within
# TASK_TIME_LIMIT (EMAIL_TIMEOUT per exchange with the server); it queues the rest anew.
CLAIM_FOR = timedelta(seconds=20)
# Mails one task sends over one connection: a task and a connection per mail cost more than
# the mail (docs/BENCHMARKS.md), and a worker that dies leaves at most this many to the sweep.
BATCH_SIZE = 50


class TransientDeliveryError(Exception):
    """The mail server could not take some mails now. `retries` maps the time to try again to
    the IDs of the mails due then."""

    def __init__(self, retries):
        super().__init__(retries)
        self.retries = retries


# A provider's refusals that no later attempt will change.
PERMANENT_PROVIDER_ERRORS = (
    AnymailRecipientsRefused,
    AnymailInvalidAddress,
    AnymailUnsupportedFeature,
    AnymailSerializationError,
)


def is_transient(error):
    """Worth another try later: the server was unreachable, busy, or answered with a 4xx code."""
    if isinstance(error, PERMANENT_PROVIDER_ERRORS):
        return False
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
    if isinstance(error, AnymailError):
        return is_transient(error)  # the provider answered 429 or 5xx, or not at all
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


def queue_email(
    *, key, event, recipient, values, call=None, eoi=None, to=None, language=None, attachments=()
):
    """Write a mail for `recipient` in their language; deliver it after commit. One per key.

    A mail to an address that has no account yet (an invitation) gives `recipient=None`, the
    address as `to` and the `language` to write it in.

    `values` is a function of no arguments returning the placeholder values; it is called in
    the recipient's language so that dates and labels come out in it.

    Inside `written_together`, the mail is written when that block ends, with the others.
    A mail to an address with no account (a partner's) gives `recipient` None, `to` and
    `language`.

    `attachments`: a function of no arguments (called in the recipient's language, like
    `values`) returning the files to send with it (OutboundEmail.attachments).
    """
    mail = {"key": key, "event": event, "recipient": recipient, "values": values, "call": call,
            "eoi": eoi, "to": to, "language": language, "attachments": attachments}  # fmt: skip
    collected = getattr(_together, "mails", None)
    if collected is not None:
        collected.append(mail)
        return None
    if OutboundEmail.objects.filter(key=key).exists():
        return None
    return _write(**_worded(**mail))


def _worded(*, key, event, recipient, values, call, eoi, to=None, language=None, attachments=()):
    """The fields of a mail's row, worded in its recipient's language."""
    if recipient is not None:
        language, to = recipient.preferred_language, recipient.email
    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject, text, html = render(event, language, values(), call=call)
        files = list(attachments() if callable(attachments) else attachments)
    return {
        "attachments": files,
        "key": key,
        "event": event,
        "recipient": recipient,
        "to": to,
        "language": language,
        "subject": subject,
        "body_text": text,
        "body_html": html,
        "call": call,
        "eoi": eoi,
    }


def queue_account_mail(message, *, recipient, language):
    """Write an account mail that allauth worded (an address check, a password reset…) into
    the outbox, to be delivered after commit like any other. Each one is its own event."""
    if message.content_subtype == "html":
        text, html = strip_tags(message.body), message.body
    else:
        text = message.body
        html = next((body for body, kind in message.alternatives if kind == "text/html"), "")
    return _write(
        key=f"account:{uuid.uuid4().hex}",
        event=Event.ACCOUNT,
        recipient=recipient,
        to=message.to[0],
        language=language,
        subject=message.subject,
        body_text=text,
        body_html=html,
    )


def _write(**fields):
    """The mail's row, delivered after commit (or with the others of `delivered_together`)."""
    try:
        with transaction.atomic():
            email = OutboundEmail.objects.create(next_attempt_at=timezone.now(), **fields)
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
def written_together():
    """Mails queued inside are written when the block ends, in one statement, and go to the
    workers in batches when the transaction commits (delivered_together): one at a time, each
    cost four statements (docs/BENCHMARKS.md). Which of them exist already is asked once too,
    and only new ones are worded. Use inside the transaction; an error inside drops them."""
    if getattr(_together, "mails", None) is not None:
        yield  # already collecting: the outer block writes them
        return
    with delivered_together():
        _together.mails = mails = []
        try:
            yield
        finally:
            del _together.mails
        _write_all(mails)


def _write_all(mails):
    existing = set(
        OutboundEmail.objects.filter(key__in=[mail["key"] for mail in mails]).values_list(
            "key", flat=True
        )
    )
    rows = {}
    for mail in mails:
        if mail["key"] not in existing and mail["key"] not in rows:
            rows[mail["key"]] = _worded(**mail)
    now = timezone.now()
    try:
        with transaction.atomic():
            written = OutboundEmail.objects.bulk_create(
                [OutboundEmail(next_attempt_at=now, **fields) for fields in rows.values()]
            )
    except IntegrityError:
        # Another process wrote some of them a moment ago: one at a time, each once.
        for fields in rows.values():
            _write(**fields)
        return
    _together.ids.extend(email.pk for email in written)


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
        # Also after an error: if the transaction still commits, so do the mails written
        # before it; if it rolls back, Django drops this callback with it.
        if ids:
            transaction.on_commit(partial(enqueue, ids), robust=True)


def enqueue(email_ids):
    """Hand these mails to the workers, BATCH_SIZE a task, each batch leased to its task."""
    for start in range(0, len(email_ids), BATCH_SIZE):
        batch = email_ids[start : start + BATCH_SIZE]
        # Leased before the publish: a worker may start on them before apply_async returns.
        leased = OutboundEmail.objects.filter(pk__in=batch, status=OutboundEmail.Status.PENDING)
        leased.update(leased_until=timezone.now() + QUEUED_LEASE)
        try:
            deliver_emails.apply_async([batch])
        except Exception:
            # Nobody carries them now: the next sweep queues them again.
            leased.update(leased_until=None)
            logger.warning("Could not queue emails %s for delivery", batch, exc_info=True)


# Web nodes' and workers' clocks differ a little: a retry that arrives this early is still due.
CLOCK_SLACK = timedelta(seconds=5)


def _claim(email):
    """Mark one pending, due mail as being sent and count the attempt, in one statement that
    commits at once. False when it is not ours: sent, given up, not due, or another worker's."""
    return _advance(claim=email)


# Recording a mail sent and claiming the next one of the batch is one statement, committed at
# once: "sent" is still written the moment the server has taken the mail, and the next mail
# claimed just before it is sent, but a mail costs one commit rather than two. Written in SQL
# once: the ORM's two statements took ~2.2 ms of CPU a mail to build and run, this one ~0.45
# (bench/profile_fanout.py). A NULL for either ID leaves that half out.
_ADVANCE = """
UPDATE notifications_outboundemail SET
    status = CASE WHEN id = %(sent)s THEN %(sent_status)s ELSE %(sending)s END,
    sent_at = CASE WHEN id = %(sent)s THEN %(sent_at)s ELSE sent_at END,
    last_error = CASE WHEN id = %(sent)s THEN '' ELSE last_error END,
    provider_message_id
        = CASE WHEN id = %(sent)s THEN %(provider_id)s ELSE provider_message_id END,
    body_text = CASE WHEN id = %(sent)s AND %(forget)s THEN '' ELSE body_text END,
    body_html = CASE WHEN id = %(sent)s AND %(forget)s THEN '' ELSE body_html END,
    attempts = CASE WHEN id = %(sent)s THEN attempts ELSE attempts + 1 END,
    last_attempt_at = CASE WHEN id = %(sent)s THEN last_attempt_at ELSE %(now)s END
WHERE id = %(sent)s
    OR (id = %(claim)s AND status = %(pending)s
        AND (next_attempt_at IS NULL OR next_attempt_at <= %(due)s))
RETURNING id
"""


def _advance(*, sent=None, claim=None):
    """Record `sent` (its fields set by _record_sent) and claim `claim` (see _claim), in one
    statement that commits at once. Returns whether `claim` was claimed."""
    now = timezone.now()
    adapt = db_connection.ops.adapt_datetimefield_value
    with db_connection.cursor() as cursor:
        cursor.execute(
            _ADVANCE,
            {
                "sent": sent.pk if sent else None,
                "claim": claim.pk if claim else None,
                "sent_status": OutboundEmail.Status.SENT,
                "sending": OutboundEmail.Status.SENDING,
                "pending": OutboundEmail.Status.PENDING,
                "now": adapt(now),
                "due": adapt(now + CLOCK_SLACK),
                "sent_at": adapt(sent.sent_at) if sent else None,
                "provider_id": sent.provider_message_id if sent else "",
                "forget": bool(sent and sent.event in LINK_BEARING),
            },
        )
        claimed = any(pk == getattr(claim, "pk", None) for (pk,) in cursor.fetchall())
    if claimed:
        claim.attempts += 1
        claim.last_attempt_at = now
    return claimed


def message_domain():
    """The site's own host, the same on every worker (a host name differs per container)."""
    return urlsplit(settings.SITE_URL).hostname or str(DNS_NAME)


def message_id(email):
    """From the event key alone: a mail sent again (after a worker died mid-send) is the same
    message, which mail clients show once. make_msgid would add the time, the process and
    random bits."""
    return f"<{sha256(email.key.encode()).hexdigest()[:32]}@{message_domain()}>"


def _message(email):
    message = EmailMultiAlternatives(
        email.subject,
        email.body_text,
        None,
        [email.to],
        headers={"Message-ID": message_id(email)},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in email.attachments:
        message.attach(_attachment_part(attachment))
    if email.event in LINK_BEARING:
        # A provider's click tracking would send the one-time link through its own domain.
        message.track_clicks = message.track_opens = False
    return message


def _attachment_part(attachment):
    """A stored (text) attachment as a MIME part. A calendar's carries its iTIP method as a
    parameter of its type, which mail clients read to offer "accept" (attach() cannot say it)."""
    maintype, subtype = attachment["content_type"].split("/", 1)
    if maintype != "text":
        raise ValueError(f"Only text attachments are stored: {attachment['content_type']}")
    part = MIMEText(attachment["content"], subtype, "utf-8")
    if attachment.get("method"):
        part.set_param("method", attachment["method"])
    part.add_header("Content-Disposition", "attachment", filename=attachment["filename"])
    return part


def provider_message_id(message):
    """The ID an email provider gave the message it took (django-anymail); '' over SMTP."""
    status = getattr(message, "anymail_status", None)
    return (status.message_id or "") if status is not None else ""


def deliver(email_ids):
    """Send those of these mails that are pending and due, over one connection. Returns how
    many were sent; raises TransientDeliveryError naming the mails to try again, and when: the
    sweep queues them then.

    Each mail is claimed (committed) just before it is sent and recorded as soon as the server
    has taken it, in the statement that claims the next: no lock is held while the server
    talks, a mail another worker has claimed is skipped, and a worker that dies leaves only the
    mail it was sending to the sweep. The Message-ID comes from the event key: should that mail
    go out twice, both copies carry the same ID, which receiving servers and clients recognise.
    """
    started = timezone.now()
    batch = OutboundEmail.objects.filter(pk__in=email_ids, status=OutboundEmail.Status.PENDING)
    # Ours while this task lives (the lease is renewed): dead or done, the sweep may take them.
    batch.update(leased_until=started + RUNNING_LEASE)
    pending = list(batch.order_by("pk"))
    sent = 0
    retries = {}
    connection = None
    lease = _Lease([email.pk for email in pending])
    claimed = False  # the mail at `position`, claimed with the record of the one before
    try:
        for position, email in enumerate(pending):
            if not claimed:
                if timezone.now() - started > CLAIM_FOR:
                    lease.release()  # the new task leases them for itself
                    enqueue([other.pk for other in pending[position:]])
                    break
                if not _claim(email):
                    lease.release([email.pk])
                    continue
            claimed = False
            try:
                # Made at the first mail: a backend that cannot be made fails that mail.
                connection = connection or get_connection()
                provider_id = _send(connection, email)
            except Exception as failure:
                if connection is not None:
                    _hang_up(connection)  # a connection that failed once is not trusted again
                lease.release([email.pk])
                if not _record_failure(email, failure):
                    continue
                retries.setdefault(email.next_attempt_at, []).append(email.pk)
                if is_unreachable(failure):
                    # The server is down: the rest wait for the same retry, no attempt counted.
                    lease.release()
                    rest = [other.pk for other in pending[position + 1 :]]
                    OutboundEmail.objects.filter(
                        pk__in=rest, status=OutboundEmail.Status.PENDING
                    ).update(next_attempt_at=email.next_attempt_at, leased_until=None)
                    retries[email.next_attempt_at] += rest
                    break
                continue
            following = pending[position + 1] if position + 1 < len(pending) else None
            if following is not None and timezone.now() - started > CLAIM_FOR:
                following = None  # claimed by the task it is handed to
            claimed = _record_sent(email, provider_id, following)
            lease.release([email.pk])
            sent += 1
    finally:
        lease.end()
        if connection is not None:
            _hang_up(connection)
    if retries:
        raise TransientDeliveryError(retries)
    return sent


class _Lease:
    """A running task's hold on the mails of its batch that it has not finished with: a thread
    renews their lease every LEASE_RENEWAL until `end`, so that it outlasts a slow server but
    not the worker. It uses a database connection of its own, closed when it ends."""

    def __init__(self, email_ids):
        self.ids = set(email_ids)
        self.lock = threading.Lock()
        self.ended = threading.Event()
        self.thread = threading.Thread(target=self._renew, name="outbox-lease", daemon=True)
        self.thread.start()

    def release(self, email_ids=None):
        """Stop renewing these mails (all of them without `email_ids`): sent, given up, left
        to a retry or handed to another task."""
        with self.lock:
            if email_ids is None:
                self.ids.clear()
            else:
                self.ids.difference_update(email_ids)

    def end(self):
        self.ended.set()
        self.thread.join()

    def _renew(self):
        try:
            while not self.ended.wait(LEASE_RENEWAL.total_seconds()):
                with self.lock:
                    ids = list(self.ids)
                if not ids:
                    continue
                try:
                    until = timezone.now() + RUNNING_LEASE
                    OutboundEmail.objects.filter(
                        pk__in=ids,
                        status__in=[OutboundEmail.Status.PENDING, OutboundEmail.Status.SENDING],
                        # Never shortened: mails handed on to a new task hold a longer lease.
                        leased_until__lt=until,
                    ).update(leased_until=until)
                except Exception:
                    logger.warning("Could not renew the lease of emails %s", ids, exc_info=True)
        finally:
            db_connection.close()  # this thread's own


# The delivery task lives beside what it runs (deliver) and what publishes it (enqueue, also
# called by deliver and the sweep): in tasks.py it would make an import circle with this module.
# The hard limit ends a task that hangs; its lease then ends with it (RUNNING_LEASE).
@shared_task(time_limit=TASK_TIME_LIMIT.total_seconds())
def deliver_emails(email_ids):
    try:
        deliver(email_ids)
    except TransientDeliveryError as error:
        # No task waits for the retry (a task held for later would sit unacknowledged in a
        # worker): the sweep queues each mail when it is due.
        for retry_at, ids in error.retries.items():
            logger.warning("Emails %s not sent yet; next attempt at %s", ids, retry_at.isoformat())


def _send(connection, email):
    """Send one mail over the open connection; returns the provider's ID for it ('' over
    SMTP). A reused connection that the server has dropped (an idle timeout, a limit of
    messages per connection) is opened again once: only a failure on a fresh connection says
    something about the server or the mail."""
    fresh = connection.open()  # opened here, not by send_messages, which would close it after
    try:
        return _transmit(connection, email)
    except (smtplib.SMTPServerDisconnected, smtplib.SMTPResponseException) as failure:
        dropped = getattr(failure, "smtp_code", 421) == 421
        if fresh or not dropped:
            raise
        _hang_up(connection)
        connection.open()
        return _transmit(connection, email)


def _transmit(connection, email):
    if isinstance(connection, SMTPBackend) and not email.attachments:
        # Its bytes written directly (notifications/mime.py), as Django's backend would send
        # the message (_message).
        sender, recipient, data = mime.message_bytes(
            to=email.to,
            subject=email.subject,
            message_id=message_id(email),
            text=email.body_text,
            html=email.body_html,
        )
        connection.connection.sendmail(sender, [recipient], data)
        return ""
    message = _message(email)
    connection.send_messages([message])
    return provider_message_id(message)


def _hang_up(connection):
    with suppress(Exception):  # closing a broken connection may fail: it is gone either way
        connection.close()


def _record_sent(email, provider_id, following=None):
    """Record the mail as sent, and claim `following` (the batch's next mail, or None) in the
    same statement (_advance); returns whether it was claimed."""
    email.status = OutboundEmail.Status.SENT
    email.sent_at = timezone.now()
    email.last_error = ""
    email.provider_message_id = provider_id
    if email.event in LINK_BEARING:
        _forget_link(email)
    return _advance(sent=email, claim=following)


def _forget_link(email):
    """A link-bearing mail's link signs in, sets a password, confirms for a partner or accepts
    an invitation: once sent, nobody reading the outbox (or a backup of it) should find it; who
    needs another asks for a new one (the lead asks the partners again, or invites anew). One
    not sent keeps it for the retries and a resend from the admin (which never shows it) until
    the link expires."""
    email.body_text = email.body_html = ""


def _record_failure(email, failure):
    """Write down why a mail was not sent; True when it is worth another try later."""
    email.last_error = f"{type(failure).__name__}: {failure}"[:1000]
    if is_transient(failure) and email.attempts < MAX_ATTEMPTS:
        email.status = OutboundEmail.Status.PENDING
        email.next_attempt_at = timezone.now() + retry_delay(email.attempts)
        email.leased_until = None  # the sweep queues it when it is due
        # The server's words stay in the outbox: they may quote the recipient's address.
        email.save(update_fields=["status", "last_error", "next_attempt_at", "leased_until"])
        return True
    email.status = OutboundEmail.Status.FAILED
    email.save(update_fields=["status", "last_error"])
    logger.error(
        "Giving up on email %s after %s attempts: %s",
        email.pk,
        email.attempts,
        type(failure).__name__,
    )
    return False


def sweep(now=None):
    """Queue every due mail that no task answers for. Returns how many mails were queued.

    A pending mail is due at its next attempt (at once, for a new one). A mail 'being sent'
    whose lease its task stopped renewing lost its worker: that task is dead.
    """
    now = now or timezone.now()
    orphaned = OutboundEmail.objects.filter(
        Q(leased_until__lt=now - CLOCK_SLACK)
        # Claimed without a lease (not by deliver): free once no task can be alive.
        | Q(leased_until=None, last_attempt_at__lt=now - TASK_TIME_LIMIT - CLOCK_SLACK),
        status=OutboundEmail.Status.SENDING,
    )
    # Whether the dead worker's copy went out is unknown: send it again (same Message-ID).
    orphaned.update(status=OutboundEmail.Status.PENDING, leased_until=None)
    ids = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING)
        .filter(Q(next_attempt_at=None) | Q(next_attempt_at__lte=now))
        .filter(Q(leased_until=None) | Q(leased_until__lt=now))
        .values_list("pk", flat=True)
    )
    enqueue(ids)
    return len(ids)


def resend(emails):
    """Send these mails (again): the Secretariat's action in the outbox. A mail being sent
    right now is left to its worker."""
    ids = list(
        emails.exclude(status=OutboundEmail.Status.SENDING)
        # A sent link-bearing mail no longer holds its link (_forget_link): nothing to send.
        .exclude(event__in=LINK_BEARING, body_text="")
        .values_list("pk", flat=True)
    )
    OutboundEmail.objects.filter(pk__in=ids).update(
        status=OutboundEmail.Status.PENDING,
        attempts=0,
        last_error="",
        next_attempt_at=timezone.now(),
        leased_until=None,
    )
    transaction.on_commit(partial(enqueue, ids), robust=True)
    return len(ids)
