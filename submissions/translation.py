"""The parts of a call that applicants read, in each of the site's languages."""

from modeltranslation.translator import TranslationOptions, register

from .models import Call, Challenge, Milestone, Question


@register(Call)
class CallTranslation(TranslationOptions):
    fields = ["title", "headline", "body", "eligibility"]


@register(Challenge)
class ChallengeTranslation(TranslationOptions):
    fields = ["title", "description"]


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ["title", "description"]


@register(Question)
class QuestionTranslation(TranslationOptions):
    fields = ["question", "answer"]
