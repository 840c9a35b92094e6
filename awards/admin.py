from django.contrib import admin

from .models import Grant


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    """Read-only: grants are recorded on the Secretariat's grant page, which checks the limits
    and writes the audit entry."""

    list_display = ["eoi", "amount", "currency", "recorded_at", "letter_issued_at"]
    list_select_related = ["eoi"]
    search_fields = ["eoi__reference", "eoi__title", "eoi__organisation_name"]
    readonly_fields = [
        "eoi",
        "amount",
        "currency",
        "conditions",
        "recorded_by",
        "recorded_at",
        "letter_issued_at",
        "version",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
