"""Role predicates shared by every app."""

import rules

from .roles import REVIEWERS, SECRETARIAT, role_names


@rules.predicate
def _in_secretariat(user):
    return user.is_authenticated and SECRETARIAT in role_names(user)


# A superuser may do whatever the Secretariat does, in or out of its group (core/permissions.py);
# being a superuser makes nobody an applicant or a reviewer.
is_secretariat = _in_secretariat | rules.is_superuser


@rules.predicate
def is_reviewer(user):
    return user.is_authenticated and REVIEWERS in role_names(user)
