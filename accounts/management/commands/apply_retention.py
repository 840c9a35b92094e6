from django.core.management.base import BaseCommand

from accounts.privacy import apply_retention


class Command(BaseCommand):
    help = "Deletes drafts 90 days and everything else five years after their call closed."

    def handle(self, *args, **options):
        counts = apply_retention()
        self.stdout.write(
            f"deleted {counts['drafts']} drafts and {counts['expressions_of_interest']} "
            "expressions of interest"
        )
