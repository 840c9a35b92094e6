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
    mails.update(to="deleted@invalid", body_text="", body_html="")
