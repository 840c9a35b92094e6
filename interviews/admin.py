from django.contrib import admin
from django.db import models

from .models import Booking, Slot


class ReadOnlyHere(admin.ModelAdmin):
    """Slots are offered and removed, and interviews booked and assessed, on the interview
    pages, through interviews/domain.py with their audit entries and calendar mails; the admin
    shows them and changes nothing (an edit here would send no cancellation to anyone)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # read-only, as typed

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Slot)
class SlotAdmin(ReadOnlyHere):
    list_display = ["starts_at", "duration_minutes", "location", "stage"]
    list_filter = ["stage__call"]
    list_select_related = ["stage__call"]


@admin.register(Booking)
class BookingAdmin(ReadOnlyHere):
    list_display = ["eoi", "slot", "booked_at", "cancelled_at", "score"]
    list_filter = ["slot__stage__call", "cancelled_at"]
    list_select_related = ["eoi", "slot__stage__call"]
    search_fields = ["eoi__reference", "eoi__owner__email"]
