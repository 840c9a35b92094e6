from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.permissions import can
from submissions import lifecycle
from submissions.lifecycle import DomainError
from submissions.models import Call, Stage
from submissions.selectors import eoi_or_404

from . import domain, selectors
from .forms import (
    AssessmentForm,
    BookingForm,
    SecretariatCancelForm,
    SecretariatMoveForm,
    SlotsForm,
)
from .models import Slot

# A stage of a call with tens of thousands of EOIs has thousands of slots: all on one page took
# seconds to draw (docs/BENCHMARKS.md).
SLOTS_PER_PAGE = 50


def _call_for_slots(request, slug):
    if not can(request.user, "interviews.manage_slots"):
        raise Http404
    return get_object_or_404(Call, slug=slug)


@login_required
def slots(request, slug):
    """The call's interview slots and their bookings; the form to offer more."""
    call = _call_for_slots(request, slug)
    stage = domain.interview_stage(call)
    form = SlotsForm(request.POST or None, call=call)
    if request.method == "POST":
        if stage is None:
            raise Http404
        if form.is_valid():
            try:
                offered = domain.offer_slots(
                    stage,
                    form.starts(),
                    duration_minutes=form.cleaned_data["duration_minutes"],
                    location=form.cleaned_data["location"],
                    video_url=form.cleaned_data["video_url"],
                    interviewers=form.cleaned_data["interviewers"],
                    actor=request.user,
                )
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    _("%(count)d slots offered.") % {"count": len(offered)}
                    if len(offered) != 1
                    else _("One slot offered."),
                )
                return redirect("interviews:slots", slug=call.slug)
    page = None
    if stage:
        number = request.GET.get("page") or selectors.page_of_the_next_slot(
            stage, SLOTS_PER_PAGE, timezone.now()
        )
        page = Paginator(selectors.slots_with_bookings(stage), SLOTS_PER_PAGE).get_page(number)
    return render(
        request,
        "interviews/slots.html",
        {"call": call, "stage": stage, "form": form, "page": page},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def remove_slot(request, slug, pk):
    call = _call_for_slots(request, slug)
    slot = get_object_or_404(Slot, pk=pk, stage__call=call)
    try:
        domain.remove_slot(slot, request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Slot removed."))
    return redirect("interviews:slots", slug=call.slug)


def _booking_page(request, eoi, form=None, chosen=None, status=200):
    booking = selectors.live_booking(eoi)
    stage = domain.interview_stage(eoi.call)
    lead = can(request.user, "interviews.book_interview", eoi)
    shortlisted = lifecycle.is_waiting_in(eoi, Stage.Kind.INTERVIEW)
    now = timezone.now()
    free = (
        list(selectors.free_slots(stage, now + domain.BOOKING_CUTOFF))
        if stage and shortlisted and lead and (booking is None or domain.is_changeable(booking))
        else []
    )
    return render(
        request,
        "interviews/booking.html",
        {
            "eoi": eoi,
            "call": eoi.call,
            "booking": booking,
            "changeable": booking is not None and domain.is_changeable(booking),
            "called_off": selectors.cancelled_by_secretariat(eoi) if booking is None else None,
            "lead": lead,
            "shortlisted": shortlisted,
            "free": free,
            "form": form or BookingForm(),
            "chosen": chosen,
            "visitor_zone": request.visitor_time_zone,
            "cutoff_hours": int(domain.BOOKING_CUTOFF.total_seconds() // 3600),
        },
        status=status,
    )


@login_required
def booking(request, uuid):
    """The applicant's interview: the free slots in their time zone and the call's, the one
    they booked; the lead books, moves and cancels it, co-applicants read it."""
    eoi = eoi_or_404(request.user, uuid, "interviews.see_interview")
    if request.method != "POST":
        return _booking_page(request, eoi)
    if not can(request.user, "interviews.book_interview", eoi):
        raise Http404
    form = BookingForm(request.POST)
    if not form.is_valid():
        form.add_error(None, _("Pick one of the slots below."))
        return _booking_page(request, eoi, form, status=400)
    zone = request.visitor_time_zone
    try:
        domain.book(eoi, form.cleaned_data["slot"], request.user, str(zone) if zone else "")
    except domain.SlotTaken as refusal:
        form.add_error(None, refusal.message)
        return _booking_page(request, eoi, form, status=409)
    except DomainError as refusal:
        form.add_error(None, refusal.message)
        return _booking_page(request, eoi, form, chosen=form.cleaned_data["slot"], status=400)
    messages.success(request, _("Your interview is booked. A calendar invitation is on its way."))
    return redirect("interviews:booking", uuid=eoi.uuid)


@login_required
@require_POST
def cancel(request, uuid):
    eoi = eoi_or_404(request.user, uuid, "interviews.book_interview")
    try:
        domain.cancel(eoi, request.user)
    except DomainError as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Your interview is cancelled. You can book another slot."))
    return redirect("interviews:booking", uuid=eoi.uuid)


@login_required
def assessment(request, uuid):
    """The interview's notes and score, for the Secretariat and the slot's interviewers."""
    eoi = eoi_or_404(request.user, uuid, "interviews.assess_interview")
    booking = selectors.live_booking(eoi)
    highest = eoi.call.score_scale_max
    initial = {"notes": booking.notes, "score": booking.score} if booking else None
    form = AssessmentForm(request.POST or None, initial=initial, highest=highest)
    status = 200
    if request.method == "POST":
        if booking is None:
            raise Http404
        if form.is_valid():
            try:
                domain.assess(
                    booking, form.cleaned_data["notes"], form.cleaned_data["score"], request.user
                )
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(request, _("Interview notes and score saved."))
                return redirect("interviews:assessment", uuid=eoi.uuid)
        status = 400
    return render(
        request,
        "interviews/assessment.html",
        {
            "eoi": eoi,
            "call": eoi.call,
            "booking": booking,
            "form": form,
            "started": booking is not None and booking.slot.starts_at <= timezone.now(),
            "secretariat": can(request.user, "review.manage_review"),
        },
        status=status,
    )


@login_required
def change_booking(request, uuid):
    """The Secretariat moves the interview to another free slot, or cancels it, at any time
    and saying why (an interviewer fell ill): the same booking and cancelling as the
    applicant's, past the applicant's cutoff."""
    eoi = eoi_or_404(request.user, uuid, "interviews.change_booking")
    booking = selectors.live_booking(eoi)
    stage = domain.interview_stage(eoi.call)
    free = list(selectors.free_slots(stage, timezone.now())) if booking and stage else []
    # Each form has its prefix: a post carries the fields of the one that was sent.
    cancelling = request.method == "POST" and "cancel-reason" in request.POST
    moving = request.method == "POST" and not cancelling
    move_form = SecretariatMoveForm(
        request.POST if moving else None, prefix="move", free_slots=free, call=eoi.call
    )
    cancel_form = SecretariatCancelForm(request.POST if cancelling else None, prefix="cancel")
    status = 200
    if request.method == "POST":
        form = cancel_form if cancelling else move_form
        status = 400
        if form.is_valid():
            reason = form.cleaned_data["reason"]
            try:
                if cancelling:
                    domain.cancel(eoi, request.user, reason=reason)
                else:
                    domain.book(eoi, form.cleaned_data["slot"], request.user, reason=reason)
            except domain.SlotTaken as refusal:
                form.add_error(None, refusal.message)
                status = 409
            except DomainError as refusal:
                form.add_error(None, refusal.message)
            else:
                messages.success(
                    request,
                    _("The interview is cancelled. The applicant and the interviewers are told.")
                    if cancelling
                    else _("The interview is moved. The applicant and the interviewers are told."),
                )
                return redirect("review:secretariat_eoi", uuid=eoi.uuid)
    return render(
        request,
        "interviews/change_booking.html",
        {
            "eoi": eoi,
            "call": eoi.call,
            "booking": booking,
            "move_form": move_form,
            "cancel_form": cancel_form,
            "free": free,
        },
        status=status,
    )


def applicant_panel(request, eoi):
    """On the applicant's page of a shortlisted EOI: its interview, or the invitation to book
    one. Other EOIs' pages ask nothing more of the database."""
    if not lifecycle.is_waiting_in(eoi, Stage.Kind.INTERVIEW):
        return ""
    booking = selectors.live_booking(eoi)
    return render_to_string(
        "interviews/includes/applicant_panel.html",
        {
            "eoi": eoi,
            "booking": booking,
            "called_off": selectors.cancelled_by_secretariat(eoi) if booking is None else None,
        },
        request=request,
    )


def secretariat_panel(request, eoi):
    """On the Secretariat's page of an EOI: the interview, its notes and score."""
    booking = selectors.live_booking(eoi)
    if booking is None and not lifecycle.is_waiting_in(eoi, Stage.Kind.INTERVIEW):
        return ""
    return render_to_string(
        "interviews/includes/secretariat_panel.html",
        {"eoi": eoi, "booking": booking},
        request=request,
    )


def dashboard_link(request, call):
    """On the call's dashboard: the way to its interview slots, when it has an interview stage."""
    if domain.interview_stage(call) is None:
        return ""
    return render_to_string("interviews/includes/dashboard_link.html", {"call": call})
