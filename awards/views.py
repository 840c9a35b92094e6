from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.trail import entries_for
from audit.wording import said
from core import tables
from core.permissions import can
from submissions.lifecycle import DomainError
from submissions.models import Call
from submissions.selectors import eoi_or_404

from . import domain, exports, letters, selectors
from .forms import GrantForm
from .models import Grant


def secretariat_only(request):
    if not can(request.user, "awards.manage_grants"):
        raise Http404


@login_required
def grant_list(request, slug):
    """The call's EOIs recommended or awarded, each with its grant, and the totals."""
    secretariat_only(request)
    call = get_object_or_404(Call, slug=slug)
    totals = selectors.totals(call)
    committed = selectors.committed(call)
    return render(
        request,
        "awards/grant_list.html",
        {
            "call": call,
            "rows": [(eoi, selectors.grant_of(eoi)) for eoi in selectors.candidates(call)],
            "totals": totals,
            "committed": committed,
            "remaining": None
            if call.budget_available is None
            else call.budget_available - committed,
        },
    )


@login_required
def grant_export(request, slug, file_format):
    secretariat_only(request)
    call = get_object_or_404(Call, slug=slug)
    return tables.download(exports.grant_rows(call), f"{call.slug}-grants", file_format, "Grants")


@login_required
def grant(request, uuid):
    """Record or change the grant of one EOI recommended or awarded."""
    eoi = eoi_or_404(request.user, uuid, "awards.manage_grants")
    if not selectors.may_hold_a_grant(eoi):
        raise Http404
    current = Grant.objects.filter(eoi=eoi).first()
    initial = {"version": current.version if current else None}
    form = GrantForm(request.POST or None, instance=current, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            domain.record_grant(
                eoi,
                form.cleaned_data["amount"],
                form.cleaned_data["conditions"],
                request.user,
                version=form.cleaned_data["version"],
            )
        except domain.Stale as refusal:
            form.add_error(None, refusal.message)
            # What was typed stays; saved again, it replaces the grant the message named.
            current = Grant.objects.filter(eoi=eoi).first()
            form.data = form.data.copy()
            form.data["version"] = current.version
        except DomainError as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(request, _("Grant saved."))
            return redirect("awards:grant", uuid=eoi.uuid)
    committed = selectors.committed(eoi.call, leaving_out=current)
    available = eoi.call.budget_available
    return render(
        request,
        "awards/grant.html",
        {
            "eoi": eoi,
            "call": eoi.call,
            "grant": current,
            "form": form,
            "left": None if available is None else available - committed,
            "audit": said(
                entries_for(eoi).filter(action__startswith="grant.").order_by("-created_at"),
                target=eoi,
            ),
        },
    )


@login_required
@require_POST
def issue_letter(request, uuid):
    eoi = eoi_or_404(request.user, uuid, "awards.manage_grants")
    grant = get_object_or_404(Grant, eoi=eoi)
    try:
        domain.issue_letter(grant, request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(
            request, _("Letter issued: the applicants download it once the EOI is awarded.")
        )
    return redirect("awards:grant", uuid=eoi.uuid)


@login_required
def letter(request, uuid):
    """The grant letter as PDF, in the lead applicant's language: the Secretariat's preview,
    the applicants' download once it is issued and the EOI awarded."""
    grant = get_object_or_404(
        Grant.objects.select_related("eoi__call", "eoi__owner", "recorded_by"), eoi__uuid=uuid
    )
    if not can(request.user, "awards.read_letter", grant):
        raise Http404
    response = HttpResponse(letters.letter_pdf(grant), content_type="application/pdf")
    name = grant.eoi.reference or "grant"
    response["Content-Disposition"] = f'attachment; filename="{name}-grant-letter.pdf"'
    return response
