import sys

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    HttpResponseServerError,
)
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog

from core.permissions import can
from core.timezones import TIME_ZONE_COOKIE, time_zone_names
from submissions.forms import MAX_FILES
from submissions.models import Call


class TimeZoneForm(forms.Form):
    time_zone = forms.ChoiceField(label=_("Your time zone"), choices=())
    next = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = [
            (name, name.replace("_", " ")) for name in time_zone_names()
        ]


@login_required
def start(request):
    """Where each person's work is, after signing in: the Secretariat on the dashboard of the
    call it is running, reviewers on their assignments, applicants on their applications."""
    if can(request.user, "review.manage_review"):
        call = working_call()
        return redirect("review:dashboard", call.slug) if call else redirect("admin:index")
    if can(request.user, "review.see_assignments"):
        return redirect("review:assignments")
    return redirect("submissions:dashboard")


def working_call():
    """The call the Secretariat is working on: the open one that closes first, else the one
    that closed last (its review), else the next to open."""
    calls = Call.objects.all()
    return (
        calls.open().order_by("closes_at").first()
        or calls.filter(closes_at__lte=timezone.now()).order_by("-closes_at").first()
        or calls.order_by("opens_at").first()
    )


def safe_next(request, candidate):
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return "/"


def choose_time_zone(request):
    """Lets a visitor without JavaScript see deadlines in their own time zone."""
    form = TimeZoneForm(
        request.POST or None,
        initial={
            "time_zone": request.COOKIES.get(TIME_ZONE_COOKIE, "UTC"),
            "next": request.GET.get("next", ""),
        },
    )
    if form.is_valid():
        # An address, never a view name to look up: redirect() would try "-1" as one.
        response = HttpResponseRedirect(safe_next(request, form.cleaned_data["next"]))
        response.set_cookie(
            TIME_ZONE_COOKIE,
            form.cleaned_data["time_zone"],
            max_age=60 * 60 * 24 * 365,
            samesite="Lax",
            secure=request.is_secure(),
        )
        return response
    return render(request, "time_zone.html", {"form": form})


def help_page(request):
    return render(
        request,
        "help.html",
        {"max_upload_mb": settings.KMF_MAX_UPLOAD_MB, "max_files": MAX_FILES},
    )


# The site's own strings only (locale/*/LC_MESSAGES/djangojs.po, which Django always reads):
# naming one of our apps, which keep no catalogue of their own, leaves out the admin's.
_javascript_catalogue = JavaScriptCatalog.as_view(packages=["submissions"])


@cache_page(60 * 60)  # built once an hour, not per page; an hour old at most after a release
def javascript_catalogue(request, language):
    """gettext(), ngettext() and interpolate() for static/js, in the language named in the
    address, so that a browser's copy is never that of another language. The same for
    everyone: marked public, browsers and proxies keep it as they keep static files."""
    if language not in dict(settings.LANGUAGES):
        raise Http404
    with translation.override(language):
        response = _javascript_catalogue(request)
    patch_cache_control(response, public=True)
    response.headers["Content-Language"] = language
    return response


def server_error(request):
    """The 500 page, or a 503 one while the database cannot be reached (it restarts, or fails
    over): Django calls this inside its exception handler, where the cause is still known.
    Both are rendered without context processors, the session or the database, any of which
    may be what failed."""
    context = {"contact_email": settings.KMF_CONTACT_EMAIL}
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        response = HttpResponse(loader.render_to_string("503.html", context), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponseServerError(loader.render_to_string("500.html", context))


def bad_request(request, exception=None):
    """The 400 page: for Django's refusals (more files or fields than a page takes at once,
    DATA_UPLOAD_MAX_NUMBER_FILES and _FIELDS; a bad host name) and for NUL characters
    (core.middleware.NulCharactersRefusedMiddleware). Built like the 500 page, on nothing that
    could be what failed."""
    context = {
        "contact_email": settings.KMF_CONTACT_EMAIL,
        "max_files": settings.DATA_UPLOAD_MAX_NUMBER_FILES,
        "max_fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
    }
    return HttpResponseBadRequest(loader.render_to_string("400.html", context))
