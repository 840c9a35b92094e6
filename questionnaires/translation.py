"""Labels, help and step titles in each of the site's languages (see submissions/translation.py)."""

from modeltranslation.translator import TranslationOptions, register

from .models import Choice, Question, Step


@register(Step)
class StepTranslation(TranslationOptions):
    fields = ["title", "intro"]


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ["label", "help_text"]


@register(Choice)
class ChoiceTranslation(TranslationOptions):
    fields = ["label"]
