"""The changes to interviews, each with its audit entry and its mails.

The applicant books, moves and cancels until BOOKING_CUTOFF before the interview: past it the
Secretariat has planned its day (interviewers, a room), and a change is agreed by message with
the Secretariat instead. A slot is booked only BOOKING_CUTOFF ahead for the same reason.

The Secretariat moves or cancels a booking at any time (an interviewer falls ill), giving its
reason, which the applicant reads on their page and in the mail: the same `book` and `cancel`,
called with `reason`."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from core.timezones import zone_named
from notifications import notify
from notifications.events import Event
from submissions import lifecycle
from submissions.lifecycle import DomainError
from submissions.models import ExpressionOfInterest, Stage

from . import calendar
from .models import Booking, Slot
from .selectors import live_bookings

BOOKING_CUTOFF = timedelta(hours=24)


def too_late_to_change():
    """Said when the applicant would move or cancel past BOOKING_CUTOFF."""
    return _("Your interview is in less than 24 hours: ask the Secretariat to change it.")


class SlotTaken(DomainError):
    """Another applicant booked the slot first."""


def interview_stage(call):
    """The call's interview stage, or None when it has none."""
    return call.stages.filter(kind=Stage.Kind.INTERVIEW).first()


def is_changeable(booking, now=None):
    """The applicant may still move or cancel it."""
    return booking.slot.starts_at - (now or timezone.now()) > BOOKING_CUTOFF


def offer_slots(stage, starts, *, duration_minutes, location, video_url, interviewers, actor,
                now=None):  # fmt: skip
    """New slots of `stage` at each moment of `starts` (aware), alike in all else."""
    now = now or timezone.now()
    if any(start <= now for start in starts):
        raise DomainError(_("A slot must start in the future."))
    if stage.opens_at and stage.closes_at:
        outside = [s for s in starts if not stage.opens_at <= s < stage.closes_at]
        if outside:
            raise DomainError(
                _("Slots must start while the interview stage is open: %(opens)s to %(closes)s.")
                % {
                    "opens": timezone.localtime(stage.opens_at, stage.call.zone).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                    "closes": timezone.localtime(stage.closes_at, stage.call.zone).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                }
            )
    with transaction.atomic():
        slots = Slot.objects.bulk_create(
            Slot(
                stage=stage,
                starts_at=start,
                duration_minutes=duration_minutes,
                location=location,
                video_url=video_url,
                created_by=actor,
            )
            for start in sorted(starts)
        )
        Slot.interviewers.through.objects.bulk_create(
            Slot.interviewers.through(slot_id=slot.pk, user_id=person.pk)
            for slot in slots
            for person in interviewers
        )
        trail.record(actor, "interview.slots_offered", stage.call, count=len(slots))
    return slots


def remove_slot(slot, actor):
    """Take back a slot nobody has booked."""
    with transaction.atomic():
        slot = Slot.objects.select_for_update().select_related("stage__call").get(pk=slot.pk)
        if live_bookings().filter(slot=slot).exists():
            raise DomainError(_("This slot is booked: it cannot be removed."))
        trail.record(
            actor,
            "interview.slot_removed",
            slot.stage.call,
            starts=timezone.localtime(slot.starts_at, slot.stage.call.zone).strftime(
                "%Y-%m-%d %H:%M %Z"
            ),
        )
        slot.delete()


def book(eoi, slot_id, person, time_zone="", now=None, *, reason=None):
    """Book the slot for the EOI's interview, or move its booking there. Of two applicants
    who pick one slot at once, the unique index on live bookings lets one in; the other is told
    (SlotTaken) and nothing of theirs changes. With a `reason`, the Secretariat (`person`) moves
    the booking there: at any time, to any free slot that has not started."""
    now = now or timezone.now()
    by_secretariat = _secretariat_change(reason)
    with transaction.atomic():
        # One change to this EOI's booking at a time (a double click, two tabs).
        eoi = (
            ExpressionOfInterest.objects.select_for_update(of=("self",))
            .select_related("call", "stage")
            .get(pk=eoi.pk)
        )
        if not lifecycle.is_waiting_in(eoi, Stage.Kind.INTERVIEW):
            raise DomainError(_("Only an application shortlisted for interview books one."))
        slot = Slot.objects.filter(
            pk=slot_id, stage__call=eoi.call, stage__kind=Stage.Kind.INTERVIEW
        ).first()
        if slot is None:
            raise SlotTaken(_("This slot is no longer offered. Please pick another one."))
        if slot.starts_at <= now or (not by_secretariat and slot.starts_at - now <= BOOKING_CUTOFF):
            raise DomainError(_("This slot starts too soon to be booked. Please pick a later one."))
        current = live_bookings().filter(eoi=eoi).select_related("slot").first()
        if by_secretariat and current is None:
            raise DomainError(_("There is no interview to move."))
        if current is not None and current.slot_id == slot.pk:
            return current
        if current is not None and not by_secretariat and not is_changeable(current, now):
            raise DomainError(too_late_to_change())
        zone = time_zone if zone_named(time_zone) else ""
        try:
            with transaction.atomic():
                if current is None:
                    booking = Booking.objects.create(
                        slot=slot, eoi=eoi, booked_by=person, time_zone=zone
                    )
                    action = "interview.booked"
                else:
                    booking, moved_from = current, current.slot
                    booking.slot, booking.time_zone = slot, zone or booking.time_zone
                    booking.sequence += 1
                    booking.secretariat_reason = reason or ""
                    booking.save(
                        update_fields=["slot", "time_zone", "sequence", "secretariat_reason"]
                    )
                    action = "interview.moved"
        except IntegrityError:
            raise SlotTaken(
                _("Someone else booked this slot a moment ago. Please pick another one.")
            ) from None
        details = {"starts": _call_time(slot)}
        if current is not None:
            details["was"] = _call_time(moved_from)
        if by_secretariat:
            details["reason"] = reason
        trail.record(person, action, eoi, **details)
        event = Event.INTERVIEW_MOVED_BY_SECRETARIAT if by_secretariat else Event.INTERVIEW_BOOKED
        _mail(booking, event, calendar.REQUEST)
    return booking


def cancel(eoi, person, now=None, *, reason=None):
    """The applicant cancels their interview, until BOOKING_CUTOFF before it; with a `reason`,
    the Secretariat (`person`) cancels it, at any time."""
    now = now or timezone.now()
    by_secretariat = _secretariat_change(reason)
    with transaction.atomic():
        eoi = ExpressionOfInterest.objects.select_for_update().select_related("call").get(pk=eoi.pk)
        booking = live_bookings().filter(eoi=eoi).select_related("slot").first()
        if booking is None:
            raise DomainError(_("There is no interview to cancel."))
        if not by_secretariat and not is_changeable(booking, now):
            raise DomainError(too_late_to_change())
        booking.cancelled_at = now
        booking.sequence += 1
        booking.secretariat_reason = reason or ""
        booking.save(update_fields=["cancelled_at", "sequence", "secretariat_reason"])
        booking.eoi = eoi
        details = {"starts": _call_time(booking.slot)}
        if by_secretariat:
            details["reason"] = reason
        trail.record(person, "interview.cancelled", eoi, **details)
        event = (
            Event.INTERVIEW_CANCELLED_BY_SECRETARIAT
            if by_secretariat
            else Event.INTERVIEW_CANCELLED
        )
        _mail(booking, event, calendar.CANCEL)
    return booking


def _secretariat_change(reason):
    """Whether the Secretariat makes the change: it says why, the applicant does not."""
    if reason is None:
        return False
    if not reason.strip():
        raise DomainError(_("Say why: the applicant reads it."))
    return True


def assess(booking, notes, score, actor, now=None):
    """Record (or correct) the interview's notes and score, once its time has come."""
    now = now or timezone.now()
    call = booking.eoi.call
    if booking.cancelled_at is not None:
        raise DomainError(_("This interview was cancelled."))
    if booking.slot.starts_at > now:
        raise DomainError(_("Notes and a score are recorded once the interview has started."))
    if not 1 <= score <= call.score_scale_max:
        raise DomainError(
            _("Give a score from 1 to %(highest)d.") % {"highest": call.score_scale_max}
        )
    with transaction.atomic():
        corrected = booking.score is not None
        booking.notes, booking.score = notes, score
        booking.assessed_by, booking.assessed_at = actor, now
        booking.save(update_fields=["notes", "score", "assessed_by", "assessed_at"])
        trail.record(
            actor,
            "interview.assessed",
            booking.eoi,
            score=score,
            highest=call.score_scale_max,
            corrected=corrected,
        )
    return booking


def _call_time(slot):
    """A slot's start as the trail keeps it: in the call's time zone, naming it."""
    call = slot.stage.call
    return timezone.localtime(slot.starts_at, call.zone).strftime("%Y-%m-%d %H:%M ") + (
        call.time_zone
    )


def _mail(booking, event, method):
    eoi, slot = booking.eoi, booking.slot
    interviewers = list(slot.interviewers.all())
    attendees = [(str(eoi.owner), eoi.owner.email)] + [
        (str(person), person.email) for person in interviewers
    ]

    def invitation():
        # Called in each recipient's language: the event's title and text are in it.
        return calendar.invitation(
            booking,
            method,
            summary=_("Interview: %(reference)s, %(call)s")
            % {"reference": eoi.reference or eoi.title, "call": eoi.call.title},
            description=_("Interview about the expression of interest “%(title)s”.")
            % {"title": eoi.title},
            attendees=attendees,
        )

    notify.interview_mails(
        booking,
        event,
        invitation,
        applicant_url=reverse("interviews:booking", args=[eoi.uuid]),
        panel_url=reverse("interviews:assessment", args=[eoi.uuid]),
        interviewers=interviewers,
    )
