"""The rubric in each of the site's languages, for reviewers who read French."""

from modeltranslation.translator import TranslationOptions, register

from .models import Criterion


@register(Criterion)
class CriterionTranslation(TranslationOptions):
    fields = ["title", "description"]
