from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .roles import ROLE_GROUPS, SECRETARIAT

# The Secretariat configures calls, watches the outbox and runs the review from the admin site,
# and looks people up, read-only: the admin's autocomplete, to grant an applicant an
# extension, answers only those who may view accounts.
SECRETARIAT_APPS = ("submissions", "questionnaires", "review", "notifications", "audit")
SECRETARIAT_PERMISSIONS = Q(content_type__app_label__in=SECRETARIAT_APPS) | Q(
    content_type__app_label="accounts", codename="view_user"
)


def ensure_role_groups(**kwargs):
    """Run after every migrate, so the groups and their permissions exist on any database."""
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)
    Group.objects.get(name=SECRETARIAT).permissions.add(
        *Permission.objects.filter(SECRETARIAT_PERMISSIONS)
    )
