"""The groups that stand for the platform's roles. Applicants are signed-in users without one."""

SECRETARIAT = "Secretariat"
REVIEWERS = "Reviewers"

ROLE_GROUPS = (SECRETARIAT, REVIEWERS)


def role_names(user):
    """The role groups `user` is in, read once per request (the user object lives as long)."""
    held = getattr(user, "_role_names", None)
    if held is None:
        held = user._role_names = frozenset(
            user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True)
        )
    return held


def needs_two_factor(user):
    """Everyone who can see other people's applications signs in with a second factor."""
    if user.is_staff or user.is_superuser:
        return True
    return bool(role_names(user))
