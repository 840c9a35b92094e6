"""The parts of a call that applicants read, in each of the site's languages.

`call.title` reads the active language's column (English where it is empty). The original
`title` column holds whichever language was saved last: code outside the ORM's translated
access (raw SQL, reports, data migrations with historical models) reads `title_en` and
`title_fr`.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Call, CallDocument, Challenge, Milestone, Question


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


@register(CallDocument)
class CallDocumentTranslation(TranslationOptions):
    fields = ["title", "description"]
