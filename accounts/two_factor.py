"""Whether this session passed the second factor: having an authenticator is not using it.

Every sign-in that reaches allauth's second-factor step (the sign-in page, a confirmation link,
any door added later) and every authenticator set up in the session leaves a mark in the
session; TwoFactorRequiredMiddleware signs out a staff session without it, whichever door it
came through.
"""

from allauth.account.signals import authentication_step_completed
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added
from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .roles import needs_two_factor

SESSION_KEY = "kmf_second_factor_user"


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """Setting up an authenticator app: its code's label in the site's words (allauth's French
    says "Code de l'authentificateur"), without a placeholder that only repeats it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("The code the app shows")
        self.fields["code"].widget.attrs.pop("placeholder", None)


class MFAAdapter(DefaultMFAAdapter):
    # allauth's refusals on the two-factor pages, in the site's own words ("Incorrect code"
    # already is).
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "add_email_blocked": _("You cannot add an email address while two-factor sign-in is on."),
        "cannot_delete_authenticator": _("You cannot turn off two-factor sign-in."),
        "cannot_generate_recovery_codes": _(
            "Set up an authenticator app first: recovery codes come with it."
        ),
        "unverified_email": _(
            "Confirm your email addresses first (or remove the ones not confirmed) to set up "
            "two-factor sign-in."
        ),
    }

    def can_delete_authenticator(self, authenticator):
        # Staff would be sent straight back to set one up: say so instead of pretending.
        return not (settings.KMF_STAFF_2FA and needs_two_factor(authenticator.user))


def has_authenticator(user) -> bool:
    """Whether `user` has an authenticator app, as a signed-in request's user comes with it
    (accounts.backends), or asked."""
    found = getattr(user, "_has_authenticator", None)
    if found is None:
        found = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return found


def remember_has_authenticator(user, found: bool) -> None:
    user._has_authenticator = found


def passed_second_factor(request) -> bool:
    return request.session.get(SESSION_KEY) == str(request.user.pk)


def remember_second_factor(session, user) -> None:
    session[SESSION_KEY] = str(user.pk)


def _on_authentication_step(sender, request, method, user, **kwargs):
    if method == "mfa":
        remember_second_factor(request.session, user)


def _on_authenticator_added(sender, request, user, **kwargs):
    # Setting one up asks for a code from it: that is the second factor, passed.
    remember_second_factor(request.session, user)


def connect_signals():
    authentication_step_completed.connect(
        _on_authentication_step, dispatch_uid="accounts.second_factor_step"
    )
    authenticator_added.connect(
        _on_authenticator_added, dispatch_uid="accounts.second_factor_added"
    )
