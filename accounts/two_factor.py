"""Whether this session passed the second factor: having an authenticator is not using it.

Every sign-in that reaches allauth's second-factor step (the sign-in page, a confirmation link,
any door added later) and every authenticator set up in the session leaves a mark in the
session; TwoFactorRequiredMiddleware signs out a staff session without it, whichever door it
came through.
"""

from allauth.account.signals import authentication_step_completed
from allauth.mfa.models import Authenticator
from allauth.mfa.signals import authenticator_added

SESSION_KEY = "kmf_second_factor_user"


def has_authenticator(user) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


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
