"""The mails sent to a person, in their data download and at account deletion (signals of
accounts/privacy.py)."""

from django.dispatch import receiver

from accounts.privacy import account_deleting, personal_data_requested

from .models import OutboundEmail


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
    """The outbox keeps that a mail went out, not to whom or what it said."""
    user_emails(user).update(to="deleted@invalid", body_text="", body_html="")
