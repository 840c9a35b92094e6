from django.contrib.auth.models import Group, Permission

from .roles import ROLE_GROUPS, SECRETARIAT

# The Secretariat configures calls, watches the outbox and runs the review from the admin site.
SECRETARIAT_APPS = ("submissions", "review", "notifications", "audit")


def ensure_role_groups(**kwargs):
    """Run after every migrate, so the groups and their permissions exist on any database."""
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
    Group.objects.get(name=SECRETARIAT).permissions.add(
        *Permission.objects.filter(content_type__app_label__in=SECRETARIAT_APPS)
    )
