from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.roles import REVIEWERS, SECRETARIAT

DEMO_PASSWORD = "kmf-demo-2021"  # noqa: S105 (documented in the README, refused outside DEBUG)

DEMO_ACCOUNTS = [
    # email, name, organisation, country, role group, staff
    ("applicant@example.org", "Aminata Traoré", "Réseau Justice Locale", "ML", None, False),
    (
        "reviewer1@example.org",
        "Jonas de Vries",
        "KMF Review Board",
        "NL",
        REVIEWERS,
        False,
    ),
    ("reviewer2@example.org", "Grace Wanjiru", "KMF Review Board", "KE", REVIEWERS, False),
    (
        "secretariat@example.org",
        "Sanne Bakker",
        "KPSRL Secretariat",
        "NL",
        SECRETARIAT,
        True,
    ),
]


class Command(BaseCommand):
    help = "Creates the demo applicant, two reviewers and a Secretariat user (DEBUG only)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts have a published password: DEBUG only.")
        for email, name, organisation, country, group, is_staff in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                email=email,
                defaults={
                    "name": name,
                    "organisation": organisation,
                    "country": country,
                    "is_staff": is_staff,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            # allauth lets only verified addresses sign in.
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"primary": True, "verified": True}
            )
            if group:
                user.groups.add(Group.objects.get(name=group))
            self.stdout.write(f"{'created' if created else 'kept'} {email}")
