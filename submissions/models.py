import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from . import answers
from .validators import moment_problems, validate_reminder_offsets, validate_time_zone


def default_reminder_offsets():
    return [7 * 24, 2 * 24, 24]


@dataclass(frozen=True)
class TimelineStep:
    date: date | None  # None: a stage whose dates are not announced yet
    title: str
    is_deadline: bool = False
    # A stage after the EOI: the moments it opens and closes (shown in the call's time zone
    # and the visitor's).
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    is_stage: bool = False


class CallQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def open(self, now=None):
        now = now or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)

    def upcoming(self, now=None):
        return self.filter(opens_at__gt=now or timezone.now())

    def closed(self, now=None):
        return self.filter(closes_at__lte=now or timezone.now())


class Call(models.Model):
    """A themed call for expressions of interest, configured by the Secretariat."""

    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    headline = models.CharField(_("thematic headline"), max_length=200)
    body = models.TextField(_("call text"), help_text=_("Markdown."))
    eligibility = models.TextField(_("who may apply"), blank=True, help_text=_("Markdown."))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("EOI deadline"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="Europe/Amsterdam",
        validators=[validate_time_zone],
        help_text=_("Deadlines are announced in this time zone, and typed in it on this page."),
    )
    max_amount = models.DecimalField(
        _("maximum grant (€)"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("20000"),
        validators=[MinValueValidator(Decimal("1"))],
    )
    max_duration_months = models.PositiveSmallIntegerField(
        _("maximum duration (months)"), default=9
    )
    budget_available = models.DecimalField(
        _("funds available for the call (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Shown against the budgets requested on the Secretariat's dashboard."),
    )
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire",
        null=True,
        on_delete=models.PROTECT,
        related_name="calls",
        verbose_name=_("questionnaire"),
        help_text=_(
            "What applicants answer. Once a call has answers, editing its questionnaire makes "
            "a new version; answers given stay readable in theirs."
        ),
    )
    reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=12,
        help_text=_("EOI references are this prefix, a dash and a number: KMF21-0001."),
    )
    one_eoi_per_applicant = models.BooleanField(_("one EOI per applicant"), default=True)
    reviews_per_eoi = models.PositiveSmallIntegerField(_("reviews per EOI"), default=3)
    blind_review = models.BooleanField(
        _("blind review"),
        default=False,
        help_text=_("Reviewers see no applicant, organisation or partner names."),
    )
    partners_must_confirm = models.BooleanField(
        _("partners confirm before submitting"),
        default=False,
        db_default=False,  # rows written by code that predates it (older migrations' states)
        help_text=_(
            "An expression of interest is submitted only once every partner named with an "
            "address has confirmed its row: the applicant asks them from the draft, then submits."
        ),
    )
    reviewers_see_each_other = models.BooleanField(
        _("reviewers discuss"),
        default=True,
        help_text=_(
            "After submitting their own review, a reviewer reads the other reviews of the "
            "expression of interest and comments on them with the other reviewers and the "
            "Secretariat. Always off for a blind review. Applicants never see the discussion."
        ),
    )
    score_scale_max = models.PositiveSmallIntegerField(
        _("highest score"),
        default=5,
        # Each score is a choice, with its descriptor, on every review form.
        validators=[MinValueValidator(2), MaxValueValidator(10)],
        help_text=_("Criteria are scored from 1 to this number."),
    )
    disagreement_threshold = models.PositiveSmallIntegerField(
        _("disagreement threshold"),
        default=25,
        help_text=_("Reviews of one EOI further apart than this (on 0–100) are flagged."),
    )
    review_due_at = models.DateTimeField(_("reviews due"), null=True, blank=True)
    reminder_offsets = models.JSONField(
        _("reminder offsets (hours before the deadline)"),
        default=default_reminder_offsets,
        validators=[validate_reminder_offsets],
    )
    contact_email = models.EmailField(_("contact address"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    closing_done_at = models.DateTimeField(
        _("closing summary sent at"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="call_closes_after_it_opens",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("submissions:call_detail", kwargs={"slug": self.slug})

    def clean(self):
        if problems := moment_problems(self, "opens_at", "closes_at", "review_due_at"):
            raise ValidationError(problems)

    @property
    def zone(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    def is_open(self, now=None):
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_upcoming(self, now=None):
        return (now or timezone.now()) < self.opens_at

    def timeline(self):
        """The call's steps in date order: its opening, the EOI deadline, its milestones and
        its later stages (those whose dates are not announced last)."""
        steps = [
            TimelineStep(timezone.localtime(self.opens_at, self.zone).date(), _("Call opens")),
            TimelineStep(
                timezone.localtime(self.closes_at, self.zone).date(),
                _("Deadline for expressions of interest"),
                is_deadline=True,
            ),
            *(TimelineStep(m.date, m.title) for m in self.milestones.all()),
            *(
                TimelineStep(
                    timezone.localtime(stage.opens_at, self.zone).date()
                    if stage.opens_at
                    else None,
                    TIMELINE_TITLES[stage.kind],
                    opens_at=stage.opens_at,
                    closes_at=stage.closes_at,
                    is_stage=True,
                )
                for stage in self.stages_in_order()
                if not stage.is_eoi
            ),
        ]
        return sorted(steps, key=lambda step: (step.date is None, step.date or date.min))

    def stages_in_order(self):
        """The call's stages, first to last; a call configured with none has the expression
        of interest only (Stage says how that stage is the call's own)."""
        return list(self.stages.all()) or [
            Stage(call=self, order=1, kind=Stage.Kind.EXPRESSION_OF_INTEREST)
        ]


class Challenge(models.Model):
    """One of the challenges a call asks applicants to address."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="challenges")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"))

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["call", "number"], name="unique_challenge_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class Milestone(models.Model):
    """A step of the call's timeline besides its opening and its EOI deadline."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    description = models.CharField(_("description"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["date"]

    def __str__(self):
        return self.title


class Stage(models.Model):
    """One stage of a call, in the order applicants go through them: the expression of
    interest, then (by invitation) a full proposal, interviews and the award.

    The expression-of-interest stage is the call itself: its dates are the call's opening and
    EOI deadline, its questionnaire the call's, its rubric the criteria with no stage and its
    review the call's settings, so that row holds none of them. A call without stage rows has
    that one stage only. docs/ARCHITECTURE.md (Stages) says how the later stages build on this.
    """

    class Kind(models.TextChoices):
        EXPRESSION_OF_INTEREST = "eoi", _("Expression of interest")
        FULL_PROPOSAL = "proposal", _("Full proposal")
        INTERVIEW = "interview", _("Interview")
        AWARD = "award", _("Award")

    class Outcome(models.TextChoices):
        # The EOI's are its lifecycle statuses (ExpressionOfInterest.Status), by the same values.
        INVITED = "invited", _("Invited to full proposal")
        SHORTLISTED = "shortlisted", _("Shortlisted for interview")
        RECOMMENDED = "recommended", _("Recommended for an award")
        AWARDED = "awarded", _("Awarded a grant")
        WAITLISTED = "waitlisted", _("Waitlisted")
        NOT_SELECTED = "not_selected", _("Not selected")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("stage"), max_length=16, choices=Kind)
    opens_at = models.DateTimeField(
        _("opens at"),
        null=True,
        blank=True,
        help_text=_("Empty for the expression of interest: it opens with the call."),
    )
    closes_at = models.DateTimeField(
        _("closes at"),
        null=True,
        blank=True,
        help_text=_(
            "The stage's deadline. Empty for the expression of interest (the call's EOI "
            "deadline), or while its dates are not announced."
        ),
    )
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stages",
        verbose_name=_("questionnaire"),
        help_text=_(
            "What applicants answer in this stage, if they answer anything. Empty for the "
            "expression of interest: it asks the call's questionnaire."
        ),
    )
    # Where the review app hangs this stage's rubric (review.Criterion.stage) and, to come, its
    # panel and assignments: a stage that is not reviewed has none.
    reviewed = models.BooleanField(
        _("reviewed"),
        default=False,
        help_text=_("Reviewers score it against its own criteria (the rubric below)."),
    )
    decisions = models.JSONField(
        _("decisions that close it"),
        default=list,
        blank=True,
        help_text=_("Empty: the usual decisions of its kind."),
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["order"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "order"],
                name="unique_stage_order",
                violation_error_message=_("Another stage of this call has this order."),
            ),
            models.UniqueConstraint(
                fields=["call", "kind"],
                name="one_stage_of_each_kind",
                violation_error_message=_("The call has a stage of this kind already."),
            ),
            models.CheckConstraint(
                condition=Q(opens_at=None) | Q(closes_at=None) | Q(closes_at__gt=F("opens_at")),
                name="stage_closes_after_it_opens",
            ),
            models.CheckConstraint(
                condition=~Q(kind="eoi") | Q(opens_at=None, closes_at=None, questionnaire=None),
                name="eoi_stage_is_the_calls",
            ),
        ]

    def __str__(self):
        return f"{self.order}. {self.get_kind_display()}"

    @property
    def is_eoi(self):
        return self.kind == self.Kind.EXPRESSION_OF_INTEREST

    @property
    def starts_at(self):
        return self.call.opens_at if self.is_eoi else self.opens_at

    @property
    def ends_at(self):
        return self.call.closes_at if self.is_eoi else self.closes_at

    @property
    def questionnaire_asked_id(self):
        return self.call.questionnaire_id if self.is_eoi else self.questionnaire_id

    @property
    def outcomes(self):
        """The decisions that close the stage, in the order of OUTCOMES."""
        chosen = set(self.decisions or OUTCOMES[self.kind])
        return [outcome for outcome in OUTCOMES[self.kind] if outcome in chosen]

    def clean(self):
        errors = {}
        if self.is_eoi:
            for name in ("opens_at", "closes_at", "questionnaire"):
                if getattr(self, name) is not None:
                    errors[name] = _(
                        "Leave this empty: the expression of interest takes the call's dates "
                        "and questionnaire."
                    )
        elif (self.opens_at is None) != (self.closes_at is None):
            errors["closes_at" if self.closes_at is None else "opens_at"] = _(
                "Give the stage both dates, or neither until they are announced."
            )
        elif self.opens_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("The stage closes after it opens.")
        if self.kind in OUTCOMES:
            wrong = [value for value in self.decisions or [] if value not in OUTCOMES[self.kind]]
            if wrong:
                errors["decisions"] = _(
                    "%(kind)s is closed by these decisions only: %(allowed)s."
                ) % {
                    "kind": self.get_kind_display(),
                    "allowed": ", ".join(str(Stage.Outcome(o).label) for o in OUTCOMES[self.kind]),
                }
            elif not self.decisions:
                self.decisions = list(OUTCOMES[self.kind])
        if errors:
            raise ValidationError(errors)


# The decisions that can close each kind of stage, and so the ones a stage closes with when the
# Secretariat names none. A later stage's lifecycle (submissions/lifecycle.py) adds its rows for
# these.
OUTCOMES = {
    Stage.Kind.EXPRESSION_OF_INTEREST: (
        Stage.Outcome.INVITED,
        Stage.Outcome.WAITLISTED,
        Stage.Outcome.NOT_SELECTED,
    ),
    Stage.Kind.FULL_PROPOSAL: (
        Stage.Outcome.SHORTLISTED,
        Stage.Outcome.RECOMMENDED,
        Stage.Outcome.WAITLISTED,
        Stage.Outcome.NOT_SELECTED,
    ),
    Stage.Kind.INTERVIEW: (
        Stage.Outcome.RECOMMENDED,
        Stage.Outcome.WAITLISTED,
        Stage.Outcome.NOT_SELECTED,
    ),
    Stage.Kind.AWARD: (
        Stage.Outcome.AWARDED,
        Stage.Outcome.WAITLISTED,
        Stage.Outcome.NOT_SELECTED,
    ),
}
# Stages go in this order; a call may skip some after the first.
KIND_ORDER = list(Stage.Kind)


def sequence_problems(call, stages):
    """What is wrong with `stages` (Stage objects, saved or not) as the call's stages, as
    messages: the expression of interest first and once, the kinds in KIND_ORDER, each dated
    stage opening once the one before it has closed. An empty list is no stage row at all:
    the call alone, its EOI only."""
    if not stages:
        return []
    stages = sorted(stages, key=lambda stage: stage.order)
    problems = []
    if stages[0].kind != Stage.Kind.EXPRESSION_OF_INTEREST:
        problems.append(gettext("The first stage (lowest order) is the expression of interest."))
    for before, after in pairwise(stages):
        if KIND_ORDER.index(after.kind) <= KIND_ORDER.index(before.kind):
            problems.append(
                gettext(
                    "The stages go in this order, each once: %(kinds)s. “%(after)s” cannot "
                    "come after “%(before)s”."
                )
                % {
                    "kinds": ", ".join(str(kind.label).lower() for kind in KIND_ORDER),
                    "after": after.get_kind_display(),
                    "before": before.get_kind_display(),
                }
            )
    # The EOI's dates are the call's: `call` as the form has it, its new dates included.
    ended, ended_by = call.closes_at, None
    for stage in stages:
        if stage.is_eoi or stage.opens_at is None or stage.closes_at is None:
            continue
        if ended and stage.opens_at < ended:
            problems.append(
                gettext("“%(stage)s” opens before “%(before)s” closes.")
                % {
                    "stage": stage.get_kind_display(),
                    "before": ended_by.get_kind_display()
                    if ended_by
                    else Stage.Kind.EXPRESSION_OF_INTEREST.label,
                }
            )
        ended, ended_by = stage.closes_at, stage
    return problems


# How the call page's timeline names each later stage.
TIMELINE_TITLES = {
    Stage.Kind.FULL_PROPOSAL: _("Full proposals, by invitation"),
    Stage.Kind.INTERVIEW: _("Interviews of the shortlisted"),
    Stage.Kind.AWARD: _("Award decisions"),
}


class Question(models.Model):
    """A frequently asked question about a call, with its answer."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(
        _("answer"),
        help_text=_("Markdown. [[key]] links the call's document of that key."),
    )

    class Meta:
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")
        ordering = ["position"]

    def __str__(self):
        return self.question


def document_path(document, filename):
    # Stored under a random name, whatever the file was called on the Secretariat's computer.
    return f"call-documents/{uuid.uuid4().hex}{document.extension}"


class CallDocument(models.Model):
    """A document for the applicants to a call: a file (the budget template, guidance) or a
    link (a webinar recording). Listed on the call page, on the step of the application that
    needs it, and in the FAQ answers that mention it as [[key]]."""

    class Language(models.TextChoices):
        ENGLISH = "en", _("English")
        FRENCH = "fr", _("French")

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="documents")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.SlugField(
        _("key"),
        max_length=40,
        help_text=_(
            "Short and unique in the call: its address ends with it, and an FAQ answer "
            "links it by writing [[key]]."
        ),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    file = models.FileField(
        _("file"),
        upload_to=document_path,
        blank=True,
        help_text=_("PDF, DOCX, XLSX, ODT or ODS."),
    )
    link = models.URLField(
        _("link"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Instead of a file: a web address, such as a webinar recording's."),
    )
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language,
        blank=True,
        help_text=_("The language it is in, when it is in one only."),
    )
    step = models.SlugField(
        _("step"),
        max_length=40,
        blank=True,
        help_text=_("The key of the questionnaire step that needs it: that step shows it too."),
    )
    template_for = models.SlugField(
        _("template for uploads to"),
        max_length=40,
        blank=True,
        help_text=_(
            "The key of a file question whose uploads should follow this spreadsheet (an XLSX "
            "file): an applicant whose file does not look like it is told so, and the step "
            "that asks it shows it too."
        ),
    )
    # What the uploaded file is, judged by its content (uploads.sniff); empty for a link.
    original_name = models.CharField(_("file name"), max_length=255, blank=True, editable=False)
    content_type = models.CharField(max_length=100, blank=True, editable=False)
    extension = models.CharField(max_length=8, blank=True, editable=False)
    size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # A template's sheet and column headings (spreadsheets.layout_of), which uploads are
    # compared with.
    layout = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "key"], name="unique_document_key"),
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(link="")) | (~Q(file="") & Q(link="")),
                name="document_is_a_file_or_a_link",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if not self.file:
            return self.link
        return reverse(
            "submissions:call_document", kwargs={"slug": self.call.slug, "key": self.key}
        )

    @property
    def in_language(self):
        """The document's language as its listing says it ("in English"); empty when it is
        in both or none."""
        said = {self.Language.ENGLISH: _("in English"), self.Language.FRENCH: _("in French")}
        return said.get(self.language, "")

    @property
    def type_label(self):
        """XLSX, PDF…: what the file is, as its content says."""
        return self.extension.lstrip(".").upper()

    def clean(self):
        errors = {}
        if self.file and self.link:
            errors["link"] = _("Give a file or a link, not both.")
        elif not self.file and not self.link:
            errors["file"] = _("Give a file or a link.")
        call = getattr(self, "call", None)  # set by the call's admin page, saved or not
        definition = answers.asked(call) if call and call.questionnaire_id else None
        if self.step and definition and not definition.step(self.step):
            errors["step"] = _("%(key)s is not a step of the call's questionnaire: %(keys)s.") % {
                "key": self.step,
                "keys": ", ".join(step.key for step in definition.steps),
            }
        if self.template_for:
            question = definition.by_key.get(self.template_for) if definition else None
            if question is None or not question.is_file:
                errors["template_for"] = _(
                    "%(key)s is not a file question of the call's questionnaire: %(keys)s."
                ) % {
                    "key": self.template_for,
                    "keys": ", ".join(q.key for q in definition.questions if q.is_file)
                    if definition
                    else "–",
                }
            elif not self.layout:
                errors["template_for"] = _(
                    "A template is an XLSX file with a row of column headings near its top."
                )
        if errors:
            raise ValidationError(errors)


class ReferenceCounter(models.Model):
    """The last EOI reference number handed out in a call; locked while the next is assigned."""

    call = models.OneToOneField(
        Call, on_delete=models.CASCADE, primary_key=True, related_name="reference_counter"
    )
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.call}: {self.last_number}"


class Extension(models.Model):
    """A later deadline the Secretariat granted one applicant in one call."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="extensions")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="extensions"
    )
    until = models.DateTimeField(_("new deadline"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [
            models.UniqueConstraint(
                fields=["call", "applicant"], name="one_extension_per_applicant"
            )
        ]

    def __str__(self):
        return f"{self.applicant} – {self.call}"

    def clean(self):
        if problems := moment_problems(self, "until"):
            raise ValidationError(problems)


class Answered(models.Model):
    """What an EOI and a full proposal share: answers to a questionnaire, written over several
    sittings by several people under one optimistic lock, then submitted."""

    answers = models.JSONField(_("answers"), default=dict, blank=True)
    # Bumped by every save: a save based on an older version is refused, not silently applied.
    version = models.PositiveIntegerField(default=1)
    # The step the applicant last opened: "Continue" takes them back to it.
    last_step = models.CharField(max_length=40, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), default=timezone.now)
    # Who saved the answers last: the lead or a co-applicant, named when a save is refused.
    last_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        abstract = True


class ExpressionOfInterest(Answered):
    """An applicant's answer to a call, from first draft to decision."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        INVITED = "invited", _("Invited to full proposal")
        # The later stages' outcomes (issue 15): the stage an EOI is in is the one its last
        # released outcome opened.
        SHORTLISTED = "shortlisted", _("Shortlisted for interview")
        RECOMMENDED = "recommended", _("Recommended for an award")
        AWARDED = "awarded", _("Awarded a grant")
        WAITLISTED = "waitlisted", _("Waitlisted")
        NOT_SELECTED = "not_selected", _("Not selected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="eois")
    # The stage the EOI is in: empty is the expression of interest (the call itself, as the
    # EOI stage's rubric and decisions are). Only lifecycle.change_status moves it on, when a
    # released outcome opens the call's next stage (Status.INVITED, SHORTLISTED, RECOMMENDED).
    stage = models.ForeignKey(
        Stage,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="eois",
        editable=False,
        verbose_name=_("stage"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="eois",
        verbose_name=_("applicant"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.DRAFT, db_index=True
    )
    reference = models.CharField(_("reference"), max_length=20, unique=True, null=True, blank=True)
    # Changes after submitting are confirmed in one mail once the applicant has paused.
    edits_confirmed_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The Secretariat opens the messages about this EOI to its cleared reviewers (read-only).
    thread_shared_with_reviewers = models.BooleanField(
        _("messages shared with the reviewers"), default=False, editable=False
    )

    # The questionnaire version the answers (keyed by question) were given in.
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("questionnaire"),
    )
    # Copies of the answers the platform reads itself (questionnaires.models.Role): lists,
    # filters and sorts read these columns and never the answers.
    title = models.CharField(_("title"), max_length=300, blank=True)
    organisation_name = models.CharField(_("lead organisation"), max_length=300, blank=True)
    organisation_type = models.CharField(_("organisation type"), max_length=40, blank=True)
    organisation_country = CountryField(_("country of the lead organisation"), blank=True)
    countries = CountryField(_("countries"), multiple=True, blank=True)
    duration_months = models.PositiveIntegerField(_("months"), null=True, blank=True)
    budget_requested = models.DecimalField(
        _("amount requested (€)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    challenges = models.ManyToManyField(
        Challenge, blank=True, related_name="eois", verbose_name=_("challenges")
    )
    # The balance of power in figures (submissions.partners.figures), kept up to date with the
    # answers and the partners' confirmations, so that lists, filters and sorts read columns.
    local_share = models.DecimalField(
        _("share of the budget in the countries of focus (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    lead_is_local = models.BooleanField(
        _("lead based in the countries of focus"), null=True, blank=True, editable=False
    )
    partners_named = models.PositiveSmallIntegerField(
        _("partners named"), default=0, db_default=0, editable=False
    )
    partners_confirmed = models.PositiveSmallIntegerField(
        _("partners confirmed"), default=0, db_default=0, editable=False
    )

    # Declarations
    declares_accuracy = models.BooleanField(
        _("The information in this expression of interest is accurate and complete."),
        default=False,
    )
    declares_consent = models.BooleanField(
        _(
            "I agree that the Secretariat and the Review Board process this expression of "
            "interest to assess it."
        ),
        default=False,
    )

    class Meta:
        verbose_name = _("expression of interest")
        verbose_name_plural = _("expressions of interest")
        ordering = ["-updated_at"]
        indexes = [
            # The call's EOIs by status, carrying every column the Secretariat's dashboard
            # counts and sums (review.selectors.count_intake): its figures are read from this
            # index alone, never from the wide rows (their answers), at 50,000 EOIs too.
            models.Index(
                fields=["call", "status", "organisation_type", "stage"],
                include=[
                    "id",
                    "budget_requested",
                    "local_share",
                    "lead_is_local",
                    "partners_named",
                    "partners_confirmed",
                    "organisation_country",
                    "submitted_at",
                ],
                name="eoi_call_figures",
            )
        ]

    def __str__(self):
        return self.reference or self.title or gettext("Draft expression of interest")

    def get_absolute_url(self):
        return reverse("submissions:eoi_detail", kwargs={"uuid": self.uuid})

    def readable_answers(self):
        """Every answer as people read it, step by step (submissions.answers.readable)."""
        return answers.readable(self, files=_by_question(self.own_attachments()))

    def own_attachments(self):
        """The EOI's files, not its full proposal's (`attachments` holds both)."""
        return self.attachments.filter(proposal=None)


def _by_question(attachments):
    files = {}
    for attachment in attachments:
        files.setdefault(attachment.question, []).append(attachment)
    return files


def attachment_path(attachment, filename):
    # Stored under a random name: neither the applicant's file name nor the EOI can be guessed.
    return f"eoi-attachments/{uuid.uuid4().hex}{attachment.extension}"


class Attachment(models.Model):
    """A file answering a file question: of an EOI, or of its full proposal (`proposal` set,
    `eoi` still the proposal's own EOI, so that whatever deletes an EOI takes its proposal's
    files too). Only submissions.domain.store_attachments writes rows, and it sets both."""

    eoi = models.ForeignKey(
        ExpressionOfInterest, on_delete=models.CASCADE, related_name="attachments"
    )
    proposal = models.ForeignKey(
        "Proposal",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("full proposal"),
    )
    # The key of the file question it answers.
    question = models.CharField(_("question"), max_length=40)
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["question", "uploaded_at"]

    def __str__(self):
        return self.original_name


def message_path(message, filename):
    # Stored under a random name, like an EOI's attachments.
    return f"eoi-messages/{uuid.uuid4().hex}{message.extension}"


class Message(models.Model):
    """One message of the thread between the Secretariat and the applicant about an EOI."""

    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    # Which side wrote it, kept apart from the author: it stays true of a message whose
    # author later left the Secretariat or deleted their account.
    from_secretariat = models.BooleanField(_("from the Secretariat"))
    text = models.TextField(_("message"))
    file = models.FileField(upload_to=message_path, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    extension = models.CharField(max_length=8, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.eoi} · {self.created_at:%Y-%m-%d %H:%M}"


class CoApplicantQuerySet(models.QuerySet):
    def live(self):
        """Not revoked: pending invitations and co-applicants alike."""
        return self.filter(revoked_at=None)

    def active(self):
        """Accepted and not revoked: the people who co-apply now."""
        return self.live().exclude(accepted_at=None).exclude(user=None)


class CoApplicant(models.Model):
    """A person the lead applicant invited to an EOI, and the parts of it they may edit.

    Invited by address; `user` is set when that person accepts, signed in with the address.
    Revoking keeps the row (the audit trail names it) and ends the access at once. `parts` are
    strings: "step:<step key>" opens a whole step, "question:<question key>" one question (a
    part of a rows question, such as one row, can later be "question:<key>:<row>")."""

    eoi = models.ForeignKey(
        ExpressionOfInterest, on_delete=models.CASCADE, related_name="coapplicants"
    )
    email = models.EmailField(_("email address"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="coapplications",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(_("invited at"), default=timezone.now)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    # The SHA-256 of the invitation link's random token: the link itself is never stored.
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    parts = models.JSONField(_("parts they may edit"), default=list, blank=True)

    objects = CoApplicantQuerySet.as_manager()

    class Meta:
        verbose_name = _("co-applicant")
        verbose_name_plural = _("co-applicants")
        ordering = ["invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                models.F("eoi"),
                models.functions.Lower("email"),
                condition=Q(revoked_at=None),
                name="one_live_invitation_per_address",
            )
        ]

    def __str__(self):
        return f"{self.email} · {self.eoi}"


class Partner(models.Model):
    """A partner organisation as the lead applicant names it (a row of the questionnaire's
    partners, questionnaires.models.Role.PARTNERS), copied on every save of the answers
    (submissions.partners.sync), with what the partner itself said of it."""

    class Confirmation(models.TextChoices):
        NOT_ASKED = "not_asked", _("Not asked")
        PENDING = "pending", _("Asked, no answer yet")
        CONFIRMED = "confirmed", _("Confirmed")
        DECLINED = "declined", _("Declined")

    eoi = models.ForeignKey(ExpressionOfInterest, on_delete=models.CASCADE, related_name="partners")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(_("name"), max_length=300)
    country = CountryField(_("country"), blank=True)
    role = models.TextField(_("its part in the project"), blank=True)
    budget_share = models.DecimalField(
        _("its share of the budget (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    locally_led = models.BooleanField(_("led from where it works"), default=False)
    email = models.EmailField(_("contact address"), blank=True)
    anonymous = models.BooleanField(_("not named to reviewers"), default=False)
    confirmation = models.CharField(
        _("confirmation"),
        max_length=12,
        choices=Confirmation,
        default=Confirmation.NOT_ASKED,
    )
    asked_at = models.DateTimeField(_("asked at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # What the partner confirmed or declined (role, share, locally led, country): a change of
    # any of it by the lead asks the partner again.
    answered = models.JSONField(default=dict, blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The link's token, kept only as its SHA-256: the database does not hold a usable link.
    # Emptied once the link is used, or when another one is sent.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    token_expires_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.name


class Proposal(Answered):
    """An invited applicant's answers to a later stage's questionnaire (the full proposal):
    one per EOI and stage, filled in through the same forms, checks and pages as the EOI
    (submissions.filled), with its own deadline (the stage's) and reference (the EOI's + "-P")."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        # By its lead applicant, with the EOI: the application leaves the call
        # (submissions.proposals.withdraw).
        WITHDRAWN = "withdrawn", _("Withdrawn")

    eoi = models.ForeignKey(
        ExpressionOfInterest,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("expression of interest"),
    )
    stage = models.ForeignKey(
        Stage, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("stage")
    )
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("questionnaire"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status, default=Status.DRAFT, db_index=True
    )
    reference = models.CharField(_("reference"), max_length=24, unique=True, null=True, blank=True)
    declares_accuracy = models.BooleanField(
        _("The information in this full proposal is accurate and complete."), default=False
    )
    declares_consent = models.BooleanField(
        _(
            "I agree that the Secretariat and the Review Board process this full proposal "
            "to assess it."
        ),
        default=False,
    )

    class Meta:
        verbose_name = _("full proposal")
        verbose_name_plural = _("full proposals")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["eoi", "stage"], name="one_proposal_per_eoi_and_stage")
        ]

    def __str__(self):
        return self.reference or gettext("Draft full proposal")

    def get_absolute_url(self):
        return reverse("submissions:proposal_detail", kwargs={"uuid": self.eoi.uuid})

    # What the shared form code reads of the application it fills (submissions.filled).
    @property
    def call(self):
        return self.eoi.call

    @property
    def call_id(self):
        return self.eoi.call_id

    @property
    def owner(self):
        return self.eoi.owner

    @property
    def owner_id(self):
        return self.eoi.owner_id

    @property
    def title(self):
        return self.eoi.title

    def readable_answers(self):
        """Every answer as people read it, step by step (submissions.answers.readable)."""
        return answers.readable(self, files=_by_question(self.own_attachments()))

    def own_attachments(self):
        """Its files (as the EOI's own_attachments: the shared form code reads either)."""
        return self.attachments.all()
