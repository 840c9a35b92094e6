"""Role predicates shared by every app."""

import rules

from .roles import REVIEWERS, SECRETARIAT

# A superuser may do whatever the Secretariat does, in or out of its group (core/permissions.py);
# being a superuser makes nobody an applicant or a reviewer.
is_secretariat = rules.is_group_member(SECRETARIAT) | rules.is_superuser
is_reviewer = rules.is_group_member(REVIEWERS)
