"""Every change to an expression of interest, with its side effects, happens here.

Views and tasks call these functions; they validate, save, write the audit trail and queue the
mail after the transaction commits, so a change that rolls back leaves no trace anywhere. A
change of status goes through lifecycle.change_status, which does all of that for it.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit import trail
from core.permissions import can
from core.timezones import local_moment
from notifications import notify
from questionnaires import versions
from questionnaires.answers import is_answered
from questionnaires.forms import refusal
from questionnaires.models import Kind, Role

from . import answers as eoi_answers
from . import coapplicants, lifecycle, partners
from .forms import SUBMIT, bounds_of
from .lifecycle import DomainError
from .models import (
    Attachment,
    Challenge,
    ExpressionOfInterest,
    Extension,
    Message,
    Partner,
    Proposal,
    ReferenceCounter,
)

logger = logging.getLogger(__name__)

Status = ExpressionOfInterest.Status

# An application carries at most this many files for one question.
MAX_FILES = 10


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


class NotAllowed(DomainError):
    pass


class Incomplete(DomainError):
    def __init__(self, message, missing):
        super().__init__(message)
        self.missing = missing


@dataclass(frozen=True)
class MissingItem:
    step: str
    message: str
    invalid: bool = False  # an answer is there but would be refused; otherwise none is


# What a call that requires the partners' confirmation (Call.partners_must_confirm) says of an
# EOI whose partners have not all confirmed: the applicant asks them from the draft, they
# answer, then the applicant submits.
MUST_CONFIRM = _(
    "This call needs every partner named with an address to confirm its row before you "
    "submit: ask them from your expression of interest's page, then submit once they have."
)

# A step's state in the progress list.
DONE, TO_DO, PROBLEM = "done", "to_do", "problem"


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
        if call.questionnaire_id is None:
            raise CallNotOpen(_("This call does not accept expressions of interest now."))
        versions.mark_answered(call.questionnaire_id)  # from now on it is never edited in place
        # What the applicant told us about themselves at sign-up starts their answers.
        definition = eoi_answers.asked(call)
        answers = {}
        for role, known in [
            (Role.ORGANISATION, applicant.organisation),
            (Role.ORGANISATION_COUNTRY, applicant.country.code or None),
        ]:
            question = definition.with_role(role)
            if question and known:
                answers[question.key] = known
        eoi = ExpressionOfInterest.objects.create(
            call=call,
            owner=applicant,
            questionnaire_id=call.questionnaire_id,
            answers=answers,
            **eoi_answers.columns(definition, answers),
        )
        trail.record(applicant, "eoi.started", eoi)
    return eoi


def ensure_editable(eoi, now=None):
    if not is_editable(eoi, now):
        raise NotEditable(_("This expression of interest can no longer be changed."))


def save_step(eoi, actor, version, changed):
    """Save the changed answers of one step (`changed`: {question key: stored value}) as one
    new version. A draft moves to the call's current questionnaire; a submitted EOI keeps the
    one it was submitted in, whose checks it passed (answers.edited_in).

    `version` is the one the page was built from: when someone saved the EOI since (another tab
    or window, or another person), nothing is written and EditConflict names who saved and
    when. Nothing changed, nothing written.

    Only the questions `actor` may edit are merged (all for the lead, those opened to a
    co-applicant): a closed question's answer slipped into a request is left as it is. A
    co-applicant opened only their own partner row changes that row alone (_own_row_only).
    """
    definition = eoi_answers.edited_in(eoi)
    allowed = coapplicants.editable_keys(eoi, actor, definition)
    changed = {key: value for key, value in changed.items() if key in allowed}
    if limit := coapplicants.row_limit(eoi, actor, definition):
        own_row_only(eoi, changed, *limit)
    if not changed:
        return eoi
    ensure_editable(eoi)
    # A cleared answer leaves no key behind: `answers` holds what was answered.
    answers = {key: value for key, value in {**eoi.answers, **changed}.items() if value is not None}
    moved = eoi.questionnaire_id != definition.pk
    saved_at = timezone.now()
    columns = eoi_answers.columns(definition, answers)
    with transaction.atomic():
        if moved:  # a draft moves to the call's current version
            versions.mark_answered(definition.pk)
        saved = ExpressionOfInterest.objects.filter(pk=eoi.pk, version=version).update(
            answers=answers,
            questionnaire_id=definition.pk,
            **columns,
            version=F("version") + 1,
            updated_at=saved_at,
            last_saved_by=actor,
        )
        if not saved:
            raise _conflict(eoi, actor)
        question = definition.with_role(Role.CHALLENGES)
        if question and question.key in changed:
            _set_challenges(eoi, definition, answers)
        question = definition.with_role(Role.PARTNERS)
        if moved or (question and question.key in changed):
            reset = _sync_partners(eoi, actor, definition, answers)
            if reset and eoi.status != Status.DRAFT:
                # Sent already: what a partner confirmed changed, so it is asked again now,
                # not at a submission that will not come.
                _ask_partners(eoi, actor, timezone.now())
        if eoi.status == Status.SUBMITTED:
            trail.record(
                actor,
                "eoi.edited_after_submission",
                eoi,
                fields=sorted(changed),
                **_before_and_after(definition, eoi.answers, changed),
            )
        elif eoi.owner_id != actor.pk:
            trail.record(actor, "eoi.edited_by_coapplicant", eoi, fields=sorted(changed))
    return _as_saved(eoi, version + 1, saved_at, actor, definition, ["answers", *columns])


def _as_saved(eoi, version, saved_at, actor, definition, written):
    """The EOI as save_step's update left it, without reading it again (autosave answers with
    its version and time alone): the fields `written` as the database converts them (the
    answers' JSON, decimals, the countries) are left to be read again if something asks."""
    eoi.version, eoi.updated_at, eoi.last_saved_by = version, saved_at, actor
    eoi.questionnaire_id = definition.pk
    for name in written:
        eoi.__dict__.pop(name, None)  # deferred: read from the row when next asked
    return eoi


def own_row_only(eoi, changed, question, email):
    """Of the rows a co-applicant sends for `question`, only their own row is taken, written
    into the stored rows (coapplicants.with_own_row): another row changed, added or deleted is
    left as the lead has it."""
    if question.key not in changed:
        return
    sent = changed.pop(question.key) or []
    index = coapplicants.own_row_index(question, sent, email)
    stored = eoi.answers.get(question.key)
    if index is None:
        return
    rows = coapplicants.with_own_row(question, stored, sent[index], email)
    if rows is not None and rows != stored:
        changed[question.key] = rows


def saved_since_by_another(application, actor):
    """(who, when) of the save that came between when `actor` is someone else than its author
    (an EOI or a full proposal, saved on an older version); None when it was `actor` (another
    tab or window) or nobody known."""
    saved = (
        type(application)
        .objects.filter(pk=application.pk)
        .select_related("last_saved_by")
        .only("updated_at", "last_saved_by__name", "last_saved_by__email")
        .first()
    )
    if saved is None or saved.last_saved_by is None or saved.last_saved_by.pk == actor.pk:
        return None
    return str(saved.last_saved_by), local_moment(saved.updated_at, application.call.zone)


def _conflict(eoi, actor):
    """The refusal of a save made on an older version: who saved since, and when."""
    other = saved_since_by_another(eoi, actor)
    if other is None:
        return EditConflict(
            _(
                "This expression of interest was changed in another tab or window. "
                "Your text is still below: copy what you need, then reload the page."
            )
        )
    return EditConflict(
        _(
            "%(who)s saved this expression of interest at %(when)s, after you opened this "
            "page: your changes are not saved. Your text is still below: copy what you need, "
            "then reload the page to see theirs."
        )
        % {"who": other[0], "when": other[1]}
    )


# Answers whose value before and after an edit the audit trail keeps, so that it can say
# "changed the budget from €18,000 to €19,500": short, and what a decision may turn on. Texts
# and rows are named, not copied: the trail stays small and holds no second copy of them.
KEPT_IN_THE_TRAIL = (
    Kind.MONEY,
    Kind.INTEGER,
    Kind.PERCENTAGE,
    Kind.DATE,
    Kind.YES_NO,
    Kind.SINGLE_CHOICE,
    Kind.MULTIPLE_CHOICE,
    Kind.COUNTRY,
    Kind.COUNTRIES,
)


def _before_and_after(definition, before, changed):
    """{"changes": {key: [before, after]}} for the kept kinds of answer, or nothing."""
    kept = {}
    for key, value in changed.items():
        question = definition.by_key.get(key)
        if question is not None and question.kind in KEPT_IN_THE_TRAIL:
            kept[key] = [before.get(key), value]
    return {"changes": kept} if kept else {}


def _sync_partners(eoi, actor, definition, answers):
    """The partner rows in step with the answers; returns those asked to answer again."""
    reset = partners.sync(eoi, definition, answers)
    for partner in reset:
        trail.record(
            actor, "partner.changed_after_answer", eoi, partner=partner.pk, name=partner.name
        )
    return reset


def ask_partners(eoi, actor, now=None):
    """Mail each partner named with an address, that has not answered, a link to confirm its
    row: a new one where none works (never asked, asked again after a change, expired), so
    that a second click sends no second mail while the first link works. How many were asked."""
    if not can(actor, "submissions.ask_partners", eoi):
        raise NotAllowed(_("Only the applicant asks the partners, before the deadline."))
    return _ask_partners(eoi, actor, now or timezone.now())


def _ask_partners(eoi, actor, now):
    asked = 0
    with transaction.atomic():
        waiting = list(
            partners.awaiting(eoi)
            .exclude(confirmation=Partner.Confirmation.DECLINED)
            .select_for_update()
        )
        leads = partners.leads_addresses(eoi) if waiting else frozenset()
        for partner in waiting:
            if partner.token_hash and partner.token_expires_at > now:
                continue
            if partner.email.lower() in leads:
                continue  # the lead would confirm for it: it stays unconfirmed
            token = partners.new_link(partner, now)
            partner.confirmation = Partner.Confirmation.PENDING
            partner.asked_at = now
            partner.save(
                update_fields=["token_hash", "token_expires_at", "confirmation", "asked_at"]
            )
            trail.record(actor, "partner.asked", eoi, partner=partner.pk, name=partner.name)
            notify.partner_asked(partner, token)
            asked += 1
    return asked


def answer_partner(partner, actor, confirmed, comment="", now=None):
    """The partner confirms or declines what the lead says of it, by its link (actor None, the
    link's token already matched) or from its account: once; the link stops working."""
    now = now or timezone.now()
    with transaction.atomic():
        partner = Partner.objects.select_for_update().select_related("eoi").get(pk=partner.pk)
        if actor is not None and actor.pk == partner.eoi.owner_id:
            raise NotAllowed(_("A partner confirms for itself, not the lead applicant."))
        if partner.eoi.status == Status.WITHDRAWN:
            raise DomainError(_("This expression of interest was withdrawn."))
        if partner.confirmation not in (
            Partner.Confirmation.NOT_ASKED,
            Partner.Confirmation.PENDING,
        ):
            raise DomainError(_("This partner has answered already."))
        partner.confirmation = (
            Partner.Confirmation.CONFIRMED if confirmed else Partner.Confirmation.DECLINED
        )
        partner.answered_at = now
        partner.comment = (comment or "").strip()[:2000]
        partner.answered = partners.confirmed_snapshot(partner)
        partner.answered_by = actor if actor is not None and actor.is_authenticated else None
        partner.token_hash, partner.token_expires_at = "", None
        partner.save()
        partners.count_confirmed(partner.eoi)
        action = "partner.confirmed" if confirmed else "partner.declined"
        trail.record(
            actor,
            action,
            partner.eoi,
            partner=partner.pk,
            name=partner.name,
            by_link=actor is None,
            comment=partner.comment,
        )
    return partner


def remember_step(eoi, slug):
    """Where "Continue" takes the applicant next time. Not an edit: no version, no trail."""
    if eoi.last_step != slug:
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(last_step=slug)
        eoi.last_step = slug


def _set_challenges(eoi, definition, answers):
    eoi.challenges.set(
        Challenge.objects.filter(
            call=eoi.call, number__in=eoi_answers.challenge_numbers(definition, answers)
        )
    )


def grant_extension(extension, actor):
    """Save the Secretariat's extension and tell the applicant their deadline: again when it
    moves, not when something else about it is edited."""
    with transaction.atomic():
        extension.granted_by = actor
        extension.save()
        # On the applicant's EOIs in the call, where their history is read.
        eois = extension.call.eois.filter(owner=extension.applicant_id)
        for eoi in eois:
            trail.record(actor, "eoi.extended", eoi, until=extension.until.isoformat())
        notify.extension_granted(extension)


def missing_items(eoi, definition=None):
    """Everything that must be answered, or answered otherwise, before the EOI can be
    submitted, by step: checked against `definition`, by default the questionnaire the EOI is
    filled in (answers.edited_in). An answer saved under an older version, before a limit
    changed, or written straight into the database, is checked again as its step's form would
    check it now."""
    definition = definition or eoi_answers.edited_in(eoi)
    missing = missing_answers(eoi.call, definition, eoi.answers, questions_with_files(eoi))
    if eoi.call.partners_must_confirm and partners.awaiting(eoi).exists():
        missing.append(MissingItem(SUBMIT.slug, MUST_CONFIRM))
    return missing


def questions_with_files(application):
    """The keys of the file questions the EOI (or full proposal) has a file for."""
    return set(application.own_attachments().values_list("question", flat=True).distinct())


def missing_answers(call, definition, answers, with_files=frozenset()):
    """The answers `definition` requires that `answers` lacks, and those it would refuse, by
    step, as the steps' forms check them under the call's limits: an EOI's or a proposal's.
    `with_files`: the keys of the file questions that have a file."""
    bounds = bounds_of(call, definition.questions)
    missing = []
    for step in definition.steps:
        for question in step.questions:
            value = answers.get(question.key)
            present = (
                question.key in with_files if question.is_file else is_answered(question, value)
            )
            if question.required and not present:
                missing.append(MissingItem(step.key, question.label))
            elif present and (problem := refusal(question, value, bounds)):
                missing.append(MissingItem(step.key, problem, invalid=True))
    return missing


def step_states(eoi, step_keys, missing):
    """Each step's state, from the EOI's `missing_items`: a problem where an answer would be
    refused, to do where a required one is missing, otherwise done. The review-and-submit step
    is done once the EOI is submitted."""
    states = dict.fromkeys(step_keys, DONE)
    for item in missing:
        if item.step in states and states[item.step] != PROBLEM:
            states[item.step] = PROBLEM if item.invalid else TO_DO
    if SUBMIT.slug in states:
        states[SUBMIT.slug] = DONE if eoi.status != Status.DRAFT else TO_DO
    return states


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
        # A draft is submitted in the call's current questionnaire, and checked against that
        # same definition. Marked answered first: an edit of it in the admin, which holds its
        # row, finishes before it is read here, and none can follow.
        versions.mark_answered(eoi.call.questionnaire_id)
        definition = eoi_answers.asked(eoi.call)
        eoi.declares_accuracy = declarations["declares_accuracy"]
        eoi.declares_consent = declarations["declares_consent"]
        if eoi.questionnaire_id != definition.pk:
            _sync_partners(eoi, actor, definition, eoi.answers)
        missing = missing_items(eoi, definition)
        if not (eoi.declares_accuracy and eoi.declares_consent):
            missing.append(MissingItem("submit", _("Both declarations")))
        if missing:
            raise Incomplete(_("Some answers are still missing."), missing)
        fields = ["declares_accuracy", "declares_consent", "reference", "submitted_at"]
        if eoi.questionnaire_id != definition.pk:
            eoi.questionnaire_id = definition.pk
            for column, value in eoi_answers.columns(definition, eoi.answers).items():
                setattr(eoi, column, value)
            fields += ["questionnaire", *eoi_answers.COLUMNS.values(), *eoi_answers.FIGURES]
            _set_challenges(eoi, definition, eoi.answers)
        eoi.reference = eoi.reference or _next_reference(eoi.call)
        eoi.submitted_at = now
        eoi.save(update_fields=fields)
        eoi = lifecycle.change_status(
            eoi,
            Status.SUBMITTED,
            actor,
            by=lifecycle.APPLICANT,
            now=now,
            locked=True,
            reference=eoi.reference,
        )
        # Submitted, the partners not asked yet are asked now (a call that requires their
        # confirmation has had them all confirmed before).
        _ask_partners(eoi, actor, now)
        return eoi


def withdraw_eoi(eoi, actor):
    """The applicant takes their EOI back before the deadline; its reviews stop counting
    (review.receivers). An invited EOI is withdrawn with its full proposal instead
    (proposals.withdraw)."""
    if eoi.status not in lifecycle.EDITABLE_STATUSES:
        raise NotEditable(
            _("%(eoi)s can no longer be withdrawn (%(status)s).")
            % {"eoi": lifecycle.name_of(eoi), "status": eoi.get_status_display()}
        )
    try:
        return lifecycle.change_status(eoi, Status.WITHDRAWN, actor, by=lifecycle.APPLICANT)
    except lifecycle.Refused as refusal:
        raise NotEditable(refusal.message) from refusal


def add_attachments(eoi, actor, uploads):
    """Store uploaded files for the EOI's file questions (store_attachments says how), those
    `actor` may edit: all for the lead, those opened to a co-applicant."""
    if not uploads:
        return []
    ensure_editable(eoi)
    definition = eoi_answers.edited_in(eoi)
    if set(uploads) - coapplicants.editable_keys(eoi, actor, definition):
        raise NotAllowed(_("This question is not open to you."))
    return store_attachments(eoi, actor, uploads, definition)


def _application_parts(application):
    """(the EOI, the full proposal or None, the audit trail's prefix) of an EOI or a proposal."""
    if isinstance(application, Proposal):
        return application.eoi, application, "proposal"
    return application, None, "eoi"


def store_attachments(application, actor, uploads, definition):
    """Store uploaded files under random names, for an EOI or a full proposal its caller found
    editable by `actor` (add_attachments, proposals.add_attachments): `uploads` is {file
    question key of `definition`: [uploads]}, each carrying what `uploads.sniff` found as
    `.sniffed`. A new file for a question of one file replaces the old one.

    All or nothing: when one file cannot be stored, no row is written and no file stays.
    """
    eoi, proposal, prefix = _application_parts(application)
    model = type(application)
    stored = []
    try:
        with transaction.atomic():
            # One upload at a time per application, so two files cannot both become "the" one
            # and two uploads side by side cannot pass the count of files.
            model.objects.select_for_update().filter(pk=application.pk).first()
            kept = application.own_attachments()
            for key, files in uploads.items():
                question = definition.by_key[key]
                if question.kind == Kind.FILE:
                    for old in kept.filter(question=key):
                        _delete_attachment(old)
                elif kept.filter(question=key).count() + len(files) > MAX_FILES:
                    raise DomainError(
                        ngettext(
                            "%(question)s: at most %(limit)d file, please.",
                            "%(question)s: at most %(limit)d files, please.",
                            MAX_FILES,
                        )
                        % {"question": question.label, "limit": MAX_FILES}
                    )
                for upload in files:
                    attachment = Attachment(
                        eoi=eoi,
                        proposal=proposal,
                        question=key,
                        original_name=upload.sniffed.safe_name,
                        content_type=upload.sniffed.content_type,
                        extension=upload.sniffed.extension,
                        size=upload.size,
                    )
                    stored.append(_store_file(eoi, attachment, upload))
                    attachment.save()
            _saved_by(application, actor)
            if application.status == Status.SUBMITTED:
                trail.record(
                    actor,
                    f"{prefix}.attachments_added",
                    eoi,
                    files=[u.sniffed.safe_name for files in uploads.values() for u in files],
                )
    except BaseException:
        # The rows rolled back; the files written for them must go too.
        for name in stored:
            _discard_file(name)
        raise
    return application.own_attachments().filter(file__in=stored)


def _saved_by(application, actor):
    """A change of files is a new version of the application, as a change of answers is."""
    type(application).objects.filter(pk=application.pk).update(
        version=F("version") + 1, updated_at=timezone.now(), last_saved_by=actor
    )


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


def _discard_file(name, storage=None):
    try:
        (storage or Attachment.file.field.storage).delete(name)
    except OSError:
        logger.exception("The file %s of an upload that failed could not be removed", name)


def _delete_attachment(attachment):
    """Delete the row now and the stored file once the transaction commits."""
    stored = attachment.file
    attachment.delete()
    # A storage fault then is logged and leaves an unused file, never a failed request.
    transaction.on_commit(lambda: stored.storage.delete(stored.name), robust=True)


def remove_attachment(attachment, actor):
    """Remove a file of the EOI (not of its full proposal: proposals.remove_attachment)."""
    eoi = attachment.eoi
    ensure_editable(eoi)
    if attachment.question not in coapplicants.editable_keys(
        eoi, actor, eoi_answers.edited_in(eoi)
    ):
        raise NotAllowed(_("This question is not open to you."))
    delete_attachment(
        eoi,
        attachment,
        actor,
        eoi_answers.answered(eoi),
        _(
            "A submitted expression of interest keeps its “%(question)s”: "
            "upload a new file to replace it."
        ),
    )


def delete_attachment(application, attachment, actor, definition, kept_when_submitted):
    """Remove a file of an EOI or a full proposal its caller found editable by `actor`; a
    submitted application keeps the only file a required question of one file has
    (`kept_when_submitted` says so, naming the question)."""
    eoi, _proposal, prefix = _application_parts(application)
    question = definition.by_key.get(attachment.question)
    if (
        application.status == Status.SUBMITTED
        and question
        and question.required
        and (question.kind == Kind.FILE)
    ):
        raise DomainError(kept_when_submitted % {"question": question.label})
    with transaction.atomic():
        _delete_attachment(attachment)
        _saved_by(application, actor)
        if application.status == Status.SUBMITTED:
            trail.record(
                actor,
                f"{prefix}.attachment_removed",
                eoi,
                file=attachment.original_name,
                question=attachment.question,
            )


# Each message mails the other side (every Secretariat member) and may carry a file of up to
# KMF_MAX_UPLOAD_MB: a person writes a few about one EOI in an hour, a script thousands.
MESSAGES_PER_HOUR = 10


def post_message(eoi, author, text, upload=None):
    """A message from the applicant to the Secretariat or back, about this EOI: stored with
    its file (an upload carrying `.sniffed`, or None), entered in the audit trail and mailed
    to the other side (notify.message_to_applicant, notify.message_to_secretariat), all in
    one transaction: a message that is not saved is not mailed, and leaves no file behind."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Write your message before sending it."))
    if not can(author, "submissions.post_message", eoi):
        raise NotAllowed(_("You cannot write about this expression of interest."))
    recent = Message.objects.filter(
        eoi=eoi, author=author, created_at__gte=timezone.now() - timedelta(hours=1)
    )
    if recent.count() >= MESSAGES_PER_HOUR:
        raise DomainError(
            _(
                "You have sent %(count)d messages about this expression of interest in the "
                "last hour. Please wait a while before writing again."
            )
            % {"count": MESSAGES_PER_HOUR}
        )
    # The owner writes as the applicant, whatever else they are.
    from_secretariat = eoi.owner_id != author.pk
    message = Message(eoi=eoi, author=author, text=text, from_secretariat=from_secretariat)
    stored = None
    try:
        with transaction.atomic():
            if upload is not None:
                message.original_name = upload.sniffed.safe_name
                message.content_type = upload.sniffed.content_type
                message.extension = upload.sniffed.extension
                message.size = upload.size
                stored = _store_file(eoi, message, upload)
            message.save()
            trail.record(
                author,
                "eoi.message_posted",
                eoi,
                message=message.pk,
                to="applicant" if from_secretariat else "secretariat",
                file=message.original_name,
            )
            if from_secretariat:
                notify.message_to_applicant(message)
            else:
                notify.message_to_secretariat(message)
    except BaseException:
        if stored:
            _discard_file(stored, Message.file.field.storage)
        raise
    return message


def share_messages(eoi, actor, shared):
    """Open the EOI's messages to its cleared reviewers (read-only), or close them again."""
    if not can(actor, "submissions.share_messages", eoi):
        raise NotAllowed(_("Only the Secretariat shares the messages with the reviewers."))
    if eoi.thread_shared_with_reviewers == shared:
        return eoi
    with transaction.atomic():
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(thread_shared_with_reviewers=shared)
        if shared:  # each action written out, for the test that finds their sentences
            trail.record(actor, "eoi.messages_shared", eoi)
        else:
            trail.record(actor, "eoi.messages_unshared", eoi)
    eoi.thread_shared_with_reviewers = shared
    return eoi


def rebuild_partnerships(eoi_ids):
    """The partner rows and the balance figures of these EOIs as their answers say them now, in
    one transaction, each EOI locked: for EOIs saved before their questionnaire gave the
    partners their roles (issue 19). What is in step already is left as it is, so a second run
    changes nothing; nobody is mailed. Returns {"partners": rows made or changed, "removed": …,
    "figures": EOIs whose figures changed}."""
    counts = {"partners": 0, "removed": 0, "figures": 0}
    with transaction.atomic():
        for eoi in lifecycle.locked_eois(pk__in=list(eoi_ids)).select_related("questionnaire"):
            definition = eoi_answers.answered(eoi)
            before = {
                (p.pk, *(getattr(p, f) for f in partners.SYNCED_FIELDS))
                for p in Partner.objects.filter(eoi=eoi)
            }
            _sync_partners(eoi, None, definition, eoi.answers)
            after = {
                (p.pk, *(getattr(p, f) for f in partners.SYNCED_FIELDS))
                for p in Partner.objects.filter(eoi=eoi)
            }
            counts["partners"] += len(after - before)
            counts["removed"] += len({row[0] for row in before} - {row[0] for row in after})
            figures = {
                name: value
                for name, value in eoi_answers.columns(definition, eoi.answers).items()
                if name in eoi_answers.FIGURES
            }
            if any(getattr(eoi, name) != value for name, value in figures.items()):
                ExpressionOfInterest.objects.filter(pk=eoi.pk).update(**figures)
                counts["figures"] += 1
    return counts
