from django.db import migrations, models
from django.db.models import Exists, OuterRef
from django.utils import timezone


def mark_the_answered(apps, schema_editor):
    """Versions that expressions of interest were already given in have answers from now on."""
    Questionnaire = apps.get_model("questionnaires", "Questionnaire")
    ExpressionOfInterest = apps.get_model("submissions", "ExpressionOfInterest")
    Questionnaire.objects.filter(
        Exists(ExpressionOfInterest.objects.filter(questionnaire=OuterRef("pk")))
    ).update(answered_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0001_initial"),
        # The answers moved into their questionnaire there.
        ("submissions", "0010_answers_from_columns"),
    ]

    operations = [
        migrations.AddField(
            model_name="questionnaire",
            name="answered_at",
            field=models.DateTimeField(
                blank=True, editable=False, null=True, verbose_name="first answered"
            ),
        ),
        migrations.AlterConstraint(
            model_name="question",
            name="unique_question_key",
            constraint=models.UniqueConstraint(
                condition=models.Q(("row_of", None)),
                fields=("questionnaire", "key"),
                name="unique_question_key",
                violation_error_message="Another question of this questionnaire has this key.",
            ),
        ),
        migrations.RunPython(mark_the_answered, migrations.RunPython.noop, elidable=False),
    ]
