from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "name",
        "organisation",
        "country",
        "mail_problem",
        "is_staff",
        "is_active",
    ]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        "groups",
        "preferred_language",
        "mail_problem",
    ]
    search_fields = ["email", "name", "organisation"]
    fieldsets = [
        (None, {"fields": ["email", "password", "mail_problem", "mail_problem_at"]}),
        (
            _("Profile"),
            {"fields": ["name", "organisation", "country", "preferred_language"]},
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["mail_problem", "mail_problem_at"]  # the provider's reports set them
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
