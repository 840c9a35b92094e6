from django.core.management.base import BaseCommand

from submissions.kmf2021 import load_2021_call


class Command(BaseCommand):
    help = "Loads the 2021 call 'Asymmetric Power & Partnerships' once; later runs change nothing."

    def handle(self, *args, **options):
        call, created = load_2021_call()
        verb = "Loaded" if created else "Already there, unchanged:"
        self.stdout.write(f"{verb} {call.title} ({call.get_absolute_url()})")
