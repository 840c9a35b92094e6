"""The periodic work of a call: reminders, confirmations and closing. Each job is idempotent:
run twice, or twice at once, it sends each mail once (the outbox keys see to that)."""

import uuid
from datetime import timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from notifications import notify
from notifications.models import OutboundEmail
from notifications.outbox import written_together
from notifications.wording import wordings_remembered

from . import lifecycle, proposals
from .models import Call, ExpressionOfInterest, Extension, Proposal

Status = ExpressionOfInterest.Status

# Changes after submitting are confirmed once the applicant has left them alone this long.
EDITS_QUIET_PERIOD = timedelta(minutes=30)
# Reminders written per transaction.
REMINDER_BATCH = 200
# The reminder job runs every minute; one run at a time writes, under this lock, which it holds
# for LOCK_SECONDS at a time and renews after each batch: a run whose worker died leaves the
# rest of its reminders to a run a minute later, not a quarter of an hour (docs/BENCHMARKS.md).
REMINDERS_LOCK = "submissions:reminders-running"
LOCK_SECONDS = 30


def send_deadline_reminders(now=None):
    """Remind owners of drafts at each of the call's offsets before its deadline. Returns how
    many reminders it wrote; none while another run is writing them."""
    token = uuid.uuid4().hex
    if not cache.add(REMINDERS_LOCK, token, LOCK_SECONDS):
        return 0
    try:
        return _send_deadline_reminders(now or timezone.now(), token)
    finally:
        # Only our own lock: had ours lapsed and another run taken it, it is that run's.
        if cache.get(REMINDERS_LOCK) == token:
            cache.delete(REMINDERS_LOCK)


def _still_ours(token):
    """Renew the lock if this run still holds it; False if it lapsed and another run took it
    (that run writes the rest; keys keep any reminder from being written twice)."""
    if cache.get(REMINDERS_LOCK) != token:
        return False
    cache.touch(REMINDERS_LOCK, LOCK_SECONDS)
    return True


def _send_deadline_reminders(now, token):
    sent = 0
    for call in Call.objects.open(now):
        due = [
            hours
            for hours in call.reminder_offsets
            if now >= call.closes_at - timedelta(hours=hours)
        ]
        if not due:
            continue
        # Only the latest offset reached: a draft started late gets one reminder, not three.
        offset = min(due)
        extended = Extension.objects.filter(
            call=call, applicant=OuterRef("owner"), until__gt=call.closes_at
        )
        drafts = (
            call.eois.filter(status=Status.DRAFT)
            .exclude(Exists(extended))
            # A run every minute reads only the drafts not reminded yet.
            .exclude(notify.reminded(offset))
            .select_related("owner", "call")
            # One order for every run: two runs inserting the same keys in opposite orders
            # could deadlock.
            .order_by("pk")
        )
        batch = []
        for eoi in drafts.iterator(chunk_size=REMINDER_BATCH):
            batch.append(eoi)
            if len(batch) == REMINDER_BATCH:
                sent += _remind(batch, offset, now)
                if not _still_ours(token):
                    return sent
                batch = []
        sent += _remind(batch, offset, now)
    return sent + _remind_extended(now) + _remind_proposals(now)


def _remind_extended(now):
    """The drafts of applicants with a later deadline of their own are reminded before it, at
    the call's offsets (the call may have closed for everyone else). Extensions are few."""
    sent = 0
    running = Extension.objects.filter(until__gt=now).filter(until__gt=F("call__closes_at"))
    for extension in running.select_related("call"):
        due = [
            hours
            for hours in extension.call.reminder_offsets
            if now >= extension.until - timedelta(hours=hours)
        ]
        if due:
            drafts = (
                extension.call.eois.filter(status=Status.DRAFT, owner=extension.applicant_id)
                .select_related("owner", "call")
                .order_by("pk")
            )
            sent += _remind(list(drafts), min(due), now, deadline=extension.until)
    return sent


def _remind_proposals(now):
    """Draft full proposals are reminded before their deadline (the stage's, or the
    applicant's later extension), at the call's offsets, the latest reached only. They are few
    (the invited EOIs): read in one query, the reminders already written in another."""
    extended = Extension.objects.filter(
        call=OuterRef("eoi__call"), applicant=OuterRef("eoi__owner")
    )
    drafts = (
        Proposal.objects.filter(status=Proposal.Status.DRAFT, eoi__status=Status.INVITED)
        .exclude(stage__closes_at=None)
        .annotate(extension_until=Subquery(extended.values("until")[:1]))
        .filter(Q(stage__closes_at__gt=now) | Q(extension_until__gt=now))
        .select_related("eoi__call", "eoi__owner", "stage")
        .order_by("pk")
    )
    due = []
    for proposal in drafts:
        deadline = proposals.deadline_for(proposal)
        reached = [
            hours
            for hours in proposal.call.reminder_offsets
            if now >= deadline - timedelta(hours=hours)
        ]
        if reached:
            due.append((proposal, min(reached), deadline))
    written = set(
        OutboundEmail.objects.filter(
            key__in=[notify.proposal_reminder_key(*item) for item in due]
        ).values_list("key", flat=True)
    )
    due = [item for item in due if notify.proposal_reminder_key(*item) not in written]
    if not due:
        return 0
    with transaction.atomic(), wordings_remembered(), written_together():
        for proposal, offset, deadline in due:
            notify.proposal_reminder(proposal, offset, now, deadline)
    return len(due)


def _remind(drafts, offset, now, deadline=None):
    """One transaction for a batch of reminders: one commit per mail was most of the fan-out's
    time (docs/BENCHMARKS.md). They are written in one statement, in the call's wording looked
    up once, and their deliveries queued together when it commits."""
    if not drafts:
        return 0
    # written_together ends first: it words the mails while their wording is remembered.
    with transaction.atomic(), wordings_remembered(), written_together():
        for eoi in drafts:
            notify.deadline_reminder(eoi, offset, now, deadline=deadline)
    return len(drafts)


def confirm_edits(now=None):
    """One mail per burst of changes to a submitted EOI, once the applicant has paused."""
    now = now or timezone.now()
    edited = ExpressionOfInterest.objects.filter(
        # Changes made just before the deadline are confirmed after the call moved them on.
        status__in=[Status.SUBMITTED, Status.UNDER_REVIEW],
        updated_at__gt=F("submitted_at"),
        updated_at__lte=now - EDITS_QUIET_PERIOD,
    ).exclude(edits_confirmed_version=F("version"))
    confirmed = 0
    for eoi in lifecycle.with_deadlines(edited.select_related("owner", "call")):
        with transaction.atomic():
            notify.edits_confirmed(eoi)
            ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
                edits_confirmed_version=eoi.version
            )
        confirmed += 1
    return confirmed


def close_calls(now=None):
    """After a deadline: submitted EOIs go under review (each owner is told), and the
    Secretariat gets the call's figures once."""
    now = now or timezone.now()
    moved = 0
    for call in Call.objects.filter(closes_at__lte=now):
        for eoi in call.eois.filter(status=Status.SUBMITTED).only("pk"):
            try:
                lifecycle.change_status(
                    eoi, Status.UNDER_REVIEW, None, by=lifecycle.SYSTEM, now=now
                )
            except lifecycle.Refused:
                continue  # withdrawn meanwhile, or a personal extension is still running
            moved += 1
        if call.closing_done_at is None:
            with transaction.atomic():
                if Call.objects.filter(pk=call.pk, closing_done_at=None).update(
                    closing_done_at=now
                ):
                    counts = call.eois.aggregate(
                        submitted=Count(
                            "pk", filter=Q(status__in=[Status.SUBMITTED, Status.UNDER_REVIEW])
                        ),
                        draft=Count("pk", filter=Q(status=Status.DRAFT)),
                        withdrawn=Count("pk", filter=Q(status=Status.WITHDRAWN)),
                    )
                    notify.closing_summary(call, counts)
    return moved
