"""The outbox: one row per event, written with the change, delivered once, never lost."""

import smtplib
from contextlib import suppress
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.roles import SECRETARIAT
from notifications import outbox
from notifications.models import Event, OutboundEmail
from submissions import domain
from tests.conftest import (
    RecordingHandler,
    free_port,
    smtp_sink,
    tasks_through_broker,
)
from tests.factories import ApplicantFactory, EOIFactory, OutboundEmailFactory, give_role
from tests.files import attach_budget

DECLARED = {"declares_accuracy": True, "declares_consent": True}


def queue_one(recipient, key="test:1"):
    return outbox.queue_email(
        key=key,
        event=Event.UNDER_REVIEW,
        recipient=recipient,
        values=lambda: dict.fromkeys(outbox_placeholders(), "x"),
    )


def outbox_placeholders():
    from notifications.events import PLACEHOLDERS

    return PLACEHOLDERS[Event.UNDER_REVIEW]


@pytest.mark.django_db
def test_one_key_gives_one_mail(django_capture_on_commit_callbacks):
    applicant = ApplicantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_one(applicant)
        second = queue_one(applicant)

    assert first is not None
    assert second is None
    assert OutboundEmail.objects.count() == 1
    assert len(mail.outbox) == 1
    first.refresh_from_db()
    assert first.status == OutboundEmail.Status.SENT
    assert first.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_submission_that_rolls_back_writes_no_mail():
    eoi = attach_budget(EOIFactory())

    def submit_then_fail():
        with transaction.atomic():
            domain.submit_eoi(eoi, eoi.owner, DECLARED)
            raise RuntimeError("something after the submit failed")

    with pytest.raises(RuntimeError):
        submit_then_fail()

    assert not OutboundEmail.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_the_receipt_is_a_row_with_a_text_and_an_html_part_in_the_applicants_language():
    eoi = attach_budget(EOIFactory(owner__preferred_language="fr", owner__name="Awa Diop"))

    eoi = domain.submit_eoi(eoi, eoi.owner, DECLARED)

    row = OutboundEmail.objects.get()
    assert (row.key, row.event, row.language) == (f"receipt:{eoi.pk}", "submission_receipt", "fr")
    message = mail.outbox[0]
    assert message.subject == f"Nous avons reçu votre manifestation d’intérêt {eoi.reference}"
    assert message.body.startswith("Bonjour Awa,")
    assert eoi.answers.get("summary", "") in message.body
    assert message.alternatives[0][1] == "text/html"


@pytest.mark.django_db
def test_a_transient_smtp_error_keeps_the_mail_pending_for_a_retry(smtp_server):
    row = OutboundEmailFactory()
    smtp_server.refusals = 1

    with pytest.raises(outbox.TransientDeliveryError) as retry:
        outbox.deliver([row.pk])
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundEmail.Status.PENDING, 1)
    assert "451" in row.last_error
    assert retry.value.retries == {row.next_attempt_at: [row.pk]}
    assert outbox.deliver([row.pk]) == 0  # not due yet: a task arriving early sends nothing

    with time_machine.travel(row.next_attempt_at):
        assert outbox.deliver([row.pk]) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (OutboundEmail.Status.SENT, 2, "")
    assert len(smtp_server.messages) == 1
    assert outbox.deliver([row.pk]) == 0  # sent already: never twice
    assert len(smtp_server.messages) == 1


@pytest.mark.django_db
def test_a_refused_recipient_is_a_failure_not_a_retry(settings, monkeypatch):
    row = OutboundEmailFactory()

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"No such user")})

    monkeypatch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", refuse)

    assert outbox.deliver([row.pk]) == 0
    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.FAILED
    assert "SMTPRecipientsRefused" in row.last_error


@pytest.mark.django_db(transaction=True)
def test_the_next_sweep_delivers_a_mail_whose_enqueue_failed_while_the_broker_was_down():
    eoi = attach_budget(EOIFactory())
    # The production settings' broker options: nothing listens on port 1.
    with tasks_through_broker("redis://127.0.0.1:1/0"):
        domain.submit_eoi(eoi, eoi.owner, DECLARED)  # saved, though the receipt cannot be queued
    row = OutboundEmail.objects.get()
    assert row.status == OutboundEmail.Status.PENDING
    assert row.leased_until is None  # no task carries it
    assert mail.outbox == []

    assert outbox.sweep() == 1  # the next sweep, not ten minutes later

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_secretariat_sees_the_outbox_and_resends(client, django_capture_on_commit_callbacks):
    applicant = ApplicantFactory()
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_one(applicant)
    staff = ApplicantFactory(is_staff=True)
    give_role(staff, SECRETARIAT)
    client.force_login(staff)

    listing = client.get(reverse("admin:notifications_outboundemail_changelist"))
    assert row.subject in listing.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:notifications_outboundemail_changelist"),
            {"action": "resend", "_selected_action": [row.pk]},
        )

    row.refresh_from_db()
    assert len(mail.outbox) == 2
    assert (row.status, row.attempts) == (OutboundEmail.Status.SENT, 1)


@pytest.mark.django_db
def test_a_mail_being_sent_is_not_sent_again_by_a_second_task():
    row = OutboundEmailFactory(status=OutboundEmail.Status.SENDING, last_attempt_at=timezone.now())

    assert outbox.deliver([row.pk]) == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_sweep_takes_back_a_mail_whose_worker_died_while_sending():
    row = OutboundEmailFactory(status=OutboundEmail.Status.SENDING, last_attempt_at=timezone.now())

    assert outbox.sweep() == 0
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert outbox.sweep() == 1

    row.refresh_from_db()
    assert row.status == OutboundEmail.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_the_sweep_leaves_a_mail_waiting_for_its_retry(smtp_server):
    row = OutboundEmailFactory()
    smtp_server.refusals = 6
    for _ in range(6):
        with time_machine.travel(row.next_attempt_at), pytest.raises(outbox.TransientDeliveryError):
            outbox.deliver([row.pk])
        row.refresh_from_db()
    assert row.next_attempt_at - row.last_attempt_at >= timedelta(minutes=16)

    with time_machine.travel(row.next_attempt_at - timedelta(minutes=1)):
        assert outbox.sweep() == 0  # its own retry is still to come
    with time_machine.travel(row.next_attempt_at):
        assert outbox.sweep() == 1  # the sweep queues each retry when it is due


@pytest.mark.parametrize(
    ("status", "transient"), [(400, False), (422, False), (429, True), (503, True)]
)
def test_provider_errors_are_retried_only_when_the_provider_may_succeed_later(status, transient):
    from anymail.exceptions import AnymailAPIError

    error = AnymailAPIError("provider said no", status_code=status)

    assert outbox.is_transient(error) is transient


@pytest.mark.django_db
def test_the_message_id_comes_from_the_event_key(django_capture_on_commit_callbacks):
    row = OutboundEmailFactory(key="receipt:42")
    outbox.deliver([row.pk])
    other = OutboundEmailFactory(key="receipt:43")
    outbox.deliver([other.pk])

    first, second = (m.extra_headers["Message-ID"] for m in mail.outbox)
    assert first != second
    assert first == f"<{outbox.sha256(b'receipt:42').hexdigest()[:32]}@{outbox.message_domain()}>"


@pytest.mark.django_db
def test_the_same_mail_sent_twice_carries_the_same_message_id(settings, monkeypatch):
    """A mail sent again after its worker died mid-send is one message to the mail client:
    make_msgid had added the time, the process and random bits to each copy."""
    import socket

    settings.SITE_URL = "https://grants.example.org"
    lookups = []
    monkeypatch.setattr(socket, "getfqdn", lambda *a: lookups.append(a) or "worker-7")
    row = OutboundEmailFactory(key="receipt:42")
    outbox.deliver([row.pk])
    OutboundEmail.objects.filter(pk=row.pk).update(status="pending", next_attempt_at=None)
    outbox.deliver([row.pk])

    first, second = (m.extra_headers["Message-ID"] for m in mail.outbox)
    assert first == second
    assert first.endswith("@grants.example.org>")  # the site's host, the same on every worker
    assert lookups == []


@pytest.mark.django_db
def test_a_batch_goes_over_one_connection_and_each_mail_is_recorded(smtp_server):
    rows = [
        OutboundEmailFactory(key=f"batch:{n}", to=f"applicant{n}@example.org") for n in range(5)
    ]

    assert outbox.deliver([row.pk for row in rows]) == 5

    assert sorted(m["To"] for m in smtp_server.messages) == [row.to for row in rows]
    assert len(smtp_server.peers) == 1
    assert set(OutboundEmail.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db
def test_a_mail_refused_in_a_batch_leaves_the_rest_to_go_out(smtp_server):
    rows = [OutboundEmailFactory(key=f"batch:{n}") for n in range(3)]
    smtp_server.refusals = 1  # the first mail's DATA gets a 451

    with pytest.raises(outbox.TransientDeliveryError) as retry:
        outbox.deliver([row.pk for row in rows])

    refused = OutboundEmail.objects.get(pk=rows[0].pk)
    assert retry.value.retries == {refused.next_attempt_at: [refused.pk]}
    assert len(smtp_server.messages) == 2
    statuses = dict(OutboundEmail.objects.values_list("pk", "status"))
    assert statuses == {rows[0].pk: "pending", rows[1].pk: "sent", rows[2].pk: "sent"}


@pytest.mark.django_db
def test_when_the_server_is_down_the_whole_batch_waits_for_one_retry(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    rows = [OutboundEmailFactory(key=f"batch:{n}") for n in range(3)]

    with pytest.raises(outbox.TransientDeliveryError) as retry:
        outbox.deliver([row.pk for row in rows])

    first, *rest = OutboundEmail.objects.order_by("pk")
    assert retry.value.retries == {first.next_attempt_at: [row.pk for row in rows]}
    assert (first.status, first.attempts) == ("pending", 1)
    assert "ConnectionRefusedError" in first.last_error
    # Not tried: no attempt counted, no error of their own, the same time for the retry.
    assert {(row.status, row.attempts, row.last_error) for row in rest} == {("pending", 0, "")}
    assert {row.next_attempt_at for row in rest} == {first.next_attempt_at}
    assert first.next_attempt_at > timezone.now()


@pytest.mark.django_db
def test_mails_written_together_go_to_the_workers_in_batches(
    monkeypatch, django_capture_on_commit_callbacks
):
    from notifications.outbox import deliver_emails

    batches = []
    monkeypatch.setattr(
        deliver_emails, "apply_async", lambda args, eta=None: batches.append(args[0])
    )
    applicants = ApplicantFactory.create_batch(outbox.BATCH_SIZE + 3)
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic(), outbox.delivered_together():
            for n, applicant in enumerate(applicants):
                queue_one(applicant, key=f"together:{n}")
        assert batches == []  # nothing leaves before the commit

    assert [len(batch) for batch in batches] == [outbox.BATCH_SIZE, 3]
    queued = sorted(email_id for batch in batches for email_id in batch)
    assert queued == sorted(OutboundEmail.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_mails_written_together_still_go_when_an_error_is_caught_and_the_rest_commits(
    django_capture_on_commit_callbacks,
):
    applicant = ApplicantFactory()
    with (
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
        suppress(ValueError),
        outbox.delivered_together(),
    ):
        queue_one(applicant, key="together:before-the-error")
        raise ValueError("something else went wrong, and was dealt with")

    assert OutboundEmail.objects.get().status == OutboundEmail.Status.SENT


@pytest.mark.django_db
def test_a_mail_another_worker_claimed_mid_batch_is_not_sent_twice(monkeypatch):
    first, second = OutboundEmailFactory(key="batch:0"), OutboundEmailFactory(key="batch:1")
    from django.core.mail.backends.locmem import EmailBackend

    send = EmailBackend.send_messages

    def send_while_another_worker_takes_the_second(self, messages):
        if not mail.outbox:
            # Another worker's task, with the second mail, runs while ours sends the first.
            monkeypatch.setattr(EmailBackend, "send_messages", send)
            assert outbox.deliver([second.pk]) == 1
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_while_another_worker_takes_the_second)

    assert outbox.deliver([first.pk, second.pk]) == 1  # the second was sent by the other
    assert len(mail.outbox) == 2
    assert set(OutboundEmail.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db
def test_a_dropped_reused_connection_is_opened_again_without_counting_a_failure(settings):
    class ClosesAfterFirst(RecordingHandler):
        """A server that takes one mail per connection, then says it is closing (421)."""

        async def handle_DATA(self, server, session, envelope):
            if session.peer in self.peers:
                return "421 4.7.0 One message per connection, please"
            return await super().handle_DATA(server, session, envelope)

    with smtp_sink(settings, ClosesAfterFirst()) as controller:
        rows = [
            OutboundEmailFactory(key=f"batch:{n}", to=f"applicant{n}@example.org") for n in range(3)
        ]

        assert outbox.deliver([row.pk for row in rows]) == 3

    assert len(controller.handler.messages) == 3
    assert len(controller.handler.peers) == 3
    assert set(OutboundEmail.objects.values_list("status", "attempts", "last_error")) == {
        ("sent", 1, "")
    }


@pytest.mark.parametrize(
    ("error", "transient", "unreachable"),
    [
        ("AnymailRecipientsRefused", False, False),
        ("AnymailInvalidAddress", False, False),
        ("AnymailAPIError", True, True),  # no answer from the provider at all
    ],
)
def test_a_providers_refusal_of_one_address_does_not_hold_the_batch(error, transient, unreachable):
    from anymail import exceptions

    failure = getattr(exceptions, error)("provider said no")

    assert outbox.is_transient(failure) is transient
    assert outbox.is_unreachable(failure) is unreachable


@pytest.mark.django_db
def test_in_process_a_transient_failure_waits_for_the_sweep_instead_of_retrying_at_once(
    smtp_server, django_capture_on_commit_callbacks, caplog
):
    smtp_server.refusals = 1
    with django_capture_on_commit_callbacks(execute=True):
        row = queue_one(ApplicantFactory())  # tasks run in-process here: no broker

    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundEmail.Status.PENDING, 1)
    assert smtp_server.messages == []
    assert "not sent yet" in caplog.text
    with time_machine.travel(row.next_attempt_at):
        assert outbox.sweep() == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == (OutboundEmail.Status.SENT, 2)


class WorkerDied(BaseException):
    """What a SIGKILL looks like from inside: nothing after it runs, no handler catches it."""


@pytest.mark.django_db
def test_a_killed_tasks_mails_are_queued_again_once_its_lease_has_run_out(monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    rows = [OutboundEmailFactory(key=f"killed:{n}") for n in range(4)]
    send = EmailBackend.send_messages

    def dies_on_the_second_mail(self, messages):
        if mail.outbox:
            raise WorkerDied
        return send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", dies_on_the_second_mail)
    started = timezone.now()
    with pytest.raises(WorkerDied):
        outbox.deliver([row.pk for row in rows])
    monkeypatch.setattr(EmailBackend, "send_messages", send)
    statuses = dict(OutboundEmail.objects.values_list("key", "status"))
    assert statuses == {"killed:0": "sent", "killed:1": "sending", "killed:2": "pending",
                        "killed:3": "pending"}  # fmt: skip

    # While its lease runs, nothing is taken from it.
    with time_machine.travel(started + outbox.RUNNING_LEASE - timedelta(seconds=1)):
        assert outbox.sweep() == 0
    # Nobody renewed it: its mails are queued again, long before the task's time limit.
    assert outbox.RUNNING_LEASE + outbox.CLOCK_SLACK * 2 < outbox.TASK_TIME_LIMIT / 2
    with time_machine.travel(started + outbox.RUNNING_LEASE + outbox.CLOCK_SLACK * 2):
        assert outbox.sweep() == 3

    assert len(mail.outbox) == 4
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {"sent"}


@pytest.mark.django_db
def test_a_published_task_keeps_its_mails_until_its_lease_ends(monkeypatch):
    from notifications.outbox import deliver_emails

    published = []
    monkeypatch.setattr(deliver_emails, "apply_async", lambda args: published.append(args[0]))
    row = OutboundEmailFactory()

    outbox.enqueue([row.pk])
    row.refresh_from_db()
    assert row.leased_until > timezone.now() + outbox.QUEUED_LEASE - timedelta(minutes=1)
    assert outbox.sweep() == 0  # its task is on its way: no second one

    # The broker lost that task (it restarted without its data): the lease runs out.
    with time_machine.travel(row.leased_until + timedelta(seconds=1)):
        assert outbox.sweep() == 1
    assert published == [[row.pk], [row.pk]]


@pytest.mark.django_db
def test_a_slow_batch_stops_claiming_and_hands_the_rest_to_a_new_task(monkeypatch):
    from django.core.mail.backends.locmem import EmailBackend

    from notifications.outbox import deliver_emails

    rows = [OutboundEmailFactory(key=f"slow:{n}") for n in range(3)]
    send = EmailBackend.send_messages
    publish = deliver_emails.apply_async
    handed_on = []
    monkeypatch.setattr(
        deliver_emails, "apply_async", lambda args: handed_on.append(args[0]) or publish(args)
    )
    with time_machine.travel(timezone.now(), tick=False) as clock:

        def takes_longer_than_a_task_may_claim(self, messages):
            clock.shift(outbox.CLAIM_FOR + timedelta(seconds=1))
            return send(self, messages)

        monkeypatch.setattr(EmailBackend, "send_messages", takes_longer_than_a_task_may_claim)
        outbox.deliver([row.pk for row in rows])

    # Each task sent one mail and handed the rest on; none was sent twice.
    assert handed_on == [[rows[1].pk, rows[2].pk], [rows[2].pk]]
    assert len(mail.outbox) == 3
    assert set(OutboundEmail.objects.values_list("status", "attempts")) == {("sent", 1)}


@pytest.mark.django_db
def test_a_mail_costs_one_statement_its_record_claiming_the_next(
    smtp_server, django_assert_num_queries
):
    """The batch is leased and read (2), the first mail claimed (1), then each mail's "sent"
    is written by the statement that claims the next one, the last's alone (3): it was two
    statements a mail, 8 here."""
    rows = [
        OutboundEmailFactory(key=f"batch:{n}", to=f"applicant{n}@example.org") for n in range(3)
    ]

    with django_assert_num_queries(6):
        assert outbox.deliver([row.pk for row in rows]) == 3

    assert len(smtp_server.messages) == 3
    assert set(OutboundEmail.objects.values_list("status", "attempts", "last_error")) == {
        ("sent", 1, "")
    }
    assert all(row.sent_at for row in OutboundEmail.objects.all())


@pytest.mark.django_db
def test_a_link_bearing_mail_forgets_its_link_once_sent_and_the_next_is_still_claimed(
    smtp_server,
):
    link = OutboundEmailFactory(key="link:0", event=Event.ACCOUNT, body_text="l")
    after = OutboundEmailFactory(key="link:1")

    assert outbox.deliver([link.pk, after.pk]) == 2

    link.refresh_from_db()
    assert (link.status, link.body_text, link.body_html) == ("sent", "", "")
    after.refresh_from_db()
    assert (after.status, after.attempts, after.body_text) == ("sent", 1, "t")
