from django.utils.functional import SimpleLazyObject

from .roles import REVIEWERS, SECRETARIAT, role_names


def roles(request):
    """The signed-in person's roles, looked up once per page and only if the page asks."""

    def lookup():
        user = request.user
        if not user.is_authenticated:
            return set()
        names = set(role_names(user))
        if user.is_superuser:  # as accounts.rules.is_secretariat has it
            names.add(SECRETARIAT)
        return {role for role in (SECRETARIAT, REVIEWERS) if role in names}

    found = SimpleLazyObject(lookup)
    return {
        "is_secretariat": SimpleLazyObject(lambda: SECRETARIAT in found),
        "is_reviewer": SimpleLazyObject(lambda: REVIEWERS in found),
    }
