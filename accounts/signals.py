from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .models import User
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


def forget_mail_problem(sender, request, user, from_email_address, to_email_address, **kwargs):
    """A new address starts with a clean record: the bounces were the old one's."""
    User.objects.filter(pk=user.pk).update(mail_problem="", mail_problem_at=None)
