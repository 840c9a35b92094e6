from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationStackedInline

from core.admin_base import BoundedInline
from submissions.admin import CallAdmin
from submissions.models import Call

from .models import Assignment, Conflict, Criterion, Decision


class RubricFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        weights = [
            form.cleaned_data["weight"]
            for form in self.forms
            if form.cleaned_data.get("weight") and not form.cleaned_data.get("DELETE")
        ]
        if weights and sum(weights) != 100:
            raise ValidationError(
                _("The weights of the criteria must add up to 100 (now %(total)d).")
                % {"total": sum(weights)}
            )
        scale = self.instance.score_scale_max
        for form in self.forms:
            descriptors = form.cleaned_data.get("descriptors") or []
            if descriptors and len(descriptors) != scale:
                form.add_error(
                    "descriptors",
                    _("Give one descriptor per score: %(scale)d of them.") % {"scale": scale},
                )


class CriterionInline(BoundedInline, TranslationStackedInline):
    model = Criterion
    formset = RubricFormSet
    extra = 0


# A call's page also edits its rubric. The rubric is the review's, and submissions sits below
# review (docs/ARCHITECTURE.md), so this app extends the call's admin rather than submissions
# reaching up for Criterion.
admin.site.unregister(Call)


@admin.register(Call)
class CallWithRubricAdmin(CallAdmin):
    inlines = [*CallAdmin.inlines, CriterionInline]


class MadeByTheReviewApp(admin.ModelAdmin):
    """Assignments, conflicts and decisions come from the review pages, through review/domain.py
    and its rules (the status table, the deadline); the admin shows them and adds none: its add
    form, with the EOI read-only, could only fail."""

    def has_add_permission(self, request):
        return False


@admin.register(Assignment)
class AssignmentAdmin(MadeByTheReviewApp):
    list_display = ["eoi", "reviewer", "due_at", "released_at", "release_reason"]
    list_filter = ["eoi__call", "release_reason"]
    list_select_related = ["eoi", "reviewer"]
    search_fields = ["eoi__reference", "reviewer__email"]
    readonly_fields = ["eoi", "reviewer", "assigned_by", "released_at", "release_reason"]


@admin.register(Conflict)
class ConflictAdmin(MadeByTheReviewApp):
    list_display = ["eoi", "reviewer", "reason", "declared_at"]
    list_select_related = ["eoi", "reviewer"]
    readonly_fields = ["eoi", "reviewer", "reason", "declared_at"]


@admin.register(Decision)
class DecisionAdmin(MadeByTheReviewApp):
    list_display = ["eoi", "outcome", "decided_by", "decided_at", "released_at"]
    list_filter = ["outcome", "eoi__call"]
    list_select_related = ["eoi", "decided_by"]
    readonly_fields = ["eoi", "outcome", "feedback", "decided_by", "released_at"]
