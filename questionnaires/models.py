"""A questionnaire: what a call asks, as data the Secretariat edits.

Ordered steps hold ordered questions of a few kinds; a question of kind "rows" holds the columns
of its repeating rows (partners, budget lines) as questions of its own. Once a questionnaire has
answers it is never changed in place: an edit makes a new version (questionnaires.versions), and
every answer stays readable under the version it was given in.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .checks import validate_named_check
from .validators import validate_key, validate_step_key


class Questionnaire(models.Model):
    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
        editable=False,
        verbose_name=_("previous version"),
    )
    # Set when the first answer is given in this version (versions.mark_answered); from then on
    # the version is never changed in place.
    answered_at = models.DateTimeField(_("first answered"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")
        ordering = ["name", "-version"]
        constraints = [
            # Versions follow one another: two "Make a new version" at once make one.
            models.UniqueConstraint(fields=["previous"], name="one_next_version")
        ]

    def __str__(self):
        return _("%(name)s (version %(version)d)") % {"name": self.name, "version": self.version}


class Step(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.SlugField(
        _("key"),
        max_length=40,
        help_text=_("Its address on the form."),
        validators=[validate_step_key],
    )
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True)

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "key"], name="unique_step_key")
        ]

    def __str__(self):
        return self.title


class Kind(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    URL = "url", _("Web address")
    SINGLE_CHOICE = "single_choice", _("One choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Several choices")
    YES_NO = "yes_no", _("Yes or no")
    COUNTRY = "country", _("Country")
    COUNTRIES = "countries", _("Countries")
    MONEY = "money", _("Amount in euros")
    INTEGER = "integer", _("Whole number")
    PERCENTAGE = "percentage", _("Percentage")
    DATE = "date", _("Date")
    FILE = "file", _("File")
    FILES = "files", _("Files")
    ROWS = "rows", _("Repeating rows")


class Role(models.TextChoices):
    """What the platform itself reads from an answer: lists, filters, limits and mails."""

    TITLE = "title", _("The application's title")
    ORGANISATION = "organisation", _("Lead organisation")
    ORGANISATION_TYPE = "organisation_type", _("Type of the lead organisation")
    ORGANISATION_COUNTRY = "organisation_country", _("Country of the lead organisation")
    COUNTRIES = "countries", _("The countries the application is about")
    AMOUNT = "amount", _("Amount requested (at most the call's maximum)")
    DURATION = "duration", _("Duration in months (at most the call's maximum)")
    CHALLENGES = "challenges", _("The call's challenges (its choices)")
    PARTNERS = "partners", _("The partners (repeating rows, confirmed by the partners)")
    # The columns of the partners' rows (only there): each copied to a submissions.Partner.
    PARTNER_NAME = "partner_name", _("Partner: its name")
    PARTNER_COUNTRY = "partner_country", _("Partner: the country it is based in")
    PARTNER_ROLE = "partner_role", _("Partner: its role in the project")
    PARTNER_SHARE = "partner_share", _("Partner: its share of the budget (%)")
    PARTNER_LOCALLY_LED = "partner_locally_led", _("Partner: whether it is locally led")
    PARTNER_EMAIL = "partner_email", _("Partner: the address that confirms")
    PARTNER_NOT_NAMED = "partner_not_named", _("Partner: not named to reviewers")


# The kinds of question that can carry each role: its answer is copied to a typed column.
ROLE_KINDS = {
    Role.TITLE: {Kind.SHORT_TEXT},
    Role.ORGANISATION: {Kind.SHORT_TEXT},
    Role.ORGANISATION_TYPE: {Kind.SINGLE_CHOICE},
    Role.ORGANISATION_COUNTRY: {Kind.COUNTRY},
    Role.COUNTRIES: {Kind.COUNTRIES},
    Role.AMOUNT: {Kind.MONEY},
    Role.DURATION: {Kind.INTEGER},
    Role.CHALLENGES: {Kind.MULTIPLE_CHOICE},
    Role.PARTNERS: {Kind.ROWS},
    Role.PARTNER_NAME: {Kind.SHORT_TEXT},
    Role.PARTNER_COUNTRY: {Kind.COUNTRY},
    Role.PARTNER_ROLE: {Kind.SHORT_TEXT, Kind.LONG_TEXT},
    Role.PARTNER_SHARE: {Kind.PERCENTAGE, Kind.INTEGER},
    Role.PARTNER_LOCALLY_LED: {Kind.YES_NO},
    Role.PARTNER_EMAIL: {Kind.SHORT_TEXT},
    Role.PARTNER_NOT_NAMED: {Kind.YES_NO},
}
# The roles of a column, given only inside the question whose role is PARTNERS (which needs
# its name column: partners are matched by name from one save to the next).
COLUMN_ROLES = {
    Role.PARTNER_NAME,
    Role.PARTNER_COUNTRY,
    Role.PARTNER_ROLE,
    Role.PARTNER_SHARE,
    Role.PARTNER_LOCALLY_LED,
    Role.PARTNER_EMAIL,
    Role.PARTNER_NOT_NAMED,
}
# Names the application form itself sends beside the answers.
RESERVED_KEYS = {"version", "go", "csrfmiddlewaretoken"}


class FileTypes(models.TextChoices):
    DOCUMENTS = "documents", _("PDF, spreadsheets and documents")
    DOCUMENTS_AND_IMAGES = "documents_and_images", _("Documents and images")


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    step = models.ForeignKey(
        Step,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("step"),
    )
    row_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="columns",
        limit_choices_to={"kind": Kind.ROWS},
        verbose_name=_("column of"),
        help_text=_("For a column of repeating rows: the rows question it belongs to."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.CharField(
        _("key"),
        max_length=40,
        db_index=True,
        validators=[validate_key],
        help_text=_("Names the answer in exports; letters, digits and underscores."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    label = models.CharField(_("label"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(
        _("required to submit"),
        default=True,
        help_text=_("Drafts may leave it empty; an application cannot be submitted without it."),
    )
    role = models.CharField(_("role"), max_length=24, choices=Role, blank=True)
    identifying = models.BooleanField(
        _("identifies the applicant"),
        default=False,
        help_text=_("Hidden from reviewers when the call's review is blind."),
    )
    word_limit = models.PositiveIntegerField(_("word limit"), null=True, blank=True)
    min_value = models.DecimalField(
        _("lowest value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    max_rows = models.PositiveSmallIntegerField(_("most rows or files"), null=True, blank=True)
    file_types = models.CharField(_("accepted files"), max_length=24, choices=FileTypes, blank=True)
    # A rule across the rows (questionnaires.checks), by name: the registry's choices are the
    # admin form's, so a check registered later needs no migration.
    named_check = models.CharField(
        _("check across the rows"),
        max_length=40,
        blank=True,
        validators=[validate_named_check],
        help_text=_("A rule the answers' rows must keep together, such as the Fund's budget rule."),
    )

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "key"],
                condition=Q(row_of=None),
                name="unique_question_key",
                violation_error_message=_("Another question of this questionnaire has this key."),
            ),
            models.UniqueConstraint(fields=["row_of", "key"], name="unique_column_key"),
        ]

    def __str__(self):
        return self.label


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    value = models.SlugField(_("value"), max_length=40)
    label = models.CharField(_("label"), max_length=300)

    class Meta:
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["question", "value"], name="unique_choice_value")
        ]

    def __str__(self):
        return self.label
