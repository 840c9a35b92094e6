"""A questionnaire as applicants will see it, step by step, in English or French: the same
forms as the application's, filled with nothing and sent nowhere."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from . import definition as definitions
from .forms import AnswersForm, Bounds, rows_formset
from .models import Kind


def sample_bounds():
    """What a call adds to its questionnaire, as samples: the preview belongs to no call."""
    return Bounds(
        max_amount=Decimal("20000"),
        max_duration=9,
        challenges=tuple(
            (str(number), _("%(number)d. One of the call's challenges") % {"number": number})
            for number in (1, 2, 3)
        ),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class FilesPreview(forms.Form):
    """The file questions of a step, as inputs (the application's own form checks uploads)."""

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        for question in questions:
            widget = MultipleFileInput if question.kind == Kind.FILES else forms.ClearableFileInput
            self.fields[question.key] = forms.FileField(
                label=str(question.label),
                help_text=escape(question.help),  # printed unescaped by the form templates
                required=False,
                widget=widget,
            )


def steps(definition):
    bounds = sample_bounds()
    shown = []
    for step in definition.steps:
        asked = [q for q in step.questions if not q.is_rows and not q.is_file]
        shown.append(
            {
                "step": step,
                "form": AnswersForm(questions=asked, bounds=bounds, prefix=step.key)
                if asked
                else None,
                "rows": [rows_formset(q, bounds) for q in step.questions if q.is_rows],
                "files": FilesPreview(
                    questions=[q for q in step.questions if q.is_file], prefix=step.key
                )
                if step.has_files
                else None,
            }
        )
    return shown


def language_of(request):
    chosen = request.GET.get("language")
    languages = dict(settings.LANGUAGES)
    return chosen if chosen in languages else (translation.get_language() or "en")[:2]


def render(request, questionnaire, back_url):
    language = language_of(request)
    with translation.override(language):
        definition = definitions.definition(questionnaire.pk)
        context = {
            "questionnaire": questionnaire,
            "steps": steps(definition),
            "language": language,
            "languages": settings.LANGUAGES,
            "back_url": back_url,
        }
        # Rendered here, while the chosen language is active.
        return TemplateResponse(request, "questionnaires/preview.html", context).render()
