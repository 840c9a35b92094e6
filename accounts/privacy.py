"""What the platform keeps about a person, handed over or erased on request.

Retention rule: drafts are deleted 90 days after their call closes; submitted expressions of
interest, their reviews and files are kept for five years after the call closes (the Fund's
accountability to its donors), then deleted. A person who deletes their account loses their
drafts at once; their submitted EOIs stay, detached from their name and address, until the
five years are over.

This module knows the account; each app that keeps more about a person answers the signals
below from its own privacy.py (connected in its AppConfig.ready()), so that accounts, which the
other apps build on, imports none of them (docs/ARCHITECTURE.md).
"""

import uuid

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from audit import trail

# Each receiver returns {section name: plain data} about `user` for the data download.
personal_data_requested = Signal()
# Each receiver erases or detaches what it keeps about `user`, inside the deletion's transaction.
account_deleting = Signal()
# Each receiver deletes what the retention rule no longer allows at `now`; returns {what: count}.
retention_due = Signal()


def personal_data(user):
    """Everything kept about `user`, as plain data for a JSON download."""
    data = {
        "account": {
            "email": user.email,
            "name": user.name,
            "organisation": user.organisation,
            "country": user.country.code,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        }
    }
    for _receiver, sections in personal_data_requested.send(sender=None, user=user):
        data.update(sections)
    return data


@transaction.atomic
def delete_account(user):
    """Erase the person: drafts go, submitted EOIs stay without their name, the login ends."""
    account_deleting.send(sender=None, user=user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    trail.record(None, "account.deleted", user)
    user.email = f"deleted-{uuid.uuid4().hex}@invalid"
    user.name = user.organisation = ""
    user.country = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()


@transaction.atomic
def apply_retention(now=None):
    """Delete what the retention rule no longer allows us to keep. Returns what was deleted."""
    counts = {}
    for _receiver, deleted in retention_due.send(sender=None, now=now or timezone.now()):
        counts.update(deleted)
    return counts
