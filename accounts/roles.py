"""The groups that stand for the platform's roles. Applicants are signed-in users without one."""

SECRETARIAT = "Secretariat"
REVIEWERS = "Reviewers"

ROLE_GROUPS = (SECRETARIAT, REVIEWERS)
