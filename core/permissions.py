"""Every check of a named permission (the predicates of accounts/, submissions/ and review/
rules.py) goes through `can`.

Django's `User.has_perm` answers yes to an active superuser before any backend is asked, so
`has_perm("submissions.fill_in_eoi", eoi)` made a superuser the owner of every EOI. `can` asks
the predicates themselves: they say what a superuser may do (accounts.rules.is_secretariat
counts them as Secretariat), and an applicant's form stays the applicant's alone.
"""

import rules
from django.core.exceptions import ImproperlyConfigured


def can(user, permission: str, obj=None) -> bool:
    """Whether `user` has `permission` (on `obj`), by its predicates, superusers included."""
    if not rules.perm_exists(permission):
        # A misspelt name would otherwise be a silent "no" for everyone.
        raise ImproperlyConfigured(f"No rule is registered for {permission!r}.")
    return bool(user.is_active and rules.has_perm(permission, user, obj))
