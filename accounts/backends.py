"""How a signed-in request finds its user: allauth's sign-in, and the user read with their roles
and whether they have an authenticator in one query, not three (the user, their groups, their
authenticator: every signed-in page asked them)."""

from functools import cache

from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef

from core.prepared import prepare

from .roles import ROLE_GROUPS, remember_role_names
from .two_factor import remember_has_authenticator

_NO_ONE = -1  # a stand-in for the signed-in person's id, in the SQL built once


class AuthenticationBackend(AllauthAuthenticationBackend):
    def get_user(self, user_id):
        user_model = get_user_model()
        user = _user_with_flags().get(pk=user_model._meta.pk.to_python(user_id))
        if user is None or not self.user_can_authenticate(user):
            return None
        # Read afresh on every request: a role given or removed, an authenticator set up or
        # deleted, counts from the next one.
        found = user.__dict__
        remember_role_names(
            user, [name for index, name in enumerate(ROLE_GROUPS) if found.pop(f"in_role_{index}")]
        )
        remember_has_authenticator(user, bool(found.pop("has_totp")))
        return user


@cache
def _user_with_flags():
    """The user with a flag per role and one for an authenticator app, built once per process:
    compiling its three subqueries afresh cost more than the two queries it replaces."""
    user_model = get_user_model()
    flags = {
        f"in_role_{index}": Exists(
            user_model.groups.through.objects.filter(user=OuterRef("pk"), group__name=name)
        )
        for index, name in enumerate(ROLE_GROUPS)
    }
    flags["has_totp"] = Exists(
        Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    )
    users = user_model._default_manager.annotate(**flags).filter(pk=_NO_ONE)
    return prepare(users, pk=_NO_ONE)
