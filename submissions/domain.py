"""Every change to an expression of interest, with its side effects, happens here.

Views and tasks call these functions; they validate, save, write the audit trail and queue the
mail after the transaction commits, so a change that rolls back leaves no trace anywhere. A
change of status goes through lifecycle.change_status, which does all of that for it.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import trail
from core.money import euros

from . import lifecycle
from .lifecycle import DomainError
from .models import (
    MAX_PERSONNEL_SHARE,
    Attachment,
    ExpressionOfInterest,
    Extension,
    ReferenceCounter,
)

logger = logging.getLogger(__name__)

Status = ExpressionOfInterest.Status

# Beside its budget, an EOI carries at most this many supporting documents.
MAX_SUPPORTING_FILES = 10


class CallNotOpen(DomainError):
    pass


class AlreadyApplied(DomainError):
    def __init__(self, message, eoi):
        super().__init__(message)
        self.eoi = eoi


class EditConflict(DomainError):
    pass


class NotEditable(DomainError):
    pass


class StorageFault(DomainError):
    """A file could not be stored: a full disk, an unwritable folder, an unreachable bucket."""


class Incomplete(DomainError):
    def __init__(self, message, missing):
        super().__init__(message)
        self.missing = missing


@dataclass(frozen=True)
class MissingItem:
    step: str
    message: str


def is_editable(eoi, now=None):
    return eoi.status in lifecycle.EDITABLE_STATUSES and lifecycle.before_deadline(eoi, now)


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


def ensure_editable(eoi, now=None):
    if not is_editable(eoi, now):
        raise NotEditable(_("This expression of interest can no longer be changed."))


def save_step(eoi, actor, version, fields, many_to_many=None, partners=None):
    """Save the changed answers of one step, and its partners, as one new version.

    `version` is the one the page was built from: when someone saved the EOI since (another tab
    or window), nothing is written and EditConflict is raised. Nothing changed, nothing written.
    """
    many_to_many = many_to_many or {}
    partners_changed = partners is not None and partners.has_changed()
    changed = sorted([*fields, *many_to_many, *(["partners"] if partners_changed else [])])
    if not changed:
        return eoi
    ensure_editable(eoi)
    with transaction.atomic():
        saved = ExpressionOfInterest.objects.filter(pk=eoi.pk, version=version).update(
            **fields, version=F("version") + 1, updated_at=timezone.now()
        )
        if not saved:
            raise EditConflict(
                _(
                    "This expression of interest was changed in another tab or window. "
                    "Your text is still below: copy what you need, then reload the page."
                )
            )
        for name, values in many_to_many.items():
            getattr(eoi, name).set(values)
        if partners_changed:
            partners.save()
        if eoi.status == Status.SUBMITTED:
            trail.record(actor, "eoi.edited_after_submission", eoi, fields=changed)
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
                _("A budget of at most %(amount)s") % {"amount": euros(eoi.call.max_amount)},
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
    now = now or timezone.now()
    with transaction.atomic():
        eoi = lifecycle.locked_eois(pk=eoi.pk).get()
        try:
            # The status and the deadline first: a late EOI is told so, not what it misses.
            lifecycle.check(eoi, Status.SUBMITTED, lifecycle.APPLICANT, now)
        except lifecycle.OutOfTime as late:
            raise CallNotOpen(late.message) from late
        eoi.declares_accuracy = declarations["declares_accuracy"]
        eoi.declares_consent = declarations["declares_consent"]
        missing = missing_items(eoi)
        if not (eoi.declares_accuracy and eoi.declares_consent):
            missing.append(MissingItem("submit", _("Both declarations")))
        if missing:
            raise Incomplete(_("Some answers are still missing."), missing)
        eoi.reference = eoi.reference or _next_reference(eoi.call)
        eoi.submitted_at = now
        eoi.save(
            update_fields=["declares_accuracy", "declares_consent", "reference", "submitted_at"]
        )
        return lifecycle.change_status(
            eoi, Status.SUBMITTED, actor, by=lifecycle.APPLICANT, now=now, reference=eoi.reference
        )


def withdraw_eoi(eoi, actor):
    """The applicant takes their EOI back before the deadline; its reviews stop counting
    (review.receivers)."""
    try:
        return lifecycle.change_status(eoi, Status.WITHDRAWN, actor, by=lifecycle.APPLICANT)
    except lifecycle.Refused as refusal:
        raise NotEditable(refusal.message) from refusal


def add_attachments(eoi, actor, budget=None, supporting=()):
    """Store uploaded files under random names; a new budget file replaces the old one.

    `budget` and `supporting` are uploads that carry what `uploads.sniff` found as `.sniffed`.
    All or nothing: when one file cannot be stored, no row is written and no file stays.
    """
    uploads = [(Attachment.Kind.BUDGET, budget)] if budget else []
    uploads += [(Attachment.Kind.SUPPORTING, upload) for upload in supporting]
    if not uploads:
        return []
    ensure_editable(eoi)
    stored = []
    try:
        with transaction.atomic():
            # One upload at a time per EOI, so two budget files cannot both become "the" budget
            # and two uploads side by side cannot pass the count of supporting documents.
            ExpressionOfInterest.objects.select_for_update().filter(pk=eoi.pk).first()
            already = eoi.attachments.filter(kind=Attachment.Kind.SUPPORTING).count()
            if supporting and already + len(supporting) > MAX_SUPPORTING_FILES:
                raise DomainError(
                    _("At most %(limit)d supporting documents, please.")
                    % {"limit": MAX_SUPPORTING_FILES}
                )
            if budget:
                for old in eoi.attachments.filter(kind=Attachment.Kind.BUDGET):
                    _delete_attachment(old)
            for kind, upload in uploads:
                attachment = Attachment(
                    eoi=eoi,
                    kind=kind,
                    original_name=upload.sniffed.safe_name,
                    content_type=upload.sniffed.content_type,
                    extension=upload.sniffed.extension,
                    size=upload.size,
                )
                stored.append(_store_file(eoi, attachment, upload))
                attachment.save()
            ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
                version=F("version") + 1, updated_at=timezone.now()
            )
            if eoi.status == Status.SUBMITTED:
                trail.record(
                    actor,
                    "eoi.attachments_added",
                    eoi,
                    files=[upload.sniffed.safe_name for _kind, upload in uploads],
                )
    except BaseException:
        # The rows rolled back; the files written for them must go too.
        for name in stored:
            _discard_file(name)
        raise
    return eoi.attachments.filter(file__in=stored)


def _store_file(eoi, attachment, upload):
    """Write one upload to storage; its name there, or StorageFault for the applicant.

    Storage backends report their faults as OSError (core/storage.py), and leave no part of a
    file behind when they do."""
    try:
        attachment.file.save(upload.name, upload, save=False)
    except OSError as fault:
        logger.exception("An attachment of EOI %s could not be stored", eoi.pk)
        raise storage_fault(upload.name) from fault
    return attachment.file.name


def storage_fault(file_name):
    """What the applicant reads when their file could not be written (and operators a log)."""
    return StorageFault(
        _(
            "“%(name)s” could not be stored: the fault is ours, not your file's, and it has "
            "been reported. None of the files you chose were kept: please try again later."
        )
        % {"name": file_name}
    )


def _discard_file(name):
    try:
        Attachment.file.field.storage.delete(name)
    except OSError:
        logger.exception("The file %s of an upload that failed could not be removed", name)


def _delete_attachment(attachment):
    """Delete the row now and the stored file once the transaction commits."""
    stored = attachment.file
    attachment.delete()
    # A storage fault then is logged and leaves an unused file, never a failed request.
    transaction.on_commit(lambda: stored.storage.delete(stored.name), robust=True)


def remove_attachment(attachment, actor):
    eoi = attachment.eoi
    ensure_editable(eoi)
    if eoi.status == Status.SUBMITTED and attachment.kind == Attachment.Kind.BUDGET:
        raise DomainError(
            _(
                "A submitted expression of interest keeps its budget: "
                "upload a new file to replace it."
            )
        )
    with transaction.atomic():
        _delete_attachment(attachment)
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
