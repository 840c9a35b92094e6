"""Every change to an expression of interest, with its side effects, happens here.

Views and tasks call these functions; they validate, save, write the audit trail and queue the
mail after the transaction commits, so a change that rolls back leaves no trace anywhere.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import trail

from .models import (
    MAX_PERSONNEL_SHARE,
    Attachment,
    ExpressionOfInterest,
    Extension,
    ReferenceCounter,
)

Status = ExpressionOfInterest.Status

# Who may move an EOI from which status to which; decisions are the review app's.
APPLICANT_TRANSITIONS = {
    Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
    Status.SUBMITTED: {Status.WITHDRAWN},
}
EDITABLE_STATUSES = {Status.DRAFT, Status.SUBMITTED}


class DomainError(Exception):
    """A change that cannot be made, with a message for the person who asked for it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class CallNotOpen(DomainError):
    pass


class AlreadyApplied(DomainError):
    def __init__(self, message, eoi):
        super().__init__(message)
        self.eoi = eoi


class EditConflict(DomainError):
    pass


class Incomplete(DomainError):
    def __init__(self, message, missing):
        super().__init__(message)
        self.missing = missing


@dataclass(frozen=True)
class MissingItem:
    step: str
    message: str


def deadline_for(eoi):
    """The call's deadline, or the later one the Secretariat granted this applicant."""
    if hasattr(eoi, "extension_until"):  # annotated by selectors.applicant_eois
        extended = eoi.extension_until
    else:
        extended = (
            Extension.objects.filter(call_id=eoi.call_id, applicant_id=eoi.owner_id)
            .values_list("until", flat=True)
            .first()
        )
    return max(eoi.call.closes_at, extended) if extended else eoi.call.closes_at


def is_editable(eoi, now=None):
    now = now or timezone.now()
    return eoi.status in EDITABLE_STATUSES and eoi.call.opens_at <= now < deadline_for(eoi)


def start_eoi(call, applicant, now=None):
    """The applicant's EOI in this call: the one they have, or a new draft."""
    now = now or timezone.now()
    with transaction.atomic():
        # Serialises two "apply" clicks of one person, so only one draft comes of them.
        get_user_model().objects.select_for_update().only("pk").get(pk=applicant.pk)
        existing = (
            ExpressionOfInterest.objects.filter(call=call, owner=applicant)
            .exclude(status=Status.WITHDRAWN)
            .first()
        )
        if existing and call.one_eoi_per_applicant:
            return existing
        if (
            not call.is_open(now)
            and not Extension.objects.filter(call=call, applicant=applicant, until__gt=now).exists()
        ):
            raise CallNotOpen(_("This call does not accept expressions of interest now."))
        eoi = ExpressionOfInterest.objects.create(
            call=call,
            owner=applicant,
            organisation_name=applicant.organisation,
            organisation_country=applicant.country,
        )
        trail.record(applicant, "eoi.started", eoi)
    return eoi


def save_answers(eoi, actor, version, fields, many_to_many=None):
    """Save some of the answers, unless someone saved the EOI since `version` was read.

    Returns the EOI as saved. Raises EditConflict when another tab or window saved first.
    """
    now = timezone.now()
    with transaction.atomic():
        saved = ExpressionOfInterest.objects.filter(pk=eoi.pk, version=version).update(
            **fields, version=F("version") + 1, updated_at=now
        )
        if not saved:
            raise EditConflict(
                _(
                    "This expression of interest was changed in another tab or window. "
                    "Your text is still below: copy what you need, then reload the page."
                )
            )
        for name, values in (many_to_many or {}).items():
            getattr(eoi, name).set(values)
        if eoi.status == Status.SUBMITTED:
            trail.record(
                actor,
                "eoi.edited_after_submission",
                eoi,
                fields=sorted([*fields, *(many_to_many or {})]),
            )
    eoi.refresh_from_db()
    return eoi


def missing_items(eoi):
    """Everything that must be answered before the EOI can be submitted, by step."""
    missing = []

    def need(step, present, message):
        if not present:
            missing.append(MissingItem(step, message))

    need("organisation", eoi.organisation_name, _("The name of the lead organisation"))
    need("organisation", eoi.organisation_type, _("The type of organisation"))
    need("organisation", eoi.organisation_country, _("The country where it is based"))
    need("project", eoi.title, _("The project title"))
    need("project", eoi.summary, _("The summary"))
    need("project", eoi.problem_context, _("The problem and context"))
    need("project", eoi.activities_timeline, _("The activities and timeline"))
    need("project", eoi.outcomes_uptake, _("The expected outcomes and knowledge uptake"))
    need("project", eoi.countries, _("At least one country of focus"))
    need("project", eoi.duration_months, _("The duration"))
    if eoi.duration_months and eoi.duration_months > eoi.call.max_duration_months:
        missing.append(
            MissingItem(
                "project",
                _("A duration of at most %(months)d months")
                % {"months": eoi.call.max_duration_months},
            )
        )
    need("challenges", eoi.challenges.exists(), _("At least one challenge"))
    need("challenges", eoi.asymmetry, _("How the initiative addresses asymmetric power"))
    need("budget", eoi.budget_requested, _("The budget requested"))
    if eoi.budget_requested and eoi.budget_requested > eoi.call.max_amount:
        missing.append(
            MissingItem(
                "budget",
                _("A budget of at most €%(amount)s") % {"amount": f"{eoi.call.max_amount:,.0f}"},
            )
        )
    need("budget", eoi.personnel_share is not None, _("The share of personnel costs"))
    if eoi.personnel_share is not None and eoi.personnel_share > MAX_PERSONNEL_SHARE:
        missing.append(MissingItem("budget", _("Personnel costs of at most 30% of the budget")))
    need(
        "attachments",
        eoi.attachments.filter(kind=Attachment.Kind.BUDGET).exists(),
        _("The budget on the KMF template"),
    )
    return missing


def _next_reference(call):
    """The call's next reference, gap-free: the counter row stays locked until commit."""
    ReferenceCounter.objects.bulk_create([ReferenceCounter(call=call)], ignore_conflicts=True)
    counter = ReferenceCounter.objects.select_for_update().get(call=call)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return f"{call.reference_prefix}-{counter.last_number:04d}"


def submit_eoi(eoi, actor, declarations, now=None):
    """Submit a complete EOI before its deadline: reference, audit entry, receipt email."""
    from .tasks import send_submission_receipt

    now = now or timezone.now()
    with transaction.atomic():
        eoi = (
            ExpressionOfInterest.objects.select_for_update(of=("self",))
            .select_related("call")
            .get(pk=eoi.pk)
        )
        if eoi.status != Status.DRAFT:
            raise DomainError(_("This expression of interest has been submitted already."))
        if not is_editable(eoi, now):
            raise CallNotOpen(
                _("The deadline has passed: this expression of interest can no longer be sent.")
            )
        eoi.declares_accuracy = declarations["declares_accuracy"]
        eoi.declares_consent = declarations["declares_consent"]
        missing = missing_items(eoi)
        if not (eoi.declares_accuracy and eoi.declares_consent):
            missing.append(MissingItem("submit", _("Both declarations")))
        if missing:
            raise Incomplete(_("Some answers are still missing."), missing)
        eoi.reference = eoi.reference or _next_reference(eoi.call)
        eoi.status = Status.SUBMITTED
        eoi.submitted_at = now
        eoi.updated_at = now
        eoi.version = F("version") + 1
        eoi.save()
        trail.record(actor, "eoi.submitted", eoi, reference=eoi.reference, status=Status.SUBMITTED)
        eoi_id = eoi.pk
        transaction.on_commit(lambda: send_submission_receipt.delay(eoi_id))
    eoi.refresh_from_db()
    return eoi


def withdraw_eoi(eoi, actor):
    with transaction.atomic():
        eoi = ExpressionOfInterest.objects.select_for_update().get(pk=eoi.pk)
        if Status.WITHDRAWN not in APPLICANT_TRANSITIONS.get(eoi.status, set()):
            raise DomainError(_("This expression of interest can no longer be withdrawn."))
        previous = eoi.status
        eoi.status = Status.WITHDRAWN
        eoi.version = F("version") + 1
        eoi.updated_at = timezone.now()
        eoi.save(update_fields=["status", "version", "updated_at"])
        trail.record(actor, "eoi.withdrawn", eoi, previous_status=previous)
    eoi.refresh_from_db()
    return eoi


def add_attachment(eoi, actor, kind, upload, sniffed):
    """Store an uploaded file under a random name; a new budget file replaces the old one."""
    with transaction.atomic():
        if kind == Attachment.Kind.BUDGET:
            for old in eoi.attachments.filter(kind=kind):
                remove_attachment(old, actor, replacing=True)
        attachment = Attachment(
            eoi=eoi,
            kind=kind,
            original_name=sniffed.safe_name,
            content_type=sniffed.content_type,
            extension=sniffed.extension,
            size=upload.size,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        if eoi.status == Status.SUBMITTED:
            trail.record(
                actor, "eoi.attachment_added", eoi, file=attachment.original_name, kind=kind
            )
    return attachment


def remove_attachment(attachment, actor, replacing=False):
    eoi = attachment.eoi
    if (
        eoi.status == Status.SUBMITTED
        and attachment.kind == Attachment.Kind.BUDGET
        and not replacing
    ):
        raise DomainError(
            _(
                "A submitted expression of interest keeps its budget: "
                "upload a new file to replace it."
            )
        )
    with transaction.atomic():
        attachment.delete()
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        if eoi.status == Status.SUBMITTED:
            trail.record(
                actor,
                "eoi.attachment_removed",
                eoi,
                file=attachment.original_name,
                kind=attachment.kind,
            )
        stored = attachment.file
        transaction.on_commit(lambda: stored.storage.delete(stored.name))


def save_partners(eoi, actor, formset):
    """Save the partners formset of a step; edits after submitting go on the record."""
    if not formset.has_changed():
        return
    with transaction.atomic():
        formset.save()
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
            version=F("version") + 1, updated_at=timezone.now()
        )
        if eoi.status == Status.SUBMITTED:
            trail.record(actor, "eoi.edited_after_submission", eoi, fields=["partners"])
