"""Where the Secretariat builds a call's questionnaire: steps and questions in English and
French, choices and columns on a question's own page, a preview as applicants see it, and the
questionnaire as a file. A version with answers is shown read-only; an edit starts a new version
(versions.py)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import (
    TranslationAdmin,
    TranslationStackedInline,
    TranslationTabularInline,
)

from audit import trail
from core.admin_base import BoundedInline

from . import definition as definitions
from . import preview, versions
from .admin_forms import (
    ColumnForm,
    ColumnFormSet,
    ImportForm,
    QuestionForm,
    QuestionFormSet,
    QuestionPageForm,
    StepFormSet,
    Together,
    as_pk,
)
from .models import Choice, Question, Questionnaire, Step

LIMITS = ("word_limit", "min_value", "max_value", "max_rows", "file_types")


def _questionnaire_of(obj):
    return obj.questionnaire if isinstance(obj, Question | Step) else obj


def _open(obj):
    questionnaire = _questionnaire_of(obj) if obj is not None else None
    return questionnaire is None or not versions.is_answered(questionnaire)


class Unanswered:
    """A questionnaire (or a question of it) is changed only while no answer was given in it;
    after that it is shown read-only."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and _open(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and _open(obj)


class HeldWhileSaved:
    """A page that writes a questionnaire holds its row while it is saved (versions.held): an
    application started meanwhile waits, and finds the version it answers as saved. Answers
    given before the hold was taken are read under it, and refuse the page with the reason."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with transaction.atomic():
            questionnaire_id = self.questionnaire_of_page(request, object_id)
            questionnaire = versions.held(questionnaire_id) if questionnaire_id else None
            if questionnaire is not None and versions.is_answered(questionnaire):
                messages.error(
                    request,
                    _(
                        "Answers were given in this version meanwhile, so it can no longer be "
                        "changed: make a new version to edit, and make your changes there."
                    ),
                )
                return HttpResponseRedirect(request.path)
            return super().changeform_view(request, object_id, form_url, extra_context)


class UnansweredRows(Unanswered):
    """The same for the rows of a page (steps, questions, choices, columns)."""

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and _open(obj)


class StepInline(BoundedInline, UnansweredRows, TranslationTabularInline):
    model = Step
    formset = StepFormSet
    fields = ["position", "key", "title", "intro"]
    # Four texts side by side on one row: each introduction in a small box.
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 28})}
    }
    extra = 0
    max_num = 30


class QuestionInline(BoundedInline, UnansweredRows, TranslationStackedInline):
    """The questionnaire's questions; the columns of repeating rows are on their own page."""

    model = Question
    fk_name = "questionnaire"
    form = QuestionForm
    formset = QuestionFormSet
    fieldsets = [
        (None, {"fields": [("position", "step", "key", "kind")]}),
        (None, {"fields": [("label_en", "label_fr"), ("help_text_en", "help_text_fr")]}),
        (None, {"fields": [("required", "role", "identifying", "named_check"), LIMITS]}),
    ]
    extra = 0
    max_num = 100
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).filter(row_of=None).select_related("step")


class Snapshots:
    """An edit is recorded in the audit trail once, naming the parts that changed in the
    database (as the call's admin does)."""

    def save_model(self, request, obj, form, change):
        questionnaire = _questionnaire_of(obj) if change or isinstance(obj, Question) else None
        before = _snapshot(questionnaire.pk) if questionnaire and questionnaire.pk else {}
        request.questionnaire_before = before
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        questionnaire = _questionnaire_of(form.instance)
        before, after = request.questionnaire_before, _snapshot(questionnaire.pk)
        parts = [part for part, rows in after.items() if before.get(part, []) != rows]
        if parts:
            versions.record_change(
                questionnaire=questionnaire,
                actor=request.user,
                created=not before,
                parts=parts,
            )


def _snapshot(questionnaire_id):
    ignored = {"created_at", "updated_at"}

    def rows(queryset):
        return [
            {k: v for k, v in row.items() if k not in ignored}
            for row in queryset.order_by("pk").values()
        ]

    return {
        "name": rows(Questionnaire.objects.filter(pk=questionnaire_id)),
        "steps": rows(Step.objects.filter(questionnaire=questionnaire_id)),
        "questions": rows(Question.objects.filter(questionnaire=questionnaire_id)),
        "choices": rows(Choice.objects.filter(question__questionnaire=questionnaire_id)),
    }


@admin.register(Questionnaire)
class QuestionnaireAdmin(HeldWhileSaved, Snapshots, Unanswered, admin.ModelAdmin):
    list_display = ["name", "version", "answered_at"]
    fields = ["name", "version", "previous", "answered_at"]
    readonly_fields = ["version", "previous", "answered_at"]
    search_fields = ["name"]

    def delete_model(self, request, obj):
        trail.record(request.user, "questionnaire.deleted", obj, name=str(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for questionnaire in queryset:
            trail.record(
                request.user, "questionnaire.deleted", questionnaire, name=str(questionnaire)
            )
        super().delete_queryset(request, queryset)

    def get_inlines(self, request, obj):
        # A question chooses among the steps saved already: a new questionnaire gets its
        # steps first.
        return [StepInline, QuestionInline] if obj else [StepInline]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if issubclass(inline.formset, StepFormSet | QuestionFormSet):
            if not hasattr(request, "questionnaire_page"):
                request.questionnaire_page = Together()
            kwargs["together"] = request.questionnaire_page
        return kwargs

    def questionnaire_of_page(self, request, object_id):
        questionnaire = self.get_object(request, unquote(object_id)) if object_id else None
        return questionnaire.pk if questionnaire is not None else None

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "newer": None}
        if object_id:
            questionnaire = self.get_object(request, unquote(object_id))
            if questionnaire is not None:
                extra_context["newer"] = versions.newer_version(questionnaire)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        def view(function):
            return self.admin_site.admin_view(function)

        name = "questionnaires_questionnaire"
        return [
            path("import/", view(self.import_view), name=f"{name}_import"),
            path("<path:object_id>/preview/", view(self.preview_view), name=f"{name}_preview"),
            path("<path:object_id>/export/", view(self.export_view), name=f"{name}_export"),
            path(
                "<path:object_id>/new-version/",
                view(self.new_version_view),
                name=f"{name}_new_version",
            ),
            *super().get_urls(),
        ]

    def _viewable(self, request, object_id):
        questionnaire = self.get_object(request, unquote(object_id))
        if questionnaire is None:
            raise Http404(_("There is no such questionnaire."))
        if not self.has_view_permission(request, questionnaire):
            raise PermissionDenied
        return questionnaire

    def _change_url(self, questionnaire):
        return reverse("admin:questionnaires_questionnaire_change", args=[questionnaire.pk])

    def preview_view(self, request, object_id):
        questionnaire = self._viewable(request, object_id)
        return preview.render(request, questionnaire, self._change_url(questionnaire))

    def export_view(self, request, object_id):
        questionnaire = self._viewable(request, object_id)
        response = HttpResponse(
            definitions.as_json(definitions.build(questionnaire.pk)),
            content_type="application/json; charset=utf-8",
        )
        filename = f"{slugify(questionnaire.name) or 'questionnaire'}-v{questionnaire.version}"
        response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
        return response

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
        if request.method == "POST" and form.is_valid():
            questionnaire = versions.import_definition(
                definition=form.cleaned_data["definition"], actor=request.user
            )
            messages.success(
                request,
                _("“%(questionnaire)s” was imported: check it, then choose it for a call.")
                % {"questionnaire": questionnaire},
            )
            return HttpResponseRedirect(self._change_url(questionnaire))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import a questionnaire"),
            "form": form,
        }
        return TemplateResponse(request, "admin/questionnaires/import.html", context)

    def new_version_view(self, request, object_id):
        questionnaire = self._viewable(request, object_id)
        if not (self.has_add_permission(request) and super().has_change_permission(request)):
            raise PermissionDenied
        try:
            if request.method != "POST":
                refusal = versions.why_no_new_version(questionnaire)
                if refusal is not None:
                    raise refusal
            else:
                # Checked again while the questionnaire's row is held: of two clicks at once,
                # the second finds the first's copy.
                copy = versions.new_version(questionnaire=questionnaire, actor=request.user)
                messages.success(
                    request,
                    _(
                        "This is %(questionnaire)s, a copy to edit. The calls that asked the "
                        "earlier version ask this one now."
                    )
                    % {"questionnaire": copy},
                )
                return HttpResponseRedirect(self._change_url(copy))
        except versions.NoNewVersion as refusal:
            messages.info(request, refusal.message)
            return HttpResponseRedirect(self._change_url(refusal.to_edit))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Make a new version to edit"),
            "questionnaire": questionnaire,
            "calls": questionnaire.calls.order_by("title"),
            "next_version": questionnaire.version + 1,
        }
        return TemplateResponse(request, "admin/questionnaires/new_version.html", context)


class ChoiceInline(BoundedInline, UnansweredRows, TranslationTabularInline):
    model = Choice
    fields = ["position", "value", "label"]
    extra = 0
    max_num = 100


class ColumnInline(BoundedInline, UnansweredRows, TranslationStackedInline):
    """The columns of repeating rows (partners, budget lines): a question each."""

    model = Question
    fk_name = "row_of"
    form = ColumnForm
    formset = ColumnFormSet
    fieldsets = [
        (None, {"fields": [("position", "key", "kind")]}),
        (None, {"fields": [("label_en", "label_fr"), ("help_text_en", "help_text_fr")]}),
        (None, {"fields": [("required", "role", "identifying"), LIMITS[:3]]}),
    ]
    extra = 0
    max_num = 20
    show_change_link = True
    verbose_name = gettext_lazy("column")
    verbose_name_plural = gettext_lazy("columns")


@admin.register(Question)
class QuestionAdmin(HeldWhileSaved, Snapshots, Unanswered, TranslationAdmin):
    """A question on its own page, with its choices and, for repeating rows, its columns."""

    form = QuestionPageForm
    list_display = ["label", "key", "kind", "step", "questionnaire"]
    list_filter = ["questionnaire"]
    list_select_related = ["step", "questionnaire"]
    search_fields = ["key", "label_en", "label_fr"]

    def get_model_perms(self, request):
        return {}  # reached from its questionnaire, not from the admin's index

    def questionnaire_of_page(self, request, object_id):
        if object_id:
            question = self.get_object(request, unquote(object_id))
            return question.questionnaire_id if question is not None else None
        # A new question names its questionnaire in the form (checked there).
        return as_pk(request.POST.get("questionnaire"))

    def delete_model(self, request, obj):
        questionnaire = obj.questionnaire
        super().delete_model(request, obj)
        versions.record_change(
            questionnaire=questionnaire, actor=request.user, created=False, parts=["questions"]
        )

    def delete_queryset(self, request, queryset):
        # The list's "delete selected" too: each deletion recorded, each questionnaire's stamp
        # moved, so that no process keeps asking the deleted questions.
        for question in queryset.select_related("questionnaire"):
            self.delete_model(request, question)

    def get_fieldsets(self, request, obj=None):
        column = obj is not None and obj.row_of_id is not None
        place = ("questionnaire", "row_of") if column else ("questionnaire", "step")
        settings = (
            ("required", "role", "identifying")
            if column
            else (
                "required",
                "role",
                "identifying",
                "named_check",
            )
        )
        return [
            (None, {"fields": [place, ("position", "key", "kind")]}),
            (None, {"fields": [("label_en", "label_fr"), ("help_text_en", "help_text_fr")]}),
            (None, {"fields": [settings, LIMITS[:3] if column else LIMITS]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        return ["questionnaire", "row_of"] if obj is not None else []

    def get_inlines(self, request, obj):
        return [ChoiceInline] if obj is not None and obj.row_of_id else [ChoiceInline, ColumnInline]

    def response_post_save_add(self, request, obj):
        return HttpResponseRedirect(self._questionnaire_url(obj))

    def response_post_save_change(self, request, obj):
        return HttpResponseRedirect(self._questionnaire_url(obj))

    def _questionnaire_url(self, question):
        if question.row_of_id:
            return reverse("admin:questionnaires_question_change", args=[question.row_of_id])
        return reverse(
            "admin:questionnaires_questionnaire_change", args=[question.questionnaire_id]
        )
