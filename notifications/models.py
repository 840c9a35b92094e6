from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .events import PLACEHOLDERS, WORDED, Event, check_placeholders


class EmailTemplate(models.Model):
    """The Secretariat's wording of one event's mail in one language, for one call."""

    call = models.ForeignKey(
        "submissions.Call", on_delete=models.CASCADE, related_name="email_templates"
    )
    event = models.CharField(_("event"), max_length=32, choices=WORDED)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(
        _("text"),
        help_text=_("Plain text. Placeholders in braces, e.g. {applicant_name}, are filled in."),
    )

    class Meta:
        verbose_name = _("email template")
        verbose_name_plural = _("email templates")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "event", "language"], name="one_template_per_event_and_language"
            )
        ]

    def __str__(self):
        return f"{self.call} · {self.get_event_display()} · {self.language}"

    def clean(self):
        if self.event in PLACEHOLDERS:  # otherwise the event's own field says what is wrong
            check_placeholders(self.event, self.subject, self.body)


class OutboundEmail(models.Model):
    """One mail, written in the transaction of the change that causes it, then delivered."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    key = models.CharField(
        _("event key"),
        max_length=200,
        unique=True,
        help_text=_("One mail per key: the same event never sends twice."),
    )
    event = models.CharField(_("event"), max_length=32, choices=Event)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"))
    # Files sent with the mail, kept with it so that every retry and resend sends them too:
    # [{"filename", "content_type", "content" (text), "method" (a calendar's iTIP method)}].
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, db_index=True)
    # Until then a queued or running task answers for this mail; empty when none does (its
    # publish failed, or it waits for a retry), and the sweep queues it as soon as it is due.
    leased_until = models.DateTimeField(_("with a worker until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The provider's ID for the mail it took (django-anymail): its webhook's events name it.
    provider_message_id = models.CharField(
        _("provider's message ID"), max_length=300, blank=True, db_index=True
    )
    call = models.ForeignKey(
        "submissions.Call", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    eoi = models.ForeignKey(
        "submissions.ExpressionOfInterest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="emails",
    )

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outbox")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class DeliveryEvent(models.Model):
    """What the email provider said happened to a mail after it took it: delivered, bounced,
    a complaint… (django-anymail's tracking webhook)."""

    email = models.ForeignKey(
        OutboundEmail,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="delivery_events",
        help_text=_("Empty when the provider named a mail this site did not send."),
    )
    kind = models.CharField(_("what happened"), max_length=32)
    recipient = models.EmailField(_("recipient"), blank=True)
    happened_at = models.DateTimeField(_("when"))
    description = models.TextField(_("the provider's words"), blank=True)
    provider = models.CharField(_("provider"), max_length=40)
    provider_event_id = models.CharField(_("provider's event ID"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery event")
        verbose_name_plural = _("delivery events")
        ordering = ["happened_at", "pk"]
        constraints = [
            # A webhook the provider sends again (it got no answer in time) is recorded once.
            models.UniqueConstraint(
                fields=["provider", "provider_event_id"],
                condition=~models.Q(provider_event_id=""),
                name="one_delivery_event_per_provider_id",
            )
        ]

    def __str__(self):
        return f"{self.kind} · {self.recipient}"
