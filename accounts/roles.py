"""The groups that stand for the platform's roles. Applicants are signed-in users without one."""

SECRETARIAT = "Secretariat"
REVIEWERS = "Reviewers"

ROLE_GROUPS = (SECRETARIAT, REVIEWERS)


def role_names(user):
    """The role groups `user` is in, read once per request (the user object lives as long).

    From every group name of the user, kept where django-rules' `is_group_member` keeps them
    (`_group_names_cache`), so that the menu and the permissions read them in one query, not
    one each."""
    names = getattr(user, "_group_names_cache", None)
    if names is None:
        names = user._group_names_cache = set(user.groups.values_list("name", flat=True))
    return frozenset(names.intersection(ROLE_GROUPS))


def needs_two_factor(user):
    """Everyone who can see other people's applications signs in with a second factor."""
    if user.is_staff or user.is_superuser:
        return True
    return bool(role_names(user))
