from django.contrib import admin

from .models import Assignment, Conflict, Decision


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
