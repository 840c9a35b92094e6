"""What the email provider reports after it took a mail (django-anymail's tracking webhook):
each report is kept on its mail, and an address that bounces or complains is flagged on the
account it belongs to, so that the Secretariat knows a receipt or decision did not arrive."""

from anymail.signals import EventType
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import DeliveryEvent, OutboundEmail

# Reports that say the address itself does not take mail, or does not want ours.
BOUNCED = {EventType.BOUNCED}
COMPLAINED = {EventType.COMPLAINED}
# A provider refusing to send to an address it saw bounce (or marked as spam) before.
REFUSED_FOR = {"bounced": "bounced", "invalid": "bounced", "spam": "complained"}


def record(event, provider):
    """Keep one tracking event; flag the recipient's account when the address is a problem.
    A report the provider sends again is kept once. Returns the event's row, or None."""
    email = None
    if event.message_id:
        email = OutboundEmail.objects.filter(provider_message_id=event.message_id).first()
    recipient = (event.recipient or (email.to if email else ""))[:254]
    happened_at = event.timestamp or timezone.now()
    try:
        with transaction.atomic():
            kept = DeliveryEvent.objects.create(
                email=email,
                kind=event.event_type,
                recipient=recipient,
                happened_at=happened_at,
                description=(event.description or event.mta_response or "")[:2000],
                provider=provider,
                provider_event_id=event.event_id or "",
            )
    except IntegrityError:
        return None  # already received
    problem = _problem(event)
    if email is None:
        # A mail this site did not send (a provider account shared with a newsletter): kept,
        # but it says nothing about our mail reaching that person.
        return kept
    if recipient and problem:
        _flag(recipient, problem, happened_at)
    elif recipient and event.event_type == EventType.DELIVERED:
        # The address takes mail again (the mailbox was full, the domain came back).
        get_user_model().objects.filter(
            email__iexact=recipient, mail_problem="bounced", mail_problem_at__lte=happened_at
        ).update(mail_problem="", mail_problem_at=None)
    return kept


def _problem(event):
    if event.event_type in BOUNCED:
        return "bounced"
    if event.event_type in COMPLAINED:
        return "complained"
    if event.event_type == EventType.REJECTED:
        return REFUSED_FOR.get(event.reject_reason)
    return None


def _flag(address, problem, since):
    users = get_user_model().objects.filter(email__iexact=address)
    # A complaint outweighs a bounce: it says the person does not want the mail at all.
    if problem == "bounced":
        users = users.exclude(mail_problem="complained")
    users.update(mail_problem=problem, mail_problem_at=since)


def on_tracking(sender, event, esp_name, **kwargs):
    record(event, esp_name)
