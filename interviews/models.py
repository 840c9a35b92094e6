"""Interview slots, bookings and notes for the shortlisted (issue 15, item 4)."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Slot(models.Model):
    """A time the Secretariat offers for one interview of a call's interview stage."""

    stage = models.ForeignKey(
        "submissions.Stage",
        on_delete=models.CASCADE,
        related_name="interview_slots",
        limit_choices_to={"kind": "interview"},
        verbose_name=_("stage"),
    )
    starts_at = models.DateTimeField(_("starts at"))
    duration_minutes = models.PositiveSmallIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(10), MaxValueValidator(240)]
    )
    location = models.CharField(
        _("where or how"),
        max_length=300,
        help_text=_("A place, or how the call is held (for instance “Video call”)."),
    )
    video_url = models.URLField(_("video link"), blank=True, max_length=500)
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="interview_slots",
        verbose_name=_("interviewers"),
    )  # fmt: skip
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("interview slot")
        verbose_name_plural = _("interview slots")
        ordering = ["starts_at", "pk"]

    def __str__(self):
        return f"{self.stage.call} · {self.starts_at:%Y-%m-%d %H:%M} UTC"

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Booking(models.Model):
    """The slot an applicant picked for their EOI's interview, and what the interview gave.

    A cancelled booking stays, for the trail; a slot and an EOI have one live booking each (the
    constraints: of two applicants racing for a slot, the database lets one in). Moving to
    another slot keeps the booking, so the calendar event keeps its UID and counts a new
    SEQUENCE."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("slot")
    )
    eoi = models.ForeignKey(
        "submissions.ExpressionOfInterest",
        on_delete=models.CASCADE,
        related_name="interview_bookings",
        verbose_name=_("expression of interest"),
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    booked_at = models.DateTimeField(_("booked at"), auto_now_add=True)
    # The zone the applicant saw the slots in: their mails name the time in it.
    time_zone = models.CharField(_("applicant's time zone"), max_length=64, blank=True)
    # The calendar event's revision (RFC 5545 SEQUENCE): each move or cancellation adds one.
    sequence = models.PositiveIntegerField(default=0)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Why the Secretariat last moved or cancelled it (an interviewer fell ill), for the
    # applicant's page and mail; empty when the applicant made the last change.
    secretariat_reason = models.TextField(_("the Secretariat's reason"), blank=True)
    notes = models.TextField(_("interview notes"), blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    assessed_at = models.DateTimeField(_("notes recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("interview booking")
        verbose_name_plural = _("interview bookings")
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot"], condition=Q(cancelled_at=None), name="one_live_booking_per_slot"
            ),
            models.UniqueConstraint(
                fields=["eoi"], condition=Q(cancelled_at=None), name="one_live_booking_per_eoi"
            ),
        ]

    def __str__(self):
        return f"{self.eoi} · {self.slot}"

    @property
    def is_assessed(self):
        return self.score is not None
