"""The mails sent to a person, in their data download and at account deletion (signals of
accounts/privacy.py)."""

from django.db.models import Q
from django.dispatch import receiver

from accounts.privacy import account_deleting, personal_data_requested

from .models import DeliveryEvent, OutboundEmail


def user_emails(user):
    return OutboundEmail.objects.filter(recipient=user)


@receiver(personal_data_requested)
def personal_data(sender, user, **kwargs):
    return {
        "emails_sent": list(
            user_emails(user).values("created_at", "subject", "status").order_by("created_at")
        )
    }


@receiver(account_deleting)
def forget_address(sender, user, **kwargs):
    """The outbox keeps that a mail went out, not to whom or what it said, nor what the
    provider reported of it (its words often quote the address)."""
    addresses = {user.email, *user.emailaddress_set.values_list("email", flat=True)}
    to_them = Q()
    for address in addresses:
        to_them |= Q(to__iexact=address)
    mails = OutboundEmail.objects.filter(Q(recipient=user) | to_them)
    reported = Q()
    for address in addresses:
        reported |= Q(recipient__iexact=address)
    DeliveryEvent.objects.filter(Q(email__in=mails) | reported).update(recipient="", description="")
    mails.update(to="deleted@invalid", body_text="", body_html="", attachments=[])
    # A calendar invitation names its attendee: the copies sent to the interviewers or the
    # Secretariat carry the person's name and address in their attachment. They are few.
    lowered = {address.lower() for address in addresses}
    naming_them = [
        mail.pk
        for mail in OutboundEmail.objects.exclude(attachments=[]).only("attachments")
        if any(address in _unfolded(mail.attachments) for address in lowered)
    ]
    OutboundEmail.objects.filter(pk__in=naming_them).update(attachments=[])


def _unfolded(attachments):
    """The attachments' text in lower case, a calendar's long lines joined again (RFC 5545
    folds them at 75 octets, an address may be cut in two)."""
    return (
        "".join(str(part.get("content", "")) for part in attachments).replace("\r\n ", "").lower()
    )
