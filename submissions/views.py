from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .models import Call


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
    return render(request, "submissions/call_detail.html", {"call": call, "now": timezone.now()})
