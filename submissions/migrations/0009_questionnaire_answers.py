import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("questionnaires", "0001_initial"),
        ("submissions", "0008_score_scale_at_most_ten"),
    ]

    operations = [
        migrations.AddField(
            model_name="call",
            name="questionnaire",
            field=models.ForeignKey(
                help_text="What applicants answer. Once a call has answers, editing its questionnaire makes a new version; answers given stay readable in theirs.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="calls",
                to="questionnaires.questionnaire",
                verbose_name="questionnaire",
            ),
        ),
        migrations.AddField(
            model_name="expressionofinterest",
            name="questionnaire",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="questionnaires.questionnaire",
                verbose_name="questionnaire",
            ),
        ),
        migrations.AddField(
            model_name="expressionofinterest",
            name="answers",
            field=models.JSONField(blank=True, default=dict, verbose_name="answers"),
        ),
        migrations.AddField(
            model_name="attachment",
            name="question",
            field=models.CharField(default="", max_length=40, verbose_name="question"),
            preserve_default=False,
        ),
    ]
