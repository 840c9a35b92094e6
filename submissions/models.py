import zoneinfo
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .validators import validate_reminder_offsets, validate_time_zone


def default_reminder_offsets():
    return [7 * 24, 2 * 24, 24]


@dataclass(frozen=True)
class TimelineStep:
    date: date
    title: str
    is_deadline: bool = False


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open(self, now=None):
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)

    def upcoming(self, now=None):
        return self.filter(opens_at__gt=now or timezone.now())

    def closed(self, now=None):
        return self.filter(closes_at__lte=now or timezone.now())


class Call(models.Model):
    """A themed call for expressions of interest, configured by the Secretariat."""

    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    headline = models.CharField(_("thematic headline"), max_length=200)
    body = models.TextField(_("call text"), help_text=_("Markdown."))
    eligibility = models.TextField(_("who may apply"), blank=True, help_text=_("Markdown."))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("EOI deadline"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Amsterdam",
        validators=[validate_time_zone],
        help_text=_("Deadlines are announced in this time zone."),
    )
    max_amount = models.DecimalField(
        _("maximum grant (€)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("20000"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    max_duration_months = models.PositiveSmallIntegerField(
        _("maximum duration (months)"), default=9
    )
    reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=12,
        help_text=_("EOI references are this prefix, a dash and a number: KMF21-0001."),
    )
    one_eoi_per_applicant = models.BooleanField(_("one EOI per applicant"), default=True)
    reviews_per_eoi = models.PositiveSmallIntegerField(_("reviews per EOI"), default=3)
    blind_review = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_("Reviewers see no applicant, organisation or partner names."),
    )
    score_scale_max = models.PositiveSmallIntegerField(
        _("highest score"),
        default=5,
        validators=[MinValueValidator(2)],
        help_text=_("Criteria are scored from 1 to this number."),
    )
    reminder_offsets = models.JSONField(
        _("reminder offsets (hours before the deadline)"),
        default=default_reminder_offsets,
        validators=[validate_reminder_offsets],
    )
    contact_email = models.EmailField(_("contact address"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_it_opens",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("submissions:call_detail", kwargs={"slug": self.slug})

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_upcoming(self, now=None):
        return (now or timezone.now()) < self.opens_at

    def timeline(self):
        """The call's steps in date order: its opening, its milestones and the EOI deadline."""
        steps = [
            TimelineStep(timezone.localtime(self.opens_at, self.zone).date(), _("Call opens")),
            TimelineStep(
                timezone.localtime(self.closes_at, self.zone).date(),
                _("Deadline for expressions of interest"),
                is_deadline=True,
            ),
            *(TimelineStep(m.date, m.title) for m in self.milestones.all()),
        ]
        return sorted(steps, key=lambda step: step.date)


class Challenge(models.Model):
    """One of the challenges a call asks applicants to address."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="challenges")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["call", "number"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="unique_challenge_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Milestone(models.Model):
    """A step of the call's timeline besides its opening and its EOI deadline."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["call", "date"]

    def __str__(self):
        return self.title


class Question(models.Model):
    """A frequently asked question about a call, with its answer."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer"), help_text=_("Markdown."))

    class Meta:
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")
        ordering = ["call", "position"]

    def __str__(self):
        return self.question
