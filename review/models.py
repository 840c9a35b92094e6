from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OrderBy, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


def _stage_field(related_name="+"):
    """Which round of review a row belongs to: empty for the expression of interest (every row
    made before proposals were reviewed), a reviewed later stage (its full proposal) otherwise."""
    return models.ForeignKey(
        "submissions.Stage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name=related_name,
        verbose_name=_("stage"),
        help_text=_("Empty: the expression of interest."),
    )


class Criterion(models.Model):
    """One line of the rubric of a call's stage: scored from 1 to the call's highest score,
    weighted. The EOI's rubric is the call's criteria with no stage (`eoi_rubric`)."""

    call = models.ForeignKey("submissions.Call", on_delete=models.CASCADE, related_name="criteria")
    # The stage whose reviews it scores; empty for the expression of interest (every criterion
    # made before there were stages). A reviewed stage is not removed while it has criteria.
    stage = _stage_field(related_name="criteria")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("criterion"), max_length=200)
    description = models.TextField(_("what reviewers look for"), blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight (%)"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    descriptors = models.JSONField(
        _("descriptor of each score"),
        default=list,
        blank=True,
        help_text=_('One text per score, lowest first, e.g. ["Weak", "Fair", "Good", …].'),
    )

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.title} ({self.weight}%)"


def eoi_rubric(call):
    """The criteria the expression of interest's reviews score, in order."""
    return call.criteria.filter(stage=None)


def rubric_of(call, stage=None):
    """The criteria a round's reviews score, in order: the EOI's (no stage) or a later stage's."""
    return eoi_rubric(call) if stage is None else call.criteria.filter(stage=stage)


def one_per_round(fields, name):
    """One row per `fields` in each round: two constraints, because NULLs are distinct in a
    unique index (one for the EOI round, one for each later stage), as for Decision."""
    return [
        models.UniqueConstraint(fields=fields, condition=Q(stage=None), name=name),
        models.UniqueConstraint(fields=[*fields, "stage"], name=f"{name}_per_stage"),
    ]


class Assignment(models.Model):
    """A reviewer asked to review one EOI (or, with a stage, its proposal in that stage) by a
    due date. Released, it stays on the record."""

    class Release(models.TextChoices):
        CONFLICT = "conflict", _("Conflict of interest declared")
        REMOVED = "removed", _("Removed by the Secretariat")

    class Declaration(models.TextChoices):
        NO_CONFLICT = "no_conflict", _("No conflict of interest")
        CONFLICT = "conflict", _("Conflict of interest")

    eoi = models.ForeignKey(
        "submissions.ExpressionOfInterest", on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    stage = _stage_field()
    due_at = models.DateTimeField(_("due"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    release_reason = models.CharField(_("why released"), max_length=16, choices=Release, blank=True)
    # The reviewer sees the title, the organisations and the countries only until they declare
    # whether they have a conflict of interest; "no conflict" opens the rest.
    declaration = models.CharField(
        _("conflict declaration"), max_length=16, choices=Declaration, blank=True
    )
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    # When its review was submitted (review.domain.save_review): the reviews still to do are the
    # assignments neither released nor reviewed, counted from a small partial index instead of
    # every review a reviewer ever submitted (docs/BENCHMARKS.md, the reviewer picker).
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = one_per_round(["eoi", "reviewer"], "one_assignment_per_reviewer")
        indexes = [
            models.Index(fields=["reviewer", "released_at"]),
            models.Index(
                fields=["reviewer"],
                condition=models.Q(released_at=None, reviewed_at=None),
                name="assignment_to_review",
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} → {self.eoi}"


class Conflict(models.Model):
    """A reviewer's conflict of interest: with one EOI, or with an organisation (matched, case
    and spaces aside, against each EOI's lead organisation and its partners). The reviewer
    declares it, or the Secretariat records it before assigning; no assignment crosses it."""

    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts"
    )
    eoi = models.ForeignKey(
        "submissions.ExpressionOfInterest",
        on_delete=models.CASCADE,
        related_name="conflicts",
        null=True,
        blank=True,
        verbose_name=_("expression of interest"),
    )
    organisation = models.CharField(
        _("organisation"),
        max_length=300,
        blank=True,
        help_text=_(
            "Any EOI whose lead organisation or a partner has this name (capitals and spaces "
            "aside) is never assigned to the reviewer."
        ),
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    declared_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["eoi", "reviewer"], name="one_conflict_per_reviewer"),
            models.CheckConstraint(
                condition=(Q(eoi__isnull=False) & Q(organisation=""))
                | (Q(eoi__isnull=True) & ~Q(organisation="")),
                name="conflict_with_an_eoi_or_an_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} ✕ {self.eoi or self.organisation}"


class ReviewerExpertise(models.Model):
    """What a reviewer knows: automatic assignment prefers them for EOIs on these challenges
    (then these countries)."""

    reviewer = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="expertise",
        verbose_name=_("reviewer"),
    )
    challenges = models.ManyToManyField(
        "submissions.Challenge",
        blank=True,
        related_name="experts",
        verbose_name=_("challenges"),
    )
    countries = CountryField(_("countries"), multiple=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reviewer expertise")
        verbose_name_plural = _("reviewers' expertise")

    def __str__(self):
        return str(self.reviewer)


class Recommendation(models.TextChoices):
    INVITE = "invite", _("Invite to full proposal")
    WAITLIST = "waitlist", _("Waitlist")
    DECLINE = "decline", _("Do not select")


class Review(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    eoi = models.ForeignKey(
        "submissions.ExpressionOfInterest", on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    stage = _stage_field()
    status = models.CharField(max_length=16, choices=Status, default=Status.DRAFT, db_index=True)
    recommendation = models.CharField(
        _("recommendation"), max_length=16, choices=Recommendation, blank=True
    )
    internal_comment = models.TextField(_("comment for the Secretariat and the Board"), blank=True)
    applicant_feedback = models.TextField(_("feedback for the applicant"), blank=True)
    # Weighted total on a 0–100 scale, computed in the database from the scores on every save.
    total = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = one_per_round(["eoi", "reviewer"], "one_review_per_reviewer")

    def __str__(self):
        return f"{self.reviewer} · {self.eoi}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion")
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"


class ReviewComment(models.Model):
    """A comment in the reviewers' discussion of an EOI, by a reviewer who submitted their
    review or by the Secretariat. Never edited or deleted once posted: the others may have
    answered it, and the Board reads the discussion as it happened. Never shown to applicants."""

    eoi = models.ForeignKey(
        "submissions.ExpressionOfInterest",
        on_delete=models.CASCADE,
        related_name="review_comments",
        verbose_name=_("expression of interest"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_comments",
        verbose_name=_("author"),
    )
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("discussion comment")
        verbose_name_plural = _("discussion comments")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["eoi", "created_at"])]

    def __str__(self):
        return f"{self.author} · {self.eoi}"


class Decision(models.Model):
    """The Secretariat's outcome for an EOI in one stage: internal until released to the
    applicant. One per EOI and stage; `stage` empty is the expression of interest's (as for
    Criterion), so that the decisions made before stages stay the EOI stage's."""

    class Outcome(models.TextChoices):
        INVITED = "invited", _("Invited to full proposal")
        SHORTLISTED = "shortlisted", _("Shortlisted for interview")
        RECOMMENDED = "recommended", _("Recommended for an award")
        AWARDED = "awarded", _("Awarded a grant")
        WAITLISTED = "waitlisted", _("Waitlisted")
        NOT_SELECTED = "not_selected", _("Not selected")

    eoi = models.ForeignKey(
        "submissions.ExpressionOfInterest", on_delete=models.CASCADE, related_name="decisions"
    )
    stage = models.ForeignKey(
        "submissions.Stage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("stage"),
        help_text=_("Empty: the expression of interest."),
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome)
    feedback = models.TextField(_("feedback for the applicant"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            # Two, because NULLs are distinct in a unique index: one for the EOI stage, one
            # for each later stage.
            models.UniqueConstraint(
                fields=["eoi"], condition=Q(stage=None), name="one_eoi_stage_decision"
            ),
            models.UniqueConstraint(fields=["eoi", "stage"], name="one_decision_per_stage"),
        ]

    def __str__(self):
        return f"{self.eoi}: {self.get_outcome_display()}"


def current_decision(eoi):
    """The decision of the stage the EOI is in (released or not), or None; read from the EOI's
    prefetched `decisions` when a list prefetched them."""
    if "decisions" in getattr(eoi, "_prefetched_objects_cache", {}):
        return next((d for d in eoi.decisions.all() if d.stage_id == eoi.stage_id), None)
    return Decision.objects.filter(eoi=eoi, stage_id=eoi.stage_id).first()


class NullsLastIndex(models.Index):
    """An index on expressions such as F("mean").desc(nulls_last=True), in the order the lists
    sort on (empty values last). PostgreSQL is told NULLS LAST; SQLite refuses it in an index,
    and puts NULLs last in a descending order (first in an ascending one) anyway."""

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using, **kwargs)
        plain = models.Index(
            *[OrderBy(c.expression, descending=c.descending) for c in self.expressions],
            name=self.name,
        )
        return plain.create_sql(model, schema_editor, using, **kwargs)


class EOIScore(models.Model):
    """An EOI's figures over its submitted reviews, computed in the database (review/scoring.py)
    and refreshed in the transaction of every review submission."""

    eoi = models.OneToOneField(
        "submissions.ExpressionOfInterest",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="score",
    )
    review_count = models.PositiveSmallIntegerField(_("reviews"))
    mean = models.FloatField(_("mean"))
    median = models.FloatField(_("median"))
    spread = models.FloatField(_("spread (highest − lowest)"))
    normalised = models.FloatField(_("normalised (mean z-score)"), db_index=True)
    disagreement = models.BooleanField(_("reviewers disagree"), default=False)
    rank = models.PositiveIntegerField(_("rank"), db_index=True)

    class Meta:
        verbose_name = _("EOI score")
        verbose_name_plural = _("EOI scores")
        indexes = [
            # The list's filter by mean score (review/filters.py); EXPLAIN in docs/BENCHMARKS.md.
            models.Index(fields=["mean"], name="eoiscore_mean"),
            # The list sorted best first ("-mean": descending, unscored EOIs last): read in that
            # order, a page of a filtered list stops at its 50th row rather than sorting every
            # row the filter keeps (31,000 at 50,000 EOIs: 90-200 ms of SQL, then 2 ms).
            # "mean" alone serves the ascending sort.
            NullsLastIndex(F("mean").desc(nulls_last=True), name="eoiscore_mean_best_first"),
        ]

    def __str__(self):
        return f"{self.eoi}: {self.mean:.1f}"


class StageScore(models.Model):
    """A proposal's figures in a later stage's round of review, as EOIScore is the EOI's:
    over the stage's submitted reviews, computed in the database (review/scoring.py)."""

    eoi = models.ForeignKey(
        "submissions.ExpressionOfInterest", on_delete=models.CASCADE, related_name="stage_scores"
    )
    stage = models.ForeignKey(
        "submissions.Stage", on_delete=models.CASCADE, related_name="+", verbose_name=_("stage")
    )
    review_count = models.PositiveSmallIntegerField(_("reviews"))
    mean = models.FloatField(_("mean"))
    median = models.FloatField(_("median"))
    spread = models.FloatField(_("spread (highest − lowest)"))
    normalised = models.FloatField(_("normalised (mean z-score)"))
    disagreement = models.BooleanField(_("reviewers disagree"), default=False)
    rank = models.PositiveIntegerField(_("rank"))

    class Meta:
        verbose_name = _("stage score")
        verbose_name_plural = _("stage scores")
        constraints = [
            models.UniqueConstraint(fields=["stage", "eoi"], name="one_score_per_eoi_and_stage")
        ]

    def __str__(self):
        return f"{self.eoi} ({self.stage}): {self.mean:.1f}"


class BoardMeeting(models.Model):
    """A meeting of the Review Board on a stage's ranking: when it met and what it noted."""

    stage = models.ForeignKey(
        "submissions.Stage",
        on_delete=models.CASCADE,
        related_name="board_meetings",
        verbose_name=_("stage"),
    )
    held_on = models.DateField(_("held on"))
    notes = models.TextField(_("notes"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("Review Board meeting")
        verbose_name_plural = _("Review Board meetings")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.stage}: {self.held_on}"


class SavedView(models.Model):
    """A list's filters, sort and columns, saved under a name by the person who reopens them."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    list_name = models.CharField(_("list"), max_length=20, default="eois")
    # Empty for a list of the whole site (the outbox).
    call = models.ForeignKey(
        "submissions.Call",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_views",
    )
    name = models.CharField(_("name"), max_length=80)
    query = models.TextField(_("query string"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["name"]
        constraints = [
            # A name is one's own on each list of a call: "Overdue" may name a view of both.
            models.UniqueConstraint(
                fields=["owner", "call", "list_name", "name"], name="savedview_unique_name"
            ),
            # Without a call, NULLs would never clash: the same rule for a list of the site.
            models.UniqueConstraint(
                fields=["owner", "list_name", "name"],
                condition=models.Q(call=None),
                name="savedview_unique_name_site_list",
            ),
        ]

    def __str__(self):
        return self.name
