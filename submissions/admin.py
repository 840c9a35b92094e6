from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from audit import trail
from core.admin_base import AutocompleteAdmin, BoundedInline
from core.timezones import time_zone_names

from . import documents, domain
from .forms import CallDocumentForm
from .models import (
    Attachment,
    Call,
    CallDocument,
    Challenge,
    ExpressionOfInterest,
    Extension,
    Milestone,
    Question,
    Stage,
    sequence_problems,
)


class ChallengeInline(BoundedInline, TranslationStackedInline):
    model = Challenge
    extra = 0


class MilestoneInline(BoundedInline, TranslationTabularInline):
    model = Milestone
    extra = 0


class CallDocumentInline(BoundedInline, TranslationStackedInline):
    model = CallDocument
    form = CallDocumentForm
    extra = 0

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "link":
            kwargs["assume_scheme"] = "https"  # a link typed without one
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class QuestionInline(BoundedInline, TranslationStackedInline):
    model = Question
    extra = 0


class StageForm(forms.ModelForm):
    decisions = forms.MultipleChoiceField(
        label=_("decisions that close it"),
        choices=Stage.Outcome.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=Stage._meta.get_field("decisions").help_text,
    )

    class Meta:
        model = Stage
        fields = [
            "order",
            "kind",
            "opens_at",
            "closes_at",
            "questionnaire",
            "reviewed",
            "decisions",
        ]


class StageFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(form.errors for form in self.forms):
            return  # each row's own messages first
        stages = [
            form.instance
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and (form.instance.pk or form.has_changed())
        ]
        problems = sequence_problems(self.instance, stages)
        if problems:
            raise ValidationError(problems)


class StageInline(BoundedInline, admin.StackedInline):
    model = Stage
    form = StageForm
    formset = StageFormSet
    extra = 0


@admin.register(Call)
class CallAdmin(TranslationAdmin):
    """Where the Secretariat configures each call: its text in English and French, dates,
    limits and review settings. The review app adds the rubric (review/admin.py)."""

    list_display = ["title", "headline", "opens_at", "closes_at", "is_published"]
    list_filter = ["is_published"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [StageInline, ChallengeInline, MilestoneInline, CallDocumentInline, QuestionInline]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The call announces its dates in its own time zone (the call page, the mails): the
        # Secretariat reads and types them in it here too, its stages' with them.
        with timezone.override(self.zone_of(request, object_id)):
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # Rendered here, in the zone it was read in (a TemplateResponse would render later).
            return response.render() if hasattr(response, "render") else response

    def zone_of(self, request, object_id):
        """The zone the page is sent in, or the one chosen on it when it comes back."""
        chosen = request.POST.get("time_zone") if request.method == "POST" else None
        if chosen in time_zone_names():
            return chosen
        call = self.get_object(request, object_id) if object_id else None
        return call.time_zone if call else Call._meta.get_field("time_zone").default

    # What the audit trail records is what changed in the database, not what the form thinks.
    def save_model(self, request, obj, form, change):
        before = Call.objects.filter(pk=obj.pk).values().first() if change else {}
        super().save_model(request, obj, form, change)
        after = Call.objects.filter(pk=obj.pk).values().get()
        changed = sorted(
            name
            for name, value in after.items()
            if name not in ("updated_at", "created_at") and before.get(name) != value
        )
        if changed:
            trail.record(
                request.user, "call.changed" if change else "call.created", obj, fields=changed
            )

    def save_formset(self, request, form, formset, change):
        rows = formset.model.objects.filter(call=form.instance)
        before = list(rows.order_by("pk").values())
        super().save_formset(request, form, formset, change)
        if list(rows.order_by("pk").values()) != before:
            trail.record(request.user, "call.changed", form.instance, fields=[formset.prefix])
        if formset.model is CallDocument:
            # Files no document uses any more go once the change is committed.
            deleted = {id(row) for row in formset.deleted_objects}
            for row in formset.forms:
                if row.stored_file and (
                    id(row.instance) in deleted or row.instance.file.name != row.stored_file
                ):
                    documents.discard_later(row.stored_file)


@admin.register(Extension)
class ExtensionAdmin(AutocompleteAdmin):
    list_display = ["applicant", "call", "until", "granted_by"]
    # granted_by may be empty, and the admin's own select_related() follows only required keys.
    list_select_related = ["applicant", "call", "granted_by"]
    list_filter = ["call"]
    autocomplete_fields = ["applicant"]
    readonly_fields = ["granted_by"]

    def save_model(self, request, obj, form, change):
        domain.grant_extension(obj, request.user)


class AttachmentInline(BoundedInline, admin.TabularInline):
    model = Attachment
    extra = 0
    fields = ["question", "original_name", "size", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(ExpressionOfInterest)
class ExpressionOfInterestAdmin(admin.ModelAdmin):
    """Read-only: applicants change their EOIs, the review app changes their status. Nor is one
    deleted here: an EOI leaves by withdrawal or the retention rule (submissions/privacy.py, its
    files with it), where a delete left its files on the disk, took its reviews and messages,
    and said nothing in the audit trail."""

    list_display = ["reference", "title", "owner", "call", "status", "updated_at"]
    list_filter = ["call", "status"]
    search_fields = ["reference", "title", "organisation_name", "owner__email"]
    list_select_related = ["owner", "call"]
    inlines = [AttachmentInline]
    exclude = ["answers"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
