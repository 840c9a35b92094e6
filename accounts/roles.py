"""The groups that stand for the platform's roles. Applicants are signed-in users without one."""

SECRETARIAT = "Secretariat"
REVIEWERS = "Reviewers"

ROLE_GROUPS = (SECRETARIAT, REVIEWERS)


def needs_two_factor(user):
    """Everyone who can see other people's applications signs in with a second factor."""
    if user.is_staff or user.is_superuser:
        return True
    return user.groups.filter(name__in=ROLE_GROUPS).exists()
