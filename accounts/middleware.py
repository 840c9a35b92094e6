from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from .roles import needs_two_factor


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
    """Secretariat members, reviewers and admin users set up two-factor sign-in before anything
    else: every other page sends them to it. Sign-in pages, static files and /healthz stay open."""

    OPEN_PATHS = ("/accounts/", "/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            settings.KMF_STAFF_2FA
            and user.is_authenticated
            and not request.path.startswith(self.OPEN_PATHS)
            and needs_two_factor(user)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            messages.warning(
                request, _("Your role needs two-factor sign-in: set up an authenticator app first.")
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)
