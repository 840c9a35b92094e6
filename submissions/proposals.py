"""The full proposal: every change to one, with its side effects.

An EOI released as "invited" opens a draft proposal for its call's proposal stage (when that
stage asks a questionnaire), prefilled from the EOI's answers. The applicant then fills it in
through the EOI's own forms, checks and pages (submissions.filled), until the stage's deadline:
its `closes_at`, or the later `until` of an Extension the Secretariat granted them in the call
(the same rule as the EOI's deadline). A stage whose deadline is not announced keeps the draft
open to writing and refuses the submission until it is.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit import trail
from core.timezones import local_moment
from notifications import notify
from questionnaires import checks, versions
from questionnaires import definition as definitions
from questionnaires.answers import is_answered
from questionnaires.models import Role

from . import answers as answers_of
from . import balance, coapplicants, domain, lifecycle, partners
from .answers import counterpart, stamp_of
from .domain import (
    EditConflict,
    Incomplete,
    MissingItem,
    missing_answers,
    own_row_only,
    saved_since_by_another,
)
from .lifecycle import DomainError
from .models import ExpressionOfInterest, Partner, Proposal, Stage


class NotEditable(DomainError):
    pass


class OutOfTime(DomainError):
    pass


def proposal_stage(call):
    """The call's full-proposal stage, if it asks a questionnaire; None otherwise."""
    return (
        Stage.objects.filter(call=call, kind=Stage.Kind.FULL_PROPOSAL)
        .exclude(questionnaire=None)
        .select_related("questionnaire")
        .first()
    )


def prefilled(source, answers, target):
    """The answers of `target` (a Definition) that `answers`, given in `source`, already hold:
    a question of the same role (where it has one), else of the same key, and of the same
    kind; of repeating rows, the columns found so too; an answer `target` would not read as
    one (a choice it does not offer) is left out."""
    found = {}
    for question in target.questions:
        if question.is_file:
            continue  # files are uploaded again: a file belongs to one application
        asked = counterpart(source, question)
        if asked is None or asked.key not in answers:
            continue
        value = answers[asked.key]
        if question.is_rows:
            value = _rows_in(asked, value, question)
        if value is not None and is_answered(question, value):
            found[question.key] = value
    return found


def _rows_in(source, rows, target):
    if not isinstance(rows, list):
        return None
    columns = {}
    for column in target.columns:
        same = source.column_with_role(column.role) if column.role else None
        same = same or next((c for c in source.columns if c.key == column.key), None)
        if same is not None and same.kind == column.kind:
            columns[column.key] = same.key
    kept = [
        {key: row[was] for key, was in columns.items() if was in row}
        for row in rows
        if isinstance(row, dict)
    ]
    return [row for row in kept if row] or None


def open_for(eoi, actor):
    """The invited EOI's draft proposal, made once, prefilled from the EOI: None when the call
    has no proposal stage that asks anything."""
    stage = proposal_stage(eoi.call)
    if stage is None:
        return None
    existing = Proposal.objects.filter(eoi=eoi, stage=stage).first()
    if existing is not None:
        return existing
    versions.mark_answered(stage.questionnaire_id)
    target = definitions.definition(stage.questionnaire_id, stage.questionnaire.updated_at)
    source = definitions.definition(eoi.questionnaire_id) if eoi.questionnaire_id else None
    answers = prefilled(source, eoi.answers, target) if source else {}
    proposal = Proposal.objects.create(
        eoi=eoi, stage=stage, questionnaire_id=stage.questionnaire_id, answers=answers
    )
    trail.record(actor, "proposal.opened", eoi, stage=stage.pk, prefilled=sorted(answers))
    return proposal


def open_on_invitation(sender, eoi, previous, actor, by, **kwargs):
    """lifecycle.status_changed: an invitation released opens the proposal, in its
    transaction (a release that rolls back opens nothing)."""
    if eoi.status == ExpressionOfInterest.Status.INVITED:
        open_for(eoi, actor)


def edited_in(proposal):
    """The questionnaire the proposal is filled in: a draft the stage's current one, a
    submitted proposal the one it was submitted in (as answers.edited_in for the EOI)."""
    if proposal.status == Proposal.Status.DRAFT:
        stage = proposal.stage
        wanted = stage.questionnaire_id or proposal.questionnaire_id
        stamp = stamp_of(stage, "questionnaire") if wanted == stage.questionnaire_id else None
    else:
        wanted, stamp = proposal.questionnaire_id, stamp_of(proposal, "questionnaire")
    held = getattr(proposal, "_edited_in", None)
    if held is None or held.pk != wanted:
        held = proposal._edited_in = definitions.definition(wanted, stamp)
    return held


def deadline_for(proposal):
    """The stage's deadline, or the later one the Secretariat granted the applicant in the
    call; None while the stage's deadline is not announced."""
    closes = proposal.stage.closes_at
    if closes is None:
        return None
    if hasattr(proposal, "extension_until"):  # annotated by the reminder job
        return lifecycle.later(closes, proposal.extension_until)
    return lifecycle.later(closes, lifecycle.extension_until(proposal.eoi))


def is_editable(proposal, now=None):
    """Open to its applicant: the EOI still invited, before the deadline (if announced)."""
    now = now or timezone.now()
    deadline = deadline_for(proposal)
    return (
        proposal.eoi.status == ExpressionOfInterest.Status.INVITED
        and proposal.status in (Proposal.Status.DRAFT, Proposal.Status.SUBMITTED)
        and (deadline is None or now < deadline)
    )


def ensure_editable(proposal, now=None):
    if not is_editable(proposal, now):
        raise NotEditable(_("This full proposal can no longer be changed."))


def save_step(proposal, actor, version, changed):
    """Save the changed answers of one step as one new version, refused (EditConflict) when
    the proposal was saved since the page was built, as domain.save_step does for the EOI."""
    definition = edited_in(proposal)
    eoi = proposal.eoi
    # Only what `actor` may edit (coapplicants.editable_keys), as domain.save_step for the EOI.
    allowed = coapplicants.editable_keys(eoi, actor, definition, answers_of.edited_in(eoi))
    changed = {key: value for key, value in changed.items() if key in allowed}
    if limit := coapplicants.row_limit(eoi, actor, definition, answers_of.edited_in(eoi)):
        own_row_only(proposal, changed, *limit)
    if not changed:
        return proposal
    ensure_editable(proposal)
    answers = {
        key: value for key, value in {**proposal.answers, **changed}.items() if value is not None
    }
    with transaction.atomic():
        if proposal.questionnaire_id != definition.pk:
            versions.mark_answered(definition.pk)
        saved = Proposal.objects.filter(pk=proposal.pk, version=version).update(
            answers=answers,
            questionnaire_id=definition.pk,
            version=F("version") + 1,
            updated_at=timezone.now(),
            last_saved_by=actor,
        )
        if not saved:
            raise _conflict(proposal, actor)
        if proposal.status == Proposal.Status.SUBMITTED:
            trail.record(
                actor,
                "proposal.edited_after_submission",
                proposal.eoi,
                fields=sorted(changed),
            )
        elif eoi.owner_id != actor.pk:
            trail.record(actor, "proposal.edited_by_coapplicant", eoi, fields=sorted(changed))
    proposal.refresh_from_db()
    return proposal


def _conflict(proposal, actor):
    """The refusal of a save made on an older version: who saved since, and when."""
    other = saved_since_by_another(proposal, actor)
    if other is None:
        return EditConflict(
            _(
                "This full proposal was changed in another tab or window. Your text is "
                "still below: copy what you need, then reload the page."
            )
        )
    return EditConflict(
        _(
            "%(who)s saved this full proposal at %(when)s, after you opened this page: your "
            "changes are not saved. Your text is still below: copy what you need, then reload "
            "the page to see theirs."
        )
        % {"who": other[0], "when": other[1]}
    )


def figures(proposal):
    """The full proposal's balance of power, from its own answers as balance.figures reads an
    EOI's, with `partners_confirmed`: the partners it names whose row in the EOI confirmed
    the same (matched by name, as partners.sync matches them). The countries of focus and the
    lead's country are the EOI's where the proposal does not ask them again. None when the
    proposal asks no partners: then the EOI's figures stand."""
    definition = edited_in(proposal)
    eoi = proposal.eoi
    if definition.with_role(Role.PARTNERS) is None:
        return _figures_from_budget_lines(proposal, definition)
    found = balance.figures(
        definition,
        proposal.answers,
        countries=None if definition.with_role(Role.COUNTRIES) else eoi.countries,
        lead_country=(
            None if definition.with_role(Role.ORGANISATION_COUNTRY) else eoi.organisation_country
        ),
    )
    confirmed = {
        balance.tidy(partner.name).casefold(): partner.answered
        for partner in eoi.partners.filter(confirmation=Partner.Confirmation.CONFIRMED)
    }
    found["partners_confirmed"] = sum(
        1
        for row in balance.rows_of(definition, proposal.answers)
        if confirmed.get(row["name"].casefold()) == partners.confirmed_snapshot(Partner(**row))
    )
    return found


def _figures_from_budget_lines(proposal, definition):
    """A proposal that does not name its partners again (the 2021 one) still says who spends
    each budget line: its figures from those lines (balance.figures_from_spending), each
    spender's country and confirmation the EOI's partner of that name's. None without such
    lines: then the EOI's figures stand."""
    spent = next(
        (
            found
            for question in definition.questions
            if (found := checks.spending(question, proposal.answers.get(question.key))) is not None
        ),
        None,
    )
    if not spent:
        return None
    eoi = proposal.eoi
    named = list(eoi.partners.all())
    found = balance.figures_from_spending(spent, named, eoi.countries, eoi.organisation_country)
    confirmed = {
        balance.tidy(partner.name).casefold()
        for partner in named
        if partner.confirmation == Partner.Confirmation.CONFIRMED
    }
    found["partners_confirmed"] = sum(1 for name in spent if name and name.casefold() in confirmed)
    found["from_budget_lines"] = True
    return found


def remember_step(proposal, slug):
    if proposal.last_step != slug:
        Proposal.objects.filter(pk=proposal.pk).update(last_step=slug)
        proposal.last_step = slug


def missing_items(proposal, definition=None):
    definition = definition or edited_in(proposal)
    return missing_answers(
        proposal.call, definition, proposal.answers, domain.questions_with_files(proposal)
    )


def add_attachments(proposal, actor, uploads):
    """Store uploaded files for the proposal's file questions, as the EOI's are stored
    (domain.store_attachments): those `actor` may edit, as for its other answers."""
    if not uploads:
        return []
    ensure_editable(proposal)
    definition = edited_in(proposal)
    _ensure_open_to(proposal, actor, definition, set(uploads))
    return domain.store_attachments(proposal, actor, uploads, definition)


def remove_attachment(attachment, actor):
    proposal = attachment.proposal
    ensure_editable(proposal)
    definition = edited_in(proposal)
    _ensure_open_to(proposal, actor, definition, {attachment.question})
    domain.delete_attachment(
        proposal,
        attachment,
        actor,
        definition,
        _("A submitted full proposal keeps its “%(question)s”: upload a new file to replace it."),
    )


def _ensure_open_to(proposal, actor, definition, keys):
    eoi = proposal.eoi
    if keys - coapplicants.editable_keys(eoi, actor, definition, answers_of.edited_in(eoi)):
        raise domain.NotAllowed(_("This question is not open to you."))


def _ensure_lead(proposal, actor):
    if proposal.eoi.owner_id != actor.pk:
        raise domain.NotAllowed(_("Only the lead applicant changes the full proposal."))


def withdraw(proposal, actor):
    """The lead applicant takes the application out of the call: the full proposal, draft or
    submitted, and with it the EOI (lifecycle: invited to withdrawn, until the proposal's
    deadline), in one transaction. The EOI's withdrawal does what it always does: its audit
    entry, its reviews leave the call's figures (review.receivers)."""
    _ensure_lead(proposal, actor)
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("eoi__call", "eoi__owner", "stage")
            .get(pk=proposal.pk)
        )
        if proposal.status == Proposal.Status.WITHDRAWN:
            raise NotEditable(_("This full proposal is withdrawn already."))
        if proposal.eoi.stage_id != proposal.stage_id:
            raise NotEditable(_("This full proposal can no longer be withdrawn."))
        try:
            lifecycle.change_status(
                proposal.eoi,
                ExpressionOfInterest.Status.WITHDRAWN,
                actor,
                by=lifecycle.APPLICANT,
                proposal=proposal.pk,
            )
        except lifecycle.Refused as refusal:
            raise NotEditable(refusal.message) from refusal
        previous = proposal.status
        proposal.status = Proposal.Status.WITHDRAWN
        proposal.version += 1
        proposal.updated_at = timezone.now()
        proposal.last_saved_by = actor
        proposal.save(update_fields=["status", "version", "updated_at", "last_saved_by"])
        trail.record(
            actor,
            "proposal.withdrawn",
            proposal.eoi,
            previous_status=previous,
            reference=proposal.reference,
        )
    return proposal


def submit(proposal, actor, declarations, now=None):
    """Submit a complete proposal before its deadline: reference (the EOI's + "-P"), audit
    entry, receipt."""
    now = now or timezone.now()
    with transaction.atomic():
        proposal = (
            Proposal.objects.select_for_update(of=("self",))
            .select_related("eoi__call", "eoi__owner", "stage")
            .get(pk=proposal.pk)
        )
        if proposal.eoi.owner_id != actor.pk:
            raise NotEditable(_("Only the lead applicant submits the full proposal."))
        if proposal.status != Proposal.Status.DRAFT:
            raise NotEditable(_("This full proposal is submitted already."))
        if proposal.eoi.status != ExpressionOfInterest.Status.INVITED:
            raise NotEditable(_("This full proposal can no longer be changed."))
        deadline = deadline_for(proposal)
        if deadline is None:
            raise OutOfTime(
                _(
                    "The deadline of the full proposal is not announced yet: you can write "
                    "your draft now, and submit it once the Secretariat has set the deadline."
                )
            )
        if now >= deadline:
            raise OutOfTime(
                _("The full proposal can no longer be submitted: the deadline has passed (%s).")
                % local_moment(deadline, proposal.call.zone)
            )
        definition = edited_in(proposal)
        versions.mark_answered(definition.pk)
        missing = missing_items(proposal, definition)
        if not (declarations["declares_accuracy"] and declarations["declares_consent"]):
            missing.append(MissingItem("submit", _("Both declarations")))
        if missing:
            raise Incomplete(_("Some answers are still missing."), missing)
        proposal.declares_accuracy = declarations["declares_accuracy"]
        proposal.declares_consent = declarations["declares_consent"]
        proposal.questionnaire_id = definition.pk
        proposal.reference = f"{proposal.eoi.reference}-P"
        proposal.submitted_at = proposal.updated_at = now
        proposal.status = Proposal.Status.SUBMITTED
        proposal.version += 1
        proposal.last_saved_by = actor
        proposal.save()
        trail.record(actor, "proposal.submitted", proposal.eoi, reference=proposal.reference)
        notify.proposal_received(proposal, deadline)
    return proposal
