"""Role predicates shared by every app."""

import rules

from .roles import REVIEWERS, SECRETARIAT

is_secretariat = rules.is_group_member(SECRETARIAT)
is_reviewer = rules.is_group_member(REVIEWERS)
