"""Every change to a grant, with its audit entry."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import trail
from core.money import euros
from notifications import notify
from submissions.lifecycle import DomainError
from submissions.models import Call, CoApplicant, ExpressionOfInterest

from .models import Grant
from .selectors import committed, may_hold_a_grant


class Stale(DomainError):
    """The grant changed since the form was opened."""


def record_grant(eoi, amount, conditions, actor, version=None, now=None):
    """Record the grant of an EOI recommended or awarded, or change it (`version`: the one the
    form showed). The amount is above zero, at most the call's maximum and the amount asked,
    and the call's grants together stay within its funds available. Changing a grant whose
    letter was issued withdraws the letter: the Secretariat issues it again. Returns the grant."""
    now = now or timezone.now()
    with transaction.atomic():
        # The call's row first: two grants recorded at once are checked one after the other
        # against the funds, so together they never spend more than there is.
        call = Call.objects.select_for_update().get(pk=eoi.call_id)
        eoi = (
            ExpressionOfInterest.objects.select_for_update(of=("self",))
            .select_related("stage")
            .get(pk=eoi.pk)
        )
        if not may_hold_a_grant(eoi):
            raise DomainError(
                _("%(eoi)s is not recommended for an award: no grant can be recorded.")
                % {"eoi": eoi.reference or eoi.title}
            )
        grant = Grant.objects.select_for_update().filter(eoi=eoi).first()
        if grant is not None and version is not None and version != grant.version:
            raise Stale(
                _(
                    "Someone changed this grant while you were editing it: it is now %(amount)s. "
                    "Yours is kept in the form: save again to replace it."
                )
                % {"amount": euros(grant.amount, 2)}
            )
        _check_amount(call, eoi, amount, grant)
        before = None if grant is None else (grant.amount, grant.conditions)
        if grant is None:
            grant = Grant(eoi=eoi, version=0)
        elif before == (amount, conditions):
            return grant  # nothing changed: no entry, and the letter stays issued
        withdrawn = grant.letter_issued_at is not None
        grant.amount, grant.conditions = amount, conditions
        grant.recorded_by, grant.recorded_at = actor, now
        grant.letter_issued_at = None
        grant.version += 1
        grant.save()
        details = {"amount": str(amount), "conditions": conditions}
        if before is None:
            trail.record(actor, "grant.recorded", eoi, **details)
        else:
            trail.record(
                actor,
                "grant.changed",
                eoi,
                **details,
                amount_before=str(before[0]),
                letter_withdrawn=withdrawn,
            )
    return grant


def _check_amount(call, eoi, amount, grant):
    if amount is None or amount <= 0:
        raise DomainError(_("A grant is more than €0."))
    if amount > call.max_amount:
        raise DomainError(
            _("The call grants at most %(max)s.") % {"max": euros(call.max_amount, 2)}
        )
    if eoi.budget_requested is not None and amount > eoi.budget_requested:
        raise DomainError(
            _("%(eoi)s asked for %(asked)s: a grant is at most what was asked.")
            % {"eoi": eoi.reference or eoi.title, "asked": euros(eoi.budget_requested, 2)}
        )
    if call.budget_available is not None:
        left = call.budget_available - committed(call, leaving_out=grant)
        if amount > left:
            raise DomainError(
                _(
                    "The call has %(left)s left of the %(available)s available: this grant "
                    "would overspend it by %(over)s."
                )
                % {
                    "left": euros(max(left, 0), 2),
                    "available": euros(call.budget_available, 2),
                    "over": euros(amount - max(left, 0), 2),
                }
            )


def issue_letter(grant, actor, now=None):
    """Issue the grant letter: once the EOI is awarded, its applicants download it from their
    page. Issuing it again (after a change) is recorded again."""
    now = now or timezone.now()
    with transaction.atomic():
        grant = (
            Grant.objects.select_for_update(of=("self",))
            .select_related("eoi__stage")
            .get(pk=grant.pk)
        )
        if not may_hold_a_grant(grant.eoi):
            raise DomainError(_("This expression of interest no longer holds a grant."))
        if grant.letter_issued_at is not None:
            return grant
        grant.letter_issued_at = now
        grant.save(update_fields=["letter_issued_at"])
        trail.record(actor, "grant.letter_issued", grant.eoi, amount=str(grant.amount))
        if grant.eoi.status == ExpressionOfInterest.Status.AWARDED:
            tell_applicants(grant)
    return grant


def tell_applicants(grant):
    """The mail that the letter is ready, to the lead and each co-applicant: when it is issued
    for an awarded EOI, or when an EOI whose letter was issued is awarded (receivers.py)."""
    coapplicants = [
        link.user
        for link in CoApplicant.objects.active().filter(eoi=grant.eoi).select_related("user")
    ]
    notify.grant_letter_issued(grant, coapplicants=coapplicants)
