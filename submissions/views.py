from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import can

from . import domain, lifecycle, pdf
from .forms import (
    STEP_SLUGS,
    STEPS,
    AttachmentsForm,
    DeclarationsForm,
    PartnerFormSet,
    step_by_slug,
)
from .models import Attachment, Call, ExpressionOfInterest
from .selectors import applicant_eois, eoi_answers, eoi_or_404

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
        Call.objects.published().prefetch_related("challenges", "milestones", "questions"),
        slug=slug,
    )
    my_eoi = None
    if request.user.is_authenticated:
        my_eoi = call.eois.filter(owner=request.user).exclude(status=Status.WITHDRAWN).first()
    return render(request, "submissions/call_detail.html", {"call": call, "my_eoi": my_eoi})


@login_required
@require_POST
def apply(request, slug):
    call = get_object_or_404(Call.objects.published(), slug=slug)
    try:
        eoi = domain.start_eoi(call, request.user)
    except domain.CallNotOpen as refusal:
        messages.error(request, refusal.message)
        return redirect(call)
    return redirect("submissions:eoi_step", uuid=eoi.uuid, step=STEPS[0].slug)


@login_required
def dashboard(request):
    eois = list(applicant_eois(request.user))
    for eoi in eois:
        eoi.deadline = lifecycle.deadline_for(eoi)
        eoi.editable = domain.is_editable(eoi)
    return render(request, "submissions/dashboard.html", {"eois": eois})


def step_context(eoi, step, **extra):
    index = STEP_SLUGS.index(step.slug)
    return {
        "eoi": eoi,
        "call": eoi.call,
        "steps": STEPS,
        "step": step,
        "step_number": index + 1,
        "previous_step": STEPS[index - 1] if index else None,
        "next_step": STEPS[index + 1] if index + 1 < len(STEPS) else None,
        "deadline": lifecycle.deadline_for(eoi),
        **extra,
    }


def step_after_save(eoi, step, direction):
    index = STEP_SLUGS.index(step.slug)
    if direction == "next" and index + 1 < len(STEPS):
        index += 1
    elif direction == "back" and index:
        index -= 1
    return redirect("submissions:eoi_step", uuid=eoi.uuid, step=STEPS[index].slug)


@login_required
def eoi_step(request, uuid, step):
    step = step_by_slug(step)
    if step is None:
        raise Http404
    eoi = eoi_or_404(request.user, uuid, "submissions.fill_in_eoi")
    if not domain.is_editable(eoi):
        messages.info(request, _("This expression of interest can no longer be changed."))
        return redirect(eoi)
    if step.form_class:
        return answers_step(request, eoi, step)
    if step.slug == "attachments":
        return attachments_step(request, eoi, step)
    return submit_step(request, eoi, step)


def bound_step_form(request, eoi, step):
    return step.form_class(
        request.POST or None,
        instance=eoi,
        require_answers=eoi.status == Status.SUBMITTED,
    )


def save_step_form(request, eoi, form, partners=None):
    """Save what is valid and changed; returns the saved EOI (the form keeps what was typed)."""
    form.is_valid()
    if "version" not in form.cleaned_data:
        raise domain.DomainError(_("The form was incomplete. Reload the page and try again."))
    changed = set(form.changed_data)
    eoi = domain.save_step(
        eoi,
        request.user,
        form.cleaned_data["version"],
        {name: value for name, value in form.answers().items() if name in changed},
        {name: value for name, value in form.many_to_many_answers().items() if name in changed},
        partners=partners if partners is not None and partners.is_valid() else None,
    )
    # The page goes on from the version just saved.
    form.data = form.data.copy()
    form.data["version"] = eoi.version
    return eoi


def answers_step(request, eoi, step):
    form = bound_step_form(request, eoi, step)
    partners = None
    if step.slug == "budget":
        partners = PartnerFormSet(request.POST or None, instance=eoi, prefix="partners")
    if request.method == "POST":
        try:
            eoi = save_step_form(request, eoi, form, partners)
        except domain.DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            if form.is_valid() and (partners is None or partners.is_valid()):
                messages.success(request, _("Saved."))
                return step_after_save(eoi, step, request.POST.get("go"))
    return render(
        request,
        "submissions/eoi_step.html",
        step_context(eoi, step, form=form, partners=partners),
    )


@login_required
@require_POST
def eoi_autosave(request, uuid, step):
    """Saves a step while the applicant types; answers JSON for the page's script."""
    step = step_by_slug(step)
    if step is None or step.form_class is None:
        raise Http404
    eoi = eoi_or_404(request.user, uuid, "submissions.fill_in_eoi")
    if not domain.is_editable(eoi):
        return JsonResponse(
            {"error": _("This expression of interest can no longer be changed.")}, status=403
        )
    form = bound_step_form(request, eoi, step)
    try:
        eoi = save_step_form(request, eoi, form)
    except domain.EditConflict as conflict:
        return JsonResponse({"error": conflict.message}, status=409)
    except domain.NotEditable as refusal:
        return JsonResponse({"error": refusal.message}, status=403)
    except domain.DomainError as refusal:
        return HttpResponseBadRequest(refusal.message)
    saved_at = formats.time_format(timezone.localtime(eoi.updated_at), "H:i")
    if form.errors:
        problems = "; ".join(
            f"{form.fields[name].label if name in form.fields else ''}: {' '.join(errors)}"
            for name, errors in form.errors.items()
        )
        message = _("Not saved yet: %(problems)s") % {"problems": problems}
    else:
        message = _("Saved at %(time)s") % {"time": saved_at}
    return JsonResponse(
        {
            "version": eoi.version,
            "saved_at": saved_at,
            "message": message,
            "errors": {name: [str(e) for e in errors] for name, errors in form.errors.items()},
        }
    )


def attachments_step(request, eoi, step):
    form = AttachmentsForm(
        request.POST or None,
        request.FILES or None,
        supporting_already=eoi.attachments.filter(kind=Attachment.Kind.SUPPORTING).count(),
    )
    if request.method == "POST":
        form.is_valid()
        try:
            if getattr(request, "upload_fault", None):  # set by core.storage.SpoolingUploadHandler
                raise domain.storage_fault(request.upload_fault)
            domain.add_attachments(
                eoi,
                request.user,
                budget=form.cleaned_data.get("budget"),
                supporting=form.cleaned_data.get("supporting") or (),
            )
        except domain.DomainError as refusal:
            form.add_error(None, refusal.message)
        if form.is_valid():
            if form.cleaned_data.get("budget") or form.cleaned_data.get("supporting"):
                messages.success(request, _("Uploaded."))
            return step_after_save(eoi, step, request.POST.get("go"))
    return render(
        request,
        "submissions/eoi_attachments.html",
        step_context(eoi, step, form=form, attachments=eoi.attachments.all()),
    )


def submit_step(request, eoi, step):
    form = DeclarationsForm(request.POST or None, instance=eoi)
    missing = domain.missing_items(eoi)
    if request.method == "POST" and eoi.status == Status.DRAFT and form.is_valid():
        try:
            eoi = domain.submit_eoi(eoi, request.user, form.cleaned_data)
        except domain.Incomplete as incomplete:
            missing = incomplete.missing
            messages.error(request, incomplete.message)
        except domain.DomainError as refusal:
            messages.error(request, refusal.message)
        else:
            return redirect("submissions:eoi_receipt", uuid=eoi.uuid)
    return render(
        request,
        "submissions/eoi_submit.html",
        step_context(
            eoi,
            step,
            form=form,
            missing=missing,
            answers=eoi_answers(eoi),
        ),
    )


@login_required
def eoi_detail(request, uuid):
    """Everything the applicant answered, read-only and printable."""
    eoi = eoi_or_404(request.user, uuid, "submissions.view_eoi")
    return render(
        request,
        "submissions/eoi_detail.html",
        {
            "eoi": eoi,
            "call": eoi.call,
            "editable": can(request.user, "submissions.edit_eoi", eoi),
            "withdrawable": can(request.user, "submissions.withdraw_eoi", eoi),
            "deadline": lifecycle.deadline_for(eoi),
            "answers": eoi_answers(eoi),
        },
    )


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
    attachment = get_object_or_404(eoi.attachments, pk=pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name
        if can(request.user, "submissions.view_eoi", eoi) or not eoi.call.blind_review
        else f"{eoi.reference}-{attachment.kind}{attachment.extension}",
        content_type=attachment.content_type,
    )
    return response


@login_required
@require_POST
def attachment_delete(request, uuid, pk):
    eoi = eoi_or_404(request.user, uuid, "submissions.edit_eoi")
    attachment = get_object_or_404(eoi.attachments, pk=pk)
    try:
        domain.remove_attachment(attachment, request.user)
    except domain.DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("“%(name)s” is removed.") % {"name": attachment.original_name})
    return redirect(
        reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": "attachments"})
    )
