"""Reminders, confirmations of changes and the closing of a call, with time travel."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection

from accounts.roles import SECRETARIAT
from notifications.models import OutboundEmail
from submissions import domain, jobs
from submissions.models import ExpressionOfInterest, Extension
from tests.factories import ApplicantFactory, CallFactory, EOIFactory, give_role
from tests.files import attach_budget

DEADLINE = datetime(2027, 1, 27, 22, 59, 59, tzinfo=UTC)
Status = ExpressionOfInterest.Status


@pytest.fixture
def call(db):
    return CallFactory(
        opens_at=DEADLINE - timedelta(days=60), closes_at=DEADLINE, reference_prefix="KMF21"
    )


def run_at(moment, job):
    with time_machine.travel(moment, tick=False):
        return job()


def reminder_keys():
    return sorted(
        OutboundEmail.objects.filter(event="deadline_reminder").values_list("key", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_drafts_are_reminded_once_at_each_offset(call):
    draft = EOIFactory(call=call)
    EOIFactory(call=call, status=Status.SUBMITTED, reference="KMF21-0001")
    EOIFactory(call=call, status=Status.WITHDRAWN)

    for moment in [
        DEADLINE - timedelta(days=8),  # no offset reached yet
        DEADLINE - timedelta(days=7),
        DEADLINE - timedelta(days=6),  # the 7-day reminder went out already
        DEADLINE - timedelta(hours=48),
        DEADLINE - timedelta(hours=47),
        DEADLINE - timedelta(hours=24),
        DEADLINE - timedelta(hours=1),
        DEADLINE + timedelta(hours=1),  # closed: nothing more
    ]:
        run_at(moment, jobs.send_deadline_reminders)

    assert reminder_keys() == [f"reminder:{draft.pk}:{hours}" for hours in (168, 24, 48)]
    assert [m.to for m in mail.outbox] == [[draft.owner.email]] * 3
    assert [m.subject.split(" left")[0] for m in mail.outbox] == ["1 week", "2 days", "1 day"]


@pytest.mark.django_db(transaction=True)
def test_a_draft_started_late_gets_only_the_latest_reminder(call):
    draft = EOIFactory(call=call)

    run_at(DEADLINE - timedelta(hours=20), jobs.send_deadline_reminders)

    assert reminder_keys() == [f"reminder:{draft.pk}:24"]


@pytest.mark.django_db(transaction=True)
def test_an_applicant_with_a_later_personal_deadline_is_reminded_of_hers_not_the_calls(call):
    draft = EOIFactory(call=call)
    until = DEADLINE + timedelta(days=3)
    Extension.objects.create(call=call, applicant=draft.owner, until=until)

    run_at(DEADLINE - timedelta(hours=20), jobs.send_deadline_reminders)

    assert reminder_keys() == [f"reminder:{draft.pk}:168:{until.isoformat()}"]


@pytest.mark.django_db(transaction=True)
def test_reminders_follow_an_extended_deadline_even_after_the_call_closed(call):
    draft = EOIFactory(call=call)
    until = DEADLINE + timedelta(days=3)
    Extension.objects.create(call=call, applicant=draft.owner, until=until)
    # A day before the call's deadline she has almost four: the week's reminder, of hers.
    run_at(DEADLINE - timedelta(hours=20), jobs.send_deadline_reminders)
    assert "3 days" in mail.outbox[-1].subject
    run_at(until - timedelta(days=2), jobs.send_deadline_reminders)  # the call has closed
    run_at(until - timedelta(hours=20), jobs.send_deadline_reminders)
    run_at(until - timedelta(hours=19), jobs.send_deadline_reminders)

    assert reminder_keys() == sorted(
        f"reminder:{draft.pk}:{hours}:{until.isoformat()}" for hours in (168, 48, 24)
    )
    assert "20 hours" in mail.outbox[-1].subject


@pytest.mark.django_db(transaction=True)
def test_the_reminder_job_run_twice_sends_each_mail_once(call):
    EOIFactory.create_batch(3, call=call)

    run_at(DEADLINE - timedelta(days=2), jobs.send_deadline_reminders)
    run_at(DEADLINE - timedelta(days=2), jobs.send_deadline_reminders)

    assert len(reminder_keys()) == 3
    assert len(mail.outbox) == 3


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_reminder_jobs_at_once_send_each_mail_once(call):
    EOIFactory.create_batch(20, call=call)
    start = threading.Barrier(2)
    errors = []

    def job():
        try:
            start.wait()
            jobs.send_deadline_reminders(now=DEADLINE - timedelta(days=2))
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=job) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(reminder_keys()) == 20
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        ExpressionOfInterest.objects.values_list("owner__email", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_closing_moves_submissions_under_review_and_tells_everyone_once(call):
    submitted = EOIFactory(call=call, status=Status.SUBMITTED, reference="KMF21-0001")
    EOIFactory(call=call)  # a draft nobody finished
    staff = ApplicantFactory(name="Sanne Bakker")
    give_role(staff, SECRETARIAT)

    assert run_at(DEADLINE - timedelta(seconds=1), jobs.close_calls) == 0
    run_at(DEADLINE + timedelta(minutes=5), jobs.close_calls)
    run_at(DEADLINE + timedelta(minutes=10), jobs.close_calls)

    submitted.refresh_from_db()
    assert submitted.status == Status.UNDER_REVIEW
    sent = sorted((m.to[0], m.subject) for m in mail.outbox)
    assert sent == sorted(
        [
            (submitted.owner.email, "Your expression of interest KMF21-0001 is under review"),
            (staff.email, f"{call.title} has closed: 1 expression of interest"),
        ]
    )
    summary = next(m for m in mail.outbox if m.to == [staff.email])
    assert "Submitted: 1\nStill drafts: 1\nWithdrawn: 0" in summary.body


@pytest.mark.django_db(transaction=True)
def test_a_submission_with_a_running_extension_waits_for_its_own_deadline(call):
    extended = EOIFactory(call=call, status=Status.SUBMITTED, reference="KMF21-0001")
    Extension.objects.create(
        call=call, applicant=extended.owner, until=DEADLINE + timedelta(days=2)
    )

    run_at(DEADLINE + timedelta(hours=1), jobs.close_calls)
    extended.refresh_from_db()
    assert extended.status == Status.SUBMITTED

    run_at(DEADLINE + timedelta(days=2, minutes=1), jobs.close_calls)
    extended.refresh_from_db()
    assert extended.status == Status.UNDER_REVIEW


@pytest.mark.django_db(transaction=True)
def test_changes_after_submitting_are_confirmed_in_one_mail_after_a_pause(call):
    with time_machine.travel(DEADLINE - timedelta(days=3), tick=False):
        eoi = domain.submit_eoi(
            attach_budget(EOIFactory(call=call)),
            None,
            {"declares_accuracy": True, "declares_consent": True},
        )
    mail.outbox.clear()

    for minute, title in enumerate(["Forums I", "Forums II", "Forums III"]):
        with time_machine.travel(
            DEADLINE - timedelta(days=2) + timedelta(minutes=minute), tick=False
        ):
            eoi = domain.save_step(eoi, eoi.owner, eoi.version, {"title": title})

    assert run_at(DEADLINE - timedelta(days=2) + timedelta(minutes=10), jobs.confirm_edits) == 0
    assert run_at(DEADLINE - timedelta(days=2) + timedelta(minutes=40), jobs.confirm_edits) == 1
    assert run_at(DEADLINE - timedelta(days=2) + timedelta(minutes=50), jobs.confirm_edits) == 0
    assert [m.subject for m in mail.outbox] == [f"Your changes to {eoi.reference} are saved"]

    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        eoi = domain.save_step(eoi, eoi.owner, eoi.version, {"title": "Forums IV"})
    run_at(DEADLINE - timedelta(days=1) + timedelta(hours=1), jobs.confirm_edits)
    assert len(mail.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_an_applicant_with_an_extension_reads_their_own_deadline_in_receipt_and_confirmation(
    call,
):
    eoi = attach_budget(EOIFactory(call=call))
    until = DEADLINE + timedelta(days=3)
    Extension.objects.create(call=call, applicant=eoi.owner, until=until)
    theirs = "30 January 2027"  # the call's deadline is the 27th (CET)
    with time_machine.travel(DEADLINE - timedelta(days=2), tick=False):
        eoi = domain.submit_eoi(eoi, None, {"declares_accuracy": True, "declares_consent": True})
    with time_machine.travel(DEADLINE - timedelta(days=2) + timedelta(minutes=1), tick=False):
        eoi = domain.save_step(eoi, eoi.owner, eoi.version, {"title": "Forums, extended"})

    run_at(DEADLINE - timedelta(days=2) + timedelta(hours=1), jobs.confirm_edits)

    receipt, confirmation = mail.outbox
    assert theirs in receipt.body
    assert "27 January 2027" not in receipt.body
    assert theirs in confirmation.body


@pytest.mark.django_db(transaction=True)
def test_the_reminder_job_looks_the_calls_wording_up_once_a_batch_not_once_a_mail(call):
    from django.test.utils import CaptureQueriesContext

    from notifications.models import EmailTemplate

    EmailTemplate.objects.create(
        call=call,
        event="deadline_reminder",
        language="en",
        subject="{time_left} to go, {applicant_name}",
        body="Your draft waits: {eoi_url}",
    )
    drafts = EOIFactory.create_batch(6, call=call)

    with CaptureQueriesContext(connection) as queries:
        run_at(DEADLINE - timedelta(hours=20), jobs.send_deadline_reminders)

    lookups = [q for q in queries.captured_queries if "notifications_emailtemplate" in q["sql"]]
    assert len(lookups) == 1
    # Every mail still in the call's own wording.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(eoi.owner.email for eoi in drafts)
    assert all(m.subject.startswith("20 hours to go, ") for m in mail.outbox)


@pytest.mark.django_db(transaction=True)
def test_a_batch_of_reminders_is_written_in_one_statement_and_not_twice(call):
    from django.test.utils import CaptureQueriesContext

    drafts = EOIFactory.create_batch(6, call=call)

    def outbox_statements(moment):
        with CaptureQueriesContext(connection) as queries:
            run_at(moment, jobs.send_deadline_reminders)
        return [
            q["sql"].split()[0]
            for q in queries.captured_queries
            if "notifications_outboundemail" in q["sql"].split(" WHERE ")[0]
        ]

    first = outbox_statements(DEADLINE - timedelta(hours=20))
    # Which exist already, then one INSERT for the six (delivery's statements come after).
    assert first[:2] == ["SELECT", "INSERT"]
    assert first.count("INSERT") == 1
    assert reminder_keys() == sorted(f"reminder:{eoi.pk}:24" for eoi in drafts)
    # The next run at the same offset reads no reminded draft: nothing written or sent again.
    assert outbox_statements(DEADLINE - timedelta(hours=19)) == []
    assert len(mail.outbox) == 6


@pytest.mark.django_db(transaction=True)
def test_a_run_whose_worker_died_leaves_its_reminders_to_a_run_a_minute_later(call):
    from django.core.cache import cache

    EOIFactory.create_batch(3, call=call)
    moment = DEADLINE - timedelta(hours=20)
    with time_machine.travel(moment, tick=False):
        # A run is writing them (or was, until its worker died): another one writes nothing.
        assert cache.add(jobs.REMINDERS_LOCK, True, jobs.LOCK_SECONDS)
        assert jobs.send_deadline_reminders() == 0
    # Nobody renewed the lock: the beat's next run, a minute later, writes them.
    assert jobs.LOCK_SECONDS < 60
    with time_machine.travel(moment + timedelta(minutes=1), tick=False):
        assert jobs.send_deadline_reminders() == 3
    assert len(mail.outbox) == 3
    assert not cache.get(jobs.REMINDERS_LOCK)


@pytest.mark.django_db
def test_a_run_whose_lock_lapsed_leaves_the_lock_of_the_run_that_took_over(call, monkeypatch):
    """A run frees only its own lock: had it outlived its lock and another run taken it, freeing
    it would let a third run start beside the second."""
    from django.core.cache import cache

    cache.delete(jobs.REMINDERS_LOCK)
    taken_over = []

    def slow_run(now, token):
        cache.delete(jobs.REMINDERS_LOCK)  # ours lapsed…
        assert cache.add(jobs.REMINDERS_LOCK, "another run", jobs.LOCK_SECONDS)  # …and was taken
        taken_over.append(jobs._still_ours(token))
        return 0

    monkeypatch.setattr(jobs, "_send_deadline_reminders", slow_run)
    jobs.send_deadline_reminders()

    assert taken_over == [False]  # the run knows it no longer holds the lock
    assert cache.get(jobs.REMINDERS_LOCK) == "another run"
    cache.delete(jobs.REMINDERS_LOCK)
