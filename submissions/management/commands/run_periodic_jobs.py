from celery import current_app as app
from django.conf import settings
from django.core.management.base import BaseCommand

# The project's Celery app (kmf/celery.py), loaded with the settings; named through Celery
# rather than imported, as kmf sits above every app (docs/ARCHITECTURE.md).


class Command(BaseCommand):
    help = (
        "Runs every job of the Celery beat schedule once, in this process. Without Redis, "
        "run it from cron (every 15 minutes); every job is safe to run again."
    )

    def handle(self, *args, **options):
        app.loader.import_default_modules()
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            app.tasks[entry["task"]].apply(args=entry.get("args", ()), throw=True)
            self.stdout.write(f"ran {name}")
