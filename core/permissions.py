"""Every check of a named permission (the predicates of accounts/, submissions/ and review/
rules.py) goes through `can`.

Django's `User.has_perm` answers yes to an active superuser before any backend is asked, so
`has_perm("submissions.fill_in_eoi", eoi)` made a superuser the owner of every EOI. `can` asks
the predicates themselves: they say what a superuser may do (accounts.rules.is_secretariat
counts them as Secretariat), and an applicant's form stays the applicant's alone.
"""

from contextvars import ContextVar

import rules
from django.core.exceptions import ImproperlyConfigured

# What a predicate found, kept for the rest of a GET or HEAD request (PermissionMemoMiddleware);
# None outside one, where every question is asked anew.
_found = ContextVar("permission_memo", default=None)


def can(user, permission: str, obj=None) -> bool:
    """Whether `user` has `permission` (on `obj`), by its predicates, superusers included."""
    if not rules.perm_exists(permission):
        # A misspelt name would otherwise be a silent "no" for everyone.
        raise ImproperlyConfigured(f"No rule is registered for {permission!r}.")
    return bool(user.is_active and rules.has_perm(permission, user, obj))


def remembered(key, ask):
    """`ask()`, asked once per `key` within a GET or HEAD request and kept for the rest of it.

    A page asks the same predicate several times (the scoring page asked three of them 3–4
    times each, one query a time). Only a request that changes nothing keeps the answers: a POST
    may change what a predicate reads (a review submitted, a conflict declared) between two
    questions, so it, and anything outside a request (tests, jobs), asks each time."""
    found = _found.get()
    if found is None:
        return ask()
    if key not in found:
        found[key] = ask()
    return found[key]


class PermissionMemoMiddleware:
    """Lets predicates keep their answers for the rest of a GET or HEAD request (`remembered`)."""

    SAFE = ("GET", "HEAD")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.SAFE:
            return self.get_response(request)
        token = _found.set({})
        try:
            return self.get_response(request)
        finally:
            _found.reset(token)
