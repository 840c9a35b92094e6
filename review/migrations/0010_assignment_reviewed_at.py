from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce


def mark_reviewed(apps, schema_editor):
    """Every assignment whose review is submitted is reviewed, since it was submitted."""
    Assignment = apps.get_model("review", "Assignment")
    Review = apps.get_model("review", "Review")
    submitted = Review.objects.filter(
        eoi=OuterRef("eoi"), reviewer=OuterRef("reviewer"), status="submitted"
    )
    when = submitted.annotate(at=Coalesce("submitted_at", "updated_at")).values("at")[:1]
    Assignment.objects.filter(Exists(submitted)).update(reviewed_at=Subquery(when))


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0009_saved_view_of_site_list"),
        ("submissions", "0015_messages"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="reviewed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="reviewed at"),
        ),
        migrations.RunPython(mark_reviewed, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="assignment",
            index=models.Index(
                condition=models.Q(("released_at", None), ("reviewed_at", None)),
                fields=["reviewer"],
                name="assignment_to_review",
            ),
        ),
    ]
