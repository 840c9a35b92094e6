from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationStackedInline

from core.admin_base import AutocompleteAdmin, BoundedInline
from submissions import answers
from submissions.admin import CallAdmin
from submissions.models import Call, Challenge, Stage

from . import domain
from .models import Assignment, Conflict, Criterion, Decision, ReviewerExpertise


class RubricFormSet(BaseInlineFormSet):
    """The rubrics of all the call's stages: each stage's weights add up to 100."""

    def clean(self):
        super().clean()
        weights = {}
        for form in self.forms:
            if form.cleaned_data.get("weight") and not form.cleaned_data.get("DELETE"):
                stage = form.cleaned_data.get("stage")
                weights.setdefault(stage, []).append(form.cleaned_data["weight"])
        problems = [
            (
                _("The weights of the criteria must add up to 100 (now %(total)d).")
                if stage is None
                else _(
                    "The weights of the criteria of “%(stage)s” must add up to 100 (now %(total)d)."
                )
            )
            % {"total": sum(stage_weights), "stage": stage.get_kind_display() if stage else ""}
            for stage, stage_weights in weights.items()
            if sum(stage_weights) != 100
        ]
        if problems:
            raise ValidationError(problems)
        scale = self.instance.score_scale_max
        for form in self.forms:
            descriptors = form.cleaned_data.get("descriptors") or []
            if descriptors and len(descriptors) != scale:
                form.add_error(
                    "descriptors",
                    _("Give one descriptor per score: %(scale)d of them.") % {"scale": scale},
                )


class CriterionForm(forms.ModelForm):
    def clean_stage(self):
        stage = self.cleaned_data.get("stage")
        if stage and not stage.reviewed:
            raise ValidationError(
                _("“%(stage)s” is not reviewed: tick “reviewed” on the stage first.")
                % {"stage": stage.get_kind_display()}
            )
        return stage


class CriterionInline(BoundedInline, TranslationStackedInline):
    model = Criterion
    form = CriterionForm
    formset = RubricFormSet
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        # A criterion scores the call's own stages after the EOI (saved ones: a stage added on
        # this page gets its rubric once saved); empty is the EOI's.
        field = formset.form.base_fields["stage"]
        field.queryset = Stage.objects.filter(call=obj).exclude(
            kind=Stage.Kind.EXPRESSION_OF_INTEREST
        )
        field.empty_label = Stage.Kind.EXPRESSION_OF_INTEREST.label
        return formset


# A call's page also edits its rubric. The rubric is the review's, and submissions sits below
# review (docs/ARCHITECTURE.md), so this app extends the call's admin rather than submissions
# reaching up for Criterion.
admin.site.unregister(Call)


@admin.register(Call)
class CallWithRubricAdmin(CallAdmin):
    inlines = [*CallAdmin.inlines, CriterionInline]


class MadeByTheReviewApp(admin.ModelAdmin):
    """Assignments and decisions come from the review pages, through review/domain.py
    and its rules (the status table, the deadline); the admin shows them and adds none: its add
    form, with the EOI read-only, could only fail. Nor does it delete them: an assignment is
    released and a decision replaced there, in the audit trail, where a delete was in none
    (a decision's, released or not, went without a word)."""

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(MadeByTheReviewApp):
    list_display = ["eoi", "reviewer", "due_at", "declaration", "released_at", "release_reason"]
    list_filter = ["eoi__call", "declaration", "release_reason"]
    list_select_related = ["eoi", "reviewer"]
    search_fields = ["eoi__reference", "reviewer__email"]
    readonly_fields = [
        "eoi",
        "reviewer",
        "assigned_by",
        "declaration",
        "declared_at",
        "released_at",
        "release_reason",
    ]


class ConflictForm(forms.ModelForm):
    class Meta:
        model = Conflict
        fields = ["reviewer", "eoi", "organisation", "reason"]

    def clean(self):
        cleaned = super().clean()
        organisation = answers.tidy_name(cleaned.get("organisation") or "")
        if bool(cleaned.get("eoi")) == bool(organisation) and not self.errors:
            raise ValidationError(
                _("Name either an expression of interest or an organisation, not both.")
            )
        return cleaned


@admin.register(Conflict)
class ConflictAdmin(AutocompleteAdmin):
    """Reviewers declare conflicts on their review pages; the Secretariat records the ones it
    knows of here, before assigning (review/domain.py releases any assignment one crosses).
    A recorded conflict is removed, not changed."""

    form = ConflictForm
    list_display = ["reviewer", "eoi", "organisation", "reason", "recorded_by", "declared_at"]
    list_select_related = ["eoi", "reviewer", "recorded_by"]
    search_fields = ["reviewer__email", "reviewer__name", "organisation", "eoi__reference"]
    autocomplete_fields = ["reviewer", "eoi"]

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        released = domain.record_conflict(obj, request.user)
        if released:
            messages.warning(
                request,
                ngettext(
                    "%(count)d active assignment crossed this conflict and was released.",
                    "%(count)d active assignments crossed this conflict and were released.",
                    released,
                )
                % {"count": released},
            )

    def delete_model(self, request, obj):
        domain.remove_conflict(obj, request.user)

    def delete_queryset(self, request, queryset):
        for conflict in queryset.select_related("eoi", "reviewer"):
            domain.remove_conflict(conflict, request.user)


class ChallengeChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, challenge):
        return f"{challenge.call} · {challenge}"


class ExpertiseForm(forms.ModelForm):
    challenges = ChallengeChoices(
        label=_("challenges"),
        queryset=Challenge.objects.select_related("call").order_by("-call__opens_at", "number"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = ReviewerExpertise
        fields = ["reviewer", "challenges", "countries"]


@admin.register(ReviewerExpertise)
class ReviewerExpertiseAdmin(AutocompleteAdmin):
    """What each reviewer knows; reviewers state it themselves on their expertise page."""

    form = ExpertiseForm
    list_display = ["reviewer", "updated_at"]
    list_select_related = ["reviewer"]
    search_fields = ["reviewer__email", "reviewer__name"]
    autocomplete_fields = ["reviewer"]

    def save_related(self, request, form, formsets, change):
        # Through the domain, as the reviewer's own page: one audit entry with the result.
        domain.save_expertise(
            form.instance.reviewer,
            list(form.cleaned_data["challenges"]),
            form.cleaned_data["countries"],
            request.user,
        )


@admin.register(Decision)
class DecisionAdmin(MadeByTheReviewApp):
    list_display = ["eoi", "stage", "outcome", "decided_by", "decided_at", "released_at"]
    list_filter = ["outcome", "eoi__call"]
    list_select_related = ["eoi", "stage", "decided_by"]
    readonly_fields = ["eoi", "stage", "outcome", "feedback", "decided_by", "released_at"]
