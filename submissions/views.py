from csp.constants import NONCE
from csp.decorators import csp_update
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import panels, storage
from core.permissions import can

from . import answers, coapplicants, documents, domain, lifecycle, partners, pdf, proposals
from .filled import FilledEoi, FilledProposal
from .forms import (
    FilesForm,
    InvitationForm,
    MessageForm,
    PartnerAnswerForm,
    PartsForm,
    StepForms,
    steps_of,
)
from .models import Call, ExpressionOfInterest, Partner
from .selectors import (
    applicant_eois,
    eoi_answers,
    eoi_or_404,
    links_on_eoi_page,
    partners_of,
    proposal_of,
    proposal_or_404,
    public_document_or_404,
    released_outcomes,
    thread_of,
)

Status = ExpressionOfInterest.Status


def home(request):
    now = timezone.now()
    calls = Call.objects.published()
    return render(
        request,
        "submissions/home.html",
        {
            "open_calls": calls.open(now).order_by("closes_at"),
            "upcoming_calls": calls.upcoming(now).order_by("opens_at"),
            "closed_calls": calls.closed(now).order_by("-closes_at"),
        },
    )


def call_detail(request, slug):
    call = get_object_or_404(
        Call.objects.published().prefetch_related(
            "challenges", "milestones", "stages", "questions", "documents"
        ),
        slug=slug,
    )
    my_eoi = None
    if request.user.is_authenticated:
        my_eoi = call.eois.filter(owner=request.user).exclude(status=Status.WITHDRAWN).first()
    attached = list(call.documents.all())
    return render(
        request,
        "submissions/call_detail.html",
        {
            "call": call,
            "my_eoi": my_eoi,
            "documents": attached,
            "documents_by_key": {document.key: document for document in attached},
        },
    )


def call_document(request, slug, key):
    """A file the Secretariat attached to a call, for anyone who may read the call's page."""
    document = public_document_or_404(slug, key)
    return storage.download(document.file, document.original_name, document.content_type)


@login_required
@require_POST
def apply(request, slug):
    call = get_object_or_404(Call.objects.published(), slug=slug)
    try:
        eoi = domain.start_eoi(call, request.user)
    except domain.CallNotOpen as refusal:
        messages.error(request, refusal.message)
        return redirect(call)
    return redirect(
        "submissions:eoi_step", uuid=eoi.uuid, step=steps_of(answers.asked(call))[0].slug
    )


@login_required
def dashboard(request):
    """The applicant's EOIs, those they lead and those they co-apply to."""
    eois = list(applicant_eois(request.user))
    for eoi in eois:
        eoi.deadline = lifecycle.deadline_for(eoi)
        eoi.is_lead = eoi.owner_id == request.user.pk
        # A co-applicant edits where the lead opened questions to them (annotated: no query).
        eoi.editable = domain.is_editable(eoi) and (
            eoi.is_lead or bool(coapplicants.eoi_parts(eoi.opened_parts or []))
        )
    # Whoever a lead applicant names as a partner, with this person's address, answers here.
    to_confirm = partners.for_user(request.user).exists()
    return render(request, "submissions/dashboard.html", {"eois": eois, "to_confirm": to_confirm})


def steps_for(filled, user):
    """The steps `user` fills in: all of them for the lead; for a co-applicant, those with a
    question opened to them (never the review-and-submit step)."""
    steps = steps_of(filled.definition())
    keys = filled.editable_keys(user)
    if keys is None:
        return steps
    return [s for s in steps if s.asks and any(q.key in keys for q in s.asks.questions)]


def step_context(request, filled, step, missing=None, problem_here=False, **extra):
    """What every step's page shows around its form: the steps, each with its state (from
    `missing`, the application's missing items, read here when not given; `problem_here` when
    the page's own form was refused), and the way back and on."""
    steps = steps_for(filled, request.user)
    index = [item.slug for item in steps].index(step.slug)
    if missing is None:
        missing = filled.missing_items()
    states = domain.step_states(filled.application, [item.slug for item in steps], missing)
    if problem_here:
        states[step.slug] = domain.PROBLEM
    return {
        "eoi": filled.eoi,
        "application": filled.application,
        "kind": filled.kind,
        "step_view": filled.step_view,
        "autosave_view": filled.autosave_view,
        "call": filled.eoi.call,
        "steps": steps,
        "progress": [(item, states[item.slug]) for item in steps],
        "missing": missing,
        "step": step,
        "step_number": index + 1,
        "previous_step": steps[index - 1] if index else None,
        "next_step": steps[index + 1] if index + 1 < len(steps) else None,
        "deadline": filled.deadline(),
        "documents": filled.documents(step.asks) if step.asks else (),
        "coapplying": coapplying(request, filled),
        **extra,
    }


def coapplying(request, filled):
    """For a co-applicant, whose application this is and what they may edit in it (the EOI or
    its full proposal) in words; None for the lead."""
    eoi = filled.eoi
    if eoi.owner_id == request.user.pk:
        return None
    link = coapplicants.link_of(request.user, eoi)
    return {
        "lead": eoi.owner.name or eoi.owner.email,
        "organisation": eoi.organisation_name,
        "opened": filled.opened_in_words(link) if link else [],
    }


def step_after_save(request, filled, step, direction):
    steps = steps_for(filled, request.user)
    index = [item.slug for item in steps].index(step.slug)
    if direction == "next" and index + 1 < len(steps):
        index += 1
    elif direction == "back" and index:
        index -= 1
    return redirect(filled.step_view, uuid=filled.eoi.uuid, step=steps[index].slug)


def asked_step(request, filled, slug):
    """The step `slug` if `request.user` fills it in (a step not opened to a co-applicant is
    a 404, as one that does not exist)."""
    step = next((s for s in steps_for(filled, request.user) if s.slug == slug), None)
    if step is None:
        raise Http404
    return step


def step_forms(request, filled, step):
    """The step's forms for `request.user`: what they may edit, and of the partners perhaps
    their own row only."""
    return StepForms(
        filled.application,
        step,
        request.POST or None,
        editable=filled.editable_keys(request.user),
        row_limit=filled.row_limit(request.user),
    )


def continue_filling(request, filled, last_step):
    """The step the applicant was on (the first one, the first time or if it is gone)."""
    steps = steps_for(filled, request.user)
    step = next((s for s in steps if s.slug == last_step), steps[0])
    return redirect(filled.step_view, uuid=filled.eoi.uuid, step=step.slug)


@login_required
def eoi_continue(request, uuid):
    eoi = eoi_or_404(request.user, uuid, "submissions.fill_in_parts")
    return continue_filling(request, FilledEoi(eoi), eoi.last_step)


@login_required
def eoi_step(request, uuid, step):
    eoi = eoi_or_404(request.user, uuid, "submissions.fill_in_parts", with_deadline=True)
    return fill_step(request, FilledEoi(eoi), step)


def fill_step(request, filled, slug):
    """One step of an application (an EOI or a full proposal: submissions.filled)."""
    step = asked_step(request, filled, slug)
    if not filled.is_editable():
        messages.info(request, str(filled.not_editable))
        return redirect(filled.application)
    if request.method == "GET" and filled.eoi.owner_id == request.user.pk:
        filled.remember_step(step.slug)
    if step.asks is None:
        return submit_step(request, filled, step)
    if step.asks.has_files:
        return files_step(request, filled, step)
    return answers_step(request, filled, step)


def save_step_forms(request, filled, forms):
    """Save what is valid and changed; returns the saved application (the forms keep what was
    typed)."""
    forms.form.is_valid()
    if "version" not in forms.form.cleaned_data:
        raise domain.DomainError(_("The form was incomplete. Reload the page and try again."))
    saved = filled.save(request.user, forms.form.cleaned_data["version"], forms.changed_answers())
    # The page goes on from the version just saved.
    forms.form.data = forms.form.data.copy()
    forms.form.data["version"] = saved.version
    return saved


def answers_step(request, filled, step):
    editable = filled.editable_keys(request.user)
    forms = step_forms(request, filled, step)
    if request.method == "POST":
        try:
            save_step_forms(request, filled, forms)
        except domain.DomainError as refusal:
            forms.form.add_error(None, refusal.message)
        else:
            if forms.is_valid():
                messages.success(request, _("Saved."))
                return step_after_save(request, filled, step, request.POST.get("go"))
    return render(
        request,
        "submissions/eoi_step.html",
        step_context(
            request,
            filled,
            step,
            # A co-applicant's step: the questions the lead keeps, named, not in the form.
            kept_by_lead=[q.label for q in step.asks.questions if q.key not in editable]
            if editable is not None
            else (),
            problem_here=forms.form.is_bound and not forms.is_valid(),
            form=forms.form,
            own_row=forms.own_row,
            rows=list(forms.rows.values()),
            rows_failed=any(
                rows.is_bound and rows.total_error_count() for rows in forms.rows.values()
            )
            or bool(forms.own_row and forms.own_row.errors),
        ),
    )


@login_required
@require_POST
def eoi_autosave(request, uuid, step):
    """Saves a step while the applicant types; answers JSON for the page's script."""
    eoi = eoi_or_404(request.user, uuid, "submissions.fill_in_parts", with_deadline=True)
    return autosave(request, FilledEoi(eoi), step)


def autosave(request, filled, slug):
    step = asked_step(request, filled, slug)
    if step.asks is None or step.asks.has_files:
        raise Http404
    if not filled.is_editable():
        return JsonResponse({"error": str(filled.not_editable)}, status=403)
    forms = step_forms(request, filled, step)
    try:
        saved = save_step_forms(request, filled, forms)
    except domain.EditConflict as conflict:
        return JsonResponse({"error": conflict.message}, status=409)
    except (domain.NotEditable, proposals.NotEditable) as refusal:
        return JsonResponse({"error": refusal.message}, status=403)
    except domain.DomainError as refusal:
        return HttpResponseBadRequest(refusal.message)
    saved_at = formats.time_format(timezone.localtime(saved.updated_at), "H:i")
    errors = forms.errors
    if errors:
        problems = "; ".join(
            f"{forms.form.fields[name].label if name in forms.form.fields else ''}: "
            f"{' '.join(str(e) for e in problems)}"
            for name, problems in errors.items()
        )
        message = _("Not saved yet: %(problems)s") % {"problems": problems}
    else:
        message = _("Saved at %(time)s") % {"time": saved_at}
    return JsonResponse(
        {
            "version": saved.version,
            "saved_at": saved_at,
            "message": message,
            "errors": {name: [str(e) for e in problems] for name, problems in errors.items()},
        }
    )


def files_step(request, filled, step):
    application = filled.application
    editable = filled.editable_keys(request.user)
    questions = [
        q for q in step.asks.questions if q.is_file and (editable is None or q.key in editable)
    ]
    already = {}
    for key in application.own_attachments().values_list("question", flat=True):
        already[key] = already.get(key, 0) + 1
    form = FilesForm(
        request.POST or None, request.FILES or None, questions=questions, already=already
    )
    if request.method == "POST":
        form.is_valid()
        try:
            if getattr(request, "upload_fault", None):  # set by core.storage.SpoolingUploadHandler
                raise domain.storage_fault(request.upload_fault)
            if form.is_valid():
                filled.add_attachments(request.user, form.uploads())
        except domain.DomainError as refusal:
            form.add_error(None, refusal.message)
        if form.is_valid():
            if form.uploads():
                messages.success(request, _("Uploaded."))
                for warning in documents.template_warnings(filled.eoi.call, form.uploads()):
                    messages.warning(request, warning)
            return step_after_save(request, filled, step, request.POST.get("go"))
    labels = {q.key: q.label for q in questions}
    attachments = [a for a in application.own_attachments() if a.question in labels]
    for attachment in attachments:
        attachment.label = labels[attachment.question]
    return render(
        request,
        "submissions/eoi_attachments.html",
        step_context(
            request,
            filled,
            step,
            problem_here=form.is_bound and not form.is_valid(),
            form=form,
            attachments=attachments,
            attachment_view=filled.attachment_view,
            attachment_delete_view=filled.attachment_delete_view,
        ),
    )


def submit_step(request, filled, step):
    application = filled.application
    form = filled.declarations_form(request.POST or None, instance=application)
    # Read for the page only: a submission checks what is missing itself (domain.Incomplete).
    missing = None
    if request.method == "POST" and application.status == Status.DRAFT and form.is_valid():
        try:
            application = filled.submit(request.user, form.cleaned_data)
        except domain.Incomplete as incomplete:
            missing = incomplete.missing
            messages.error(request, incomplete.message)
        except domain.DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            return redirect(filled.receipt_view, uuid=filled.eoi.uuid)
    if missing is None:
        missing = filled.missing_items()
    return render(
        request,
        "submissions/eoi_submit.html",
        step_context(
            request,
            filled,
            step,
            form=form,
            missing=missing,
            answers=application.readable_answers(),
        ),
    )


@login_required
def eoi_detail(request, uuid):
    """Everything the applicant answered, read-only and printable; below, their messages with
    the Secretariat and the form to write one (the Secretariat writes on its own page)."""
    eoi = eoi_or_404(request.user, uuid, "submissions.view_eoi")
    may_write = can(request.user, "submissions.fill_in_eoi", eoi) and can(
        request.user, "submissions.post_message", eoi
    )
    may_read = can(request.user, "submissions.read_messages", eoi)
    form = MessageForm(request.POST or None, request.FILES or None) if may_write else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                domain.post_message(
                    eoi, request.user, form.cleaned_data["text"], form.cleaned_data["file"]
                )
            except domain.DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Your message is sent to the Secretariat."))
                return redirect(f"{eoi.get_absolute_url()}#messages")
    return render(
        request,
        "submissions/eoi_detail.html",
        {
            "eoi": eoi,
            "call": eoi.call,
            "editable": can(request.user, "submissions.edit_parts", eoi),
            "withdrawable": can(request.user, "submissions.withdraw_eoi", eoi),
            "is_lead": eoi.owner_id == request.user.pk,
            "links": links_on_eoi_page(request.user, eoi),
            "coapplicant": coapplicants.link_of(request.user, eoi),
            "deadline": lifecycle.deadline_for(eoi),
            "answers": eoi_answers(eoi),
            # The thread is the lead's and the Secretariat's (coapplicants.py says why).
            "thread": thread_of(eoi) if may_read else None,
            "message_form": form,
            "partners": partners_of(eoi),
            "may_ask_partners": can(request.user, "submissions.ask_partners", eoi),
            "outcomes": released_outcomes(eoi),
            "proposal": proposal_of(eoi),
            # What the apps above add (interviews: the interview to book).
            "panels": panels.rendered("submissions.eoi_detail", request, eoi),
        },
    )


@login_required
@require_POST
def ask_partners(request, uuid):
    eoi = eoi_or_404(request.user, uuid, "submissions.ask_partners")
    try:
        asked = domain.ask_partners(eoi, request.user)
    except domain.DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        if asked:
            messages.success(
                request,
                ngettext(
                    "%(count)d partner is asked to confirm.",
                    "%(count)d partners are asked to confirm.",
                    asked,
                )
                % {"count": asked},
            )
        else:
            messages.info(
                request,
                _("No partner to ask: each has answered, or has a link that still works."),
            )
    return redirect(f"{eoi.get_absolute_url()}#partners")


def percent(number):
    """A share as the reader's language writes it: 70 %, 12,5 %."""
    return f"{formats.number_format(number.normalize(), use_l10n=True)}\u00a0%"


def _partner_page(request, partner, action, by_link):
    form = PartnerAnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            domain.answer_partner(
                partner,
                # Whoever holds the link answers for the partner, signed in or not.
                None if by_link else request.user,
                confirmed=form.cleaned_data["answer"] == "confirm",
                comment=form.cleaned_data["comment"],
            )
        except domain.DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            partner.refresh_from_db()
            return render(request, "submissions/partner_answered.html", {"partner": partner})
    return render(
        request,
        "submissions/partner_confirm.html",
        {
            "partner": partner,
            "eoi": partner.eoi,
            "form": form,
            "action": action,
            "lead_share": percent(partners.lead_share(partner.eoi.partners.all())),
        },
    )


def partner_confirm(request, token):
    """A partner's one-off link: no account; a link unknown, used or expired is said so."""
    partner = partners.by_token(token)
    if partner is None:
        return render(request, "submissions/partner_link_gone.html", status=404)
    return _partner_page(request, partner, request.path, by_link=True)


@login_required
def my_partnerships(request):
    """The partner rows naming one of the user's verified addresses: they answer from here."""
    found = partners.for_user(request.user).select_related("eoi", "eoi__call", "eoi__owner")
    return render(request, "submissions/my_partnerships.html", {"partners": found})


@login_required
def partner_answer(request, pk):
    partner = get_object_or_404(
        Partner.objects.select_related("eoi", "eoi__call", "eoi__owner"), pk=pk
    )
    if not can(request.user, "submissions.answer_as_partner", partner):
        raise Http404
    return _partner_page(request, partner, request.path, by_link=False)


@login_required
@csp_update({"style-src": [NONCE]})
def eoi_print(request, uuid):
    """The printable page: the PDF's own template, its style inline under this page's nonce."""
    eoi = eoi_or_404(request.user, uuid, "submissions.view_eoi")
    context = {**pdf.document_context(eoi), "nonce": str(request.csp_nonce)}
    return render(request, pdf.TEMPLATE, context)


@login_required
def eoi_pdf(request, uuid):
    eoi = eoi_or_404(request.user, uuid, "submissions.view_eoi")
    response = HttpResponse(pdf.eoi_pdf(eoi), content_type="application/pdf")
    name = eoi.reference or "expression-of-interest"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
def eoi_receipt(request, uuid):
    eoi = eoi_or_404(request.user, uuid, "submissions.fill_in_eoi")
    if not eoi.reference:
        return redirect(eoi)
    return render(
        request,
        "submissions/eoi_receipt.html",
        {"eoi": eoi, "call": eoi.call, "deadline": lifecycle.deadline_for(eoi)},
    )


@login_required
def eoi_withdraw(request, uuid):
    eoi = eoi_or_404(request.user, uuid, "submissions.withdraw_eoi")
    if request.method == "POST":
        try:
            domain.withdraw_eoi(eoi, request.user)
        except domain.DomainError as refusal:
            messages.error(request, refusal.message)
            return redirect(eoi)
        messages.success(request, _("Your expression of interest is withdrawn."))
        return redirect("submissions:dashboard")
    return render(request, "submissions/eoi_withdraw.html", {"eoi": eoi, "call": eoi.call})


@login_required
def attachment_download(request, uuid, pk):
    eoi = eoi_or_404(request.user, uuid, "submissions.download_attachments")
    # The EOI's own: its proposal's files are read by whoever reads the proposal.
    attachment = get_object_or_404(eoi.own_attachments(), pk=pk)
    shown_name = (
        attachment.original_name
        if can(request.user, "submissions.view_eoi", eoi) or not eoi.call.blind_review
        else f"{eoi.reference}-{attachment.question}{attachment.extension}"
    )
    return storage.download(attachment.file, shown_name, attachment.content_type)


@login_required
def message_file(request, uuid, pk):
    """The file of a message, for whoever may read the thread."""
    eoi = eoi_or_404(request.user, uuid, "submissions.read_messages")
    message = get_object_or_404(eoi.messages.exclude(file=""), pk=pk)
    shown_name = (
        message.original_name
        if can(request.user, "submissions.view_eoi", eoi) or not eoi.call.blind_review
        else f"{eoi.reference}-message-{message.pk}{message.extension}"
    )
    return storage.download(message.file, shown_name, message.content_type)


@login_required
@require_POST
def attachment_delete(request, uuid, pk):
    eoi = eoi_or_404(request.user, uuid, "submissions.edit_parts")
    attachment = get_object_or_404(eoi.own_attachments(), pk=pk)
    try:
        domain.remove_attachment(attachment, request.user)
    except domain.DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("“%(name)s” is removed.") % {"name": attachment.original_name})
    return back_to_files_step(request, FilledEoi(eoi), attachment)


def back_to_files_step(request, filled, attachment):
    """The step that asks for this file, if the user fills it in; the application otherwise."""
    asks = filled.definition().step_of.get(attachment.question)
    if asks is None or asks.key not in [s.slug for s in steps_for(filled, request.user)]:
        return redirect(filled.application)
    return redirect(filled.step_view, uuid=filled.eoi.uuid, step=asks.key)


@login_required
def coapplicants_page(request, uuid):
    """The lead's page of co-applicants: who is invited, who accepted, with what opened, and
    the form to invite one more."""
    eoi = eoi_or_404(request.user, uuid, "submissions.manage_coapplicants")
    definition = answers.edited_in(eoi)
    proposal = proposal_of(eoi)
    in_proposal = proposals.edited_in(proposal) if proposal else None
    form = InvitationForm(
        request.POST or None, definition=definition, proposal_definition=in_proposal
    )
    if request.method == "POST" and form.is_valid():
        try:
            coapplicants.invite(eoi, request.user, form.cleaned_data["email"], form.chosen_parts())
        except domain.DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("The invitation is sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("submissions:coapplicants", uuid=eoi.uuid)
    people = list(eoi.coapplicants.live().select_related("user"))
    for person in people:
        person.opened = coapplicants.parts_in_words(definition, person.parts)
        if proposal is not None:
            person.opened_in_proposal = coapplicants.parts_in_words(
                in_proposal, coapplicants.proposal_parts(person.parts, definition, in_proposal)
            )
        person.expired = person.accepted_at is None and coapplicants.is_expired(person)
    return render(
        request,
        "submissions/eoi_coapplicants.html",
        {"eoi": eoi, "call": eoi.call, "people": people, "form": form, "proposal": proposal},
    )


@login_required
def coapplicant_parts(request, uuid, pk):
    """The lead changes what a co-applicant (or an invitee) may edit."""
    eoi = eoi_or_404(request.user, uuid, "submissions.manage_coapplicants")
    person = get_object_or_404(eoi.coapplicants.live(), pk=pk)
    definition = answers.edited_in(eoi)
    proposal = proposal_of(eoi)
    in_proposal = proposals.edited_in(proposal) if proposal else None
    form = PartsForm(
        request.POST or None,
        initial={"parts": coapplicants.shown_parts(person.parts, definition, in_proposal)},
        definition=definition,
        proposal_definition=in_proposal,
    )
    if request.method == "POST" and form.is_valid():
        coapplicants.set_parts(person, request.user, form.chosen_parts())
        messages.success(request, _("What %(email)s may edit is saved.") % {"email": person.email})
        return redirect("submissions:coapplicants", uuid=eoi.uuid)
    return render(
        request,
        "submissions/eoi_coapplicant_parts.html",
        {"eoi": eoi, "call": eoi.call, "person": person, "form": form},
    )


@login_required
@require_POST
def coapplicant_revoke(request, uuid, pk):
    eoi = eoi_or_404(request.user, uuid, "submissions.manage_coapplicants")
    person = get_object_or_404(eoi.coapplicants.live(), pk=pk)
    coapplicants.revoke(person, request.user)
    messages.success(request, _("%(email)s no longer has access.") % {"email": person.email})
    return redirect("submissions:coapplicants", uuid=eoi.uuid)


def invitation(request, token):
    """The link of an invitation to co-apply: sign in (or up) with the invited address, then
    accept. An unknown, revoked, used or expired link says so, and names nothing."""
    found = coapplicants.find(token)
    mine = found is not None and found.user_id == request.user.pk and found.revoked_at is None
    if mine and request.user.is_authenticated:  # opened again by the one who accepted it
        return redirect(found.eoi)
    if found is None or not coapplicants.is_open(found):
        return render(request, "submissions/invitation_invalid.html", status=404)
    if not request.user.is_authenticated:
        return render(request, "submissions/invitation_sign_in.html", {"next": request.path})
    if not coapplicants.has_address(request.user, found.email):
        # An explained page, not an error: the visitor can sign in with the other address.
        return render(request, "submissions/invitation_other_address.html")
    if request.method == "POST":
        try:
            coapplicants.accept(found, request.user)
        except domain.DomainError as refusal:
            messages.error(request, refusal.message)
            return redirect("submissions:dashboard")
        messages.success(request, _("You are now a co-applicant of this expression of interest."))
        return redirect(found.eoi)
    return render(
        request,
        "submissions/invitation.html",
        {"invitation": found, "eoi": found.eoi, "call": found.eoi.call},
    )


@login_required
def proposal_detail(request, uuid):
    """The full proposal, read-only and printable: for its applicant, their co-applicants and
    the Secretariat."""
    proposal = proposal_or_404(request.user, uuid, "submissions.view_proposal")
    return render(
        request,
        "submissions/proposal_detail.html",
        {
            "proposal": proposal,
            "eoi": proposal.eoi,
            "call": proposal.call,
            "editable": can(request.user, "submissions.edit_proposal", proposal),
            "withdrawable": can(request.user, "submissions.withdraw_proposal", proposal),
            "deadline": proposals.deadline_for(proposal),
            "answers": proposal.readable_answers(),
            "figures": proposals.figures(proposal),
        },
    )


@login_required
def proposal_continue(request, uuid):
    proposal = proposal_or_404(request.user, uuid, "submissions.fill_in_proposal_parts")
    return continue_filling(request, FilledProposal(proposal), proposal.last_step)


@login_required
def proposal_step(request, uuid, step):
    proposal = proposal_or_404(request.user, uuid, "submissions.fill_in_proposal_parts")
    return fill_step(request, FilledProposal(proposal), step)


@login_required
@require_POST
def proposal_autosave(request, uuid, step):
    proposal = proposal_or_404(request.user, uuid, "submissions.fill_in_proposal_parts")
    return autosave(request, FilledProposal(proposal), step)


@login_required
def proposal_receipt(request, uuid):
    proposal = proposal_or_404(request.user, uuid, "submissions.fill_in_proposal")
    if not proposal.reference:
        return redirect(proposal)
    return render(
        request,
        "submissions/eoi_receipt.html",
        {
            "eoi": proposal,
            "kind": FilledProposal.kind,
            "call": proposal.call,
            "deadline": proposals.deadline_for(proposal),
        },
    )


@login_required
@csp_update({"style-src": [NONCE]})
def proposal_print(request, uuid):
    proposal = proposal_or_404(request.user, uuid, "submissions.view_proposal")
    context = {
        **pdf.document_context(proposal, FilledProposal.kind),
        "nonce": str(request.csp_nonce),
    }
    return render(request, pdf.TEMPLATE, context)


@login_required
def proposal_pdf(request, uuid):
    proposal = proposal_or_404(request.user, uuid, "submissions.view_proposal")
    response = HttpResponse(
        pdf.eoi_pdf(proposal, FilledProposal.kind), content_type="application/pdf"
    )
    name = proposal.reference or "full-proposal"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
def proposal_withdraw(request, uuid):
    """The lead applicant withdraws the full proposal, and with it the application, once
    they have confirmed it."""
    proposal = proposal_or_404(request.user, uuid, "submissions.withdraw_proposal")
    if request.method == "POST":
        try:
            proposals.withdraw(proposal, request.user)
        except domain.DomainError as refusal:
            messages.error(request, refusal.message)
            return redirect(proposal)
        messages.success(request, _("Your full proposal is withdrawn."))
        return redirect("submissions:dashboard")
    return render(
        request,
        "submissions/proposal_withdraw.html",
        {"proposal": proposal, "eoi": proposal.eoi, "call": proposal.call},
    )


@login_required
def proposal_attachment(request, uuid, pk):
    """A file of the full proposal, for whoever reads the proposal and its cleared reviewers
    (the permission is said in review/rules.py, which knows reviewers)."""
    proposal = proposal_or_404(request.user, uuid, "submissions.download_proposal_attachments")
    attachment = get_object_or_404(proposal.attachments, pk=pk)
    # A reviewer of a blind review reads no name the applicant gave the file, as for the EOI's.
    shown_name = (
        attachment.original_name
        if can(request.user, "submissions.view_proposal", proposal)
        or not proposal.call.blind_review
        else f"{proposal.reference}-{attachment.question}{attachment.extension}"
    )
    return storage.download(attachment.file, shown_name, attachment.content_type)


@login_required
@require_POST
def proposal_attachment_delete(request, uuid, pk):
    proposal = proposal_or_404(request.user, uuid, "submissions.edit_proposal")
    attachment = get_object_or_404(proposal.attachments, pk=pk)
    try:
        proposals.remove_attachment(attachment, request.user)
    except domain.DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("“%(name)s” is removed.") % {"name": attachment.original_name})
    return back_to_files_step(request, FilledProposal(proposal), attachment)
