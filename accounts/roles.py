"""The groups that stand for the platform's roles. Applicants are signed-in users without one."""

SECRETARIAT = "Secretariat"
REVIEWERS = "Reviewers"

ROLE_GROUPS = (SECRETARIAT, REVIEWERS)


def role_names(user):
    """The role groups `user` is in, read once per request (the user object lives as long).

    A signed-in request's user comes with them (accounts.backends); any other user is asked
    once, and the menu, the permissions and the two-factor check all read this."""
    names = getattr(user, "_role_names", None)
    if names is None:
        names = remember_role_names(
            user, user.groups.filter(name__in=ROLE_GROUPS).values_list("name", flat=True)
        )
    return names


def remember_role_names(user, names):
    user._role_names = frozenset(names)
    return user._role_names


def needs_two_factor(user):
    """Everyone who can see other people's applications signs in with a second factor."""
    if user.is_staff or user.is_superuser:
        return True
    return bool(role_names(user))
