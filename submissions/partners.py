"""The partners an application names, as Partner rows, and the balance of power in figures.

The partners are the rows of the question whose role is PARTNERS (read by balance.rows_of);
`sync` copies them to Partner rows on
every save of the answers (in its transaction, from submissions.domain), matching each row to
the partner of the same name, so that what a partner confirmed stays with it.

A confirmation link carries a random token and nothing else: no address, name or reference.
Only the token's SHA-256 is stored; it expires (settings.PARTNER_LINK_DAYS) and works once.
"""

import hashlib
import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from .balance import FIELDS, HUNDRED, rows_of, tidy
from .models import ExpressionOfInterest, Partner

CENT = Decimal("0.01")
Confirmation = Partner.Confirmation
# What a partner confirms: a change of any of these by the lead asks the partner again (whether
# it is named to reviewers too: it confirmed on a page that said so).
CONFIRMED_FIELDS = ("country", "role", "budget_share", "locally_led", "anonymous")
# What `sync` writes on a partner: its place, what the answers say, and its confirmation.
SYNCED_FIELDS = ("position", *FIELDS.values(), "confirmation", "token_hash")


def lead_share(partners):
    """What the lead keeps: 100 − the partners' shares (never below nothing)."""
    given = sum((p.budget_share or 0 for p in partners), Decimal(0))
    return max(HUNDRED - given, Decimal(0))


def confirmed_snapshot(partner):
    """What the partner answered about, as JSON keeps it."""
    snapshot = {field: getattr(partner, field) for field in CONFIRMED_FIELDS}
    snapshot["country"] = str(snapshot["country"] or "")
    share = snapshot["budget_share"]
    snapshot["budget_share"] = None if share is None else str(Decimal(share).quantize(CENT))
    return snapshot


def sync(eoi, definition, answers):
    """Copy the answers' partners to Partner rows (in the caller's transaction), matched by
    name: a partner whose confirmed row changed is asked again (pending), one removed from the
    answers goes with its confirmation, one whose address changed loses its unused link.
    Returns the partners whose confirmation went back to pending."""
    existing = {}
    for partner in Partner.objects.filter(eoi=eoi):
        existing.setdefault(tidy(partner.name).casefold(), []).append(partner)
    kept, reset = [], []
    for position, row in enumerate(rows_of(definition, answers), start=1):
        matches = existing.get(row["name"].casefold())
        partner = matches.pop(0) if matches else Partner(eoi=eoi)
        partner.position = position
        email_changed = partner.pk and partner.email.casefold() != row["email"].casefold()
        for field, value in row.items():
            setattr(partner, field, value)
        if email_changed:
            partner.token_hash, partner.token_expires_at = "", None
        answered = partner.confirmation in (Confirmation.CONFIRMED, Confirmation.DECLINED)
        if answered and partner.answered != confirmed_snapshot(partner):
            partner.confirmation = Confirmation.PENDING
            partner.token_hash, partner.token_expires_at = "", None
            reset.append(partner)
        partner.save()
        kept.append(partner.pk)
    Partner.objects.filter(eoi=eoi).exclude(pk__in=kept).delete()
    count_confirmed(eoi)
    return reset


def count_confirmed(eoi):
    confirmed = Partner.objects.filter(eoi=eoi, confirmation=Confirmation.CONFIRMED).count()
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(partners_confirmed=confirmed)
    eoi.partners_confirmed = confirmed


def awaiting(eoi):
    """The partners named with an address that have not confirmed (a call may require it)."""
    return (
        Partner.objects.filter(eoi=eoi)
        .exclude(email="")
        .exclude(confirmation=Confirmation.CONFIRMED)
    )


# ---- Links -----------------------------------------------------------------------------------


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def new_link(partner, now=None):
    """A new token for the partner (the one before stops working); the token itself is in the
    mail only."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)  # 256 random bits: not guessed, however many tries
    partner.token_hash = digest(token)
    partner.token_expires_at = now + timedelta(days=settings.PARTNER_LINK_DAYS)
    return token


def by_token(token, now=None):
    """The partner a link is for, or None: unknown, used, replaced or expired alike."""
    if not token or len(token) > 100:
        return None
    now = now or timezone.now()
    return (
        Partner.objects.select_related("eoi", "eoi__call", "eoi__owner")
        .filter(token_hash=digest(token), token_expires_at__gt=now)
        .exclude(eoi__status=ExpressionOfInterest.Status.WITHDRAWN)
        .first()
    )


def for_user(user):
    """The partners whose address is one the user verified and that were asked: they may
    answer from their account. Never a row of the user's own application: a lead does not
    confirm what they said of a partner themselves. (A co-applicant does, for their own
    organisation's row: they were invited at that address and accepted with it.)"""
    from allauth.account.models import EmailAddress

    emails = list(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )
    if not emails:
        return Partner.objects.none()
    query = Q()
    for email in emails:
        query |= Q(email__iexact=email)
    return (
        Partner.objects.filter(query, confirmation=Confirmation.PENDING)
        .exclude(eoi__status=ExpressionOfInterest.Status.WITHDRAWN)
        .exclude(eoi__owner=user)
    )


def leads_addresses(eoi):
    """The lead applicant's addresses, in lower case: a partner named with one of them is not
    sent a link, which would let the lead confirm for it."""
    from allauth.account.models import EmailAddress

    addresses = set(EmailAddress.objects.filter(user=eoi.owner_id).values_list("email", flat=True))
    addresses.add(eoi.owner.email)
    return {address.lower() for address in addresses}


def counts(eois):
    """How many partners of these EOIs confirmed, declined, were asked without answering."""
    return Partner.objects.filter(eoi__in=eois).aggregate(
        **{state: Count("pk", filter=Q(confirmation=state)) for state in Confirmation.values}
    )
