from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from .roles import needs_two_factor
from .two_factor import has_authenticator, passed_second_factor


class UserLanguageMiddleware:
    """Signed-in people see the site in the language kept on their account."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.preferred_language:
            translation.activate(user.preferred_language)
            request.LANGUAGE_CODE = user.preferred_language
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Secretariat members, reviewers and admin users sign in with a second factor, whatever the
    door. Without an authenticator, every page but the sign-in and set-up pages sends them to set
    one up; with one, a session that did not pass it (a side door, a session from before the
    authenticator) is signed out, so the page answers as it would a stranger."""

    SET_UP_PATHS = ("/accounts/", "/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if settings.KMF_STAFF_2FA and user.is_authenticated and needs_two_factor(user):
            if not has_authenticator(user):
                if not request.path.startswith(self.SET_UP_PATHS):
                    messages.warning(
                        request,
                        _("Your role needs two-factor sign-in: set up an authenticator app first."),
                    )
                    return redirect("mfa_activate_totp")
            elif not passed_second_factor(request):
                logout(request)
                messages.warning(
                    request, _("Please sign in again, with the code from your authenticator app.")
                )
        return self.get_response(request)
