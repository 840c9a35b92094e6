"""The EOI form, one form per step. Steps save what is valid and keep what was typed."""

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from core.money import euros

from . import widgets as fast_widgets
from .domain import MAX_SUPPORTING_FILES
from .models import ExpressionOfInterest, Partner
from .uploads import BUDGET_TYPES, SUPPORTING_TYPES, sniff
from .validators import MaxWordsValidator


def word_limit(model, name):
    try:
        validators = model._meta.get_field(name).validators
    except FieldDoesNotExist:
        return None
    return next((v.limit for v in validators if isinstance(v, MaxWordsValidator)), None)


def https_by_default(model_field, **kwargs):
    """Web addresses typed without a scheme are taken to be https://."""
    if isinstance(model_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return model_field.formfield(**kwargs)


MULTIPLE_CHOICE_FIELDS = (forms.MultipleChoiceField, forms.ModelMultipleChoiceField)


class StepForm(forms.ModelForm):
    """Answers of one step. When the EOI is submitted already, every answer is required."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    required_when_submitted = ()

    def __init__(self, *args, require_answers=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        for name, field in self.fields.items():
            limit = word_limit(self._meta.model, name)
            if limit:
                field.widget.attrs.update({"data-word-limit": limit, "rows": 6})
                field.help_text = _("At most %(limit)d words.") % {"limit": limit}
            if require_answers and name in self.required_when_submitted:
                field.required = True

    def clean(self):
        cleaned_data = super().clean()
        # A browser sends each ticked option once; more is a crafted request, refused whole.
        for name, field in self.fields.items():
            chosen = self[name].data if isinstance(field, MULTIPLE_CHOICE_FIELDS) else None
            if isinstance(chosen, list | tuple) and len(chosen) != len(set(chosen)):
                self.add_error(name, _("Choose each option once."))
        return cleaned_data

    def answers(self):
        """The valid answers, as model field values (invalid ones are left out)."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name in self._meta.fields and name not in self.many_to_many_names()
        }

    def many_to_many_names(self):
        return {f.name for f in self._meta.model._meta.many_to_many}

    def many_to_many_answers(self):
        return {
            name: self.cleaned_data[name]
            for name in self.many_to_many_names()
            if name in self._meta.fields and name in self.cleaned_data
        }


class OrganisationForm(StepForm):
    required_when_submitted = ("organisation_name", "organisation_type", "organisation_country")

    class Meta:
        model = ExpressionOfInterest
        formfield_callback = https_by_default
        fields = [
            "organisation_name",
            "organisation_type",
            "organisation_country",
            "organisation_website",
        ]
        widgets = {"organisation_country": fast_widgets.Select}


class ProjectForm(StepForm):
    required_when_submitted = (
        "title",
        "summary",
        "problem_context",
        "activities_timeline",
        "outcomes_uptake",
        "countries",
        "duration_months",
    )

    class Meta:
        model = ExpressionOfInterest
        fields = [
            "title",
            "summary",
            "problem_context",
            "activities_timeline",
            "outcomes_uptake",
            "countries",
            "duration_months",
        ]
        widgets = {"countries": fast_widgets.SelectMultiple(attrs={"size": 6})}
        help_texts = {
            "countries": _("Hold Ctrl (or Cmd) to choose several."),
        }

    def clean_duration_months(self):
        months = self.cleaned_data.get("duration_months")
        limit = self.instance.call.max_duration_months
        if months and months > limit:
            raise forms.ValidationError(
                _("Projects last at most %(limit)d months in this call."), params={"limit": limit}
            )
        return months


class ChallengesForm(StepForm):
    required_when_submitted = ("challenges", "asymmetry")

    class Meta:
        model = ExpressionOfInterest
        fields = ["challenges", "asymmetry"]
        widgets = {"challenges": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["challenges"].queryset = self.instance.call.challenges.all()
        self.fields["challenges"].label_from_instance = lambda c: f"{c.number}. {c.title}"
        self.fields["challenges"].help_text = _("Choose one or more.")


class BudgetForm(StepForm):
    required_when_submitted = ("budget_requested", "personnel_share")

    class Meta:
        model = ExpressionOfInterest
        fields = ["budget_requested", "personnel_share"]
        help_texts = {
            "personnel_share": _("At most 30%. Overheads are not funded."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_requested"].help_text = _("At most %(amount)s.") % {
            "amount": euros(self.instance.call.max_amount)
        }

    def clean_budget_requested(self):
        amount = self.cleaned_data.get("budget_requested")
        limit = self.instance.call.max_amount
        if amount and amount > limit:
            raise forms.ValidationError(
                _("This call funds at most %(limit)s."), params={"limit": euros(limit)}
            )
        return amount


# More than a small grant's partnership has; it bounds the rows one budget step builds.
MAX_PARTNERS = 20


class PartnerRows(forms.BaseInlineFormSet):
    default_error_messages = {
        "too_many_forms": ngettext_lazy(
            "At most %(num)d partner, please.", "At most %(num)d partners, please.", "num"
        ),
    }


# A request claiming more rows than MAX_PARTNERS builds no more than that, and is refused.
PartnerFormSet = forms.inlineformset_factory(
    ExpressionOfInterest,
    Partner,
    formset=PartnerRows,
    fields=["name", "country", "role", "locally_led"],
    widgets={"country": fast_widgets.Select},
    extra=1,
    can_delete=True,
    max_num=MAX_PARTNERS,
    absolute_max=MAX_PARTNERS,
    validate_max=True,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(upload, initial) for upload in files]


class AttachmentsForm(forms.Form):
    budget = forms.FileField(
        label=_("Budget on the KMF template"),
        required=False,
        help_text=_("PDF, XLSX, XLS, ODS or DOCX."),
    )
    supporting = MultipleFileField(
        label=_("Supporting documents (optional)"),
        required=False,
        widget=MultipleFileInput,
        help_text=_("PDF, office documents or images. You can choose several."),
    )

    def __init__(self, *args, supporting_already=0, **kwargs):
        super().__init__(*args, **kwargs)
        self.supporting_room = MAX_SUPPORTING_FILES - supporting_already
        limit = settings.KMF_MAX_UPLOAD_MB
        for field in self.fields.values():
            field.help_text = f"{field.help_text} " + _("At most %(limit)d MB each.") % {
                "limit": limit
            }

    def clean_budget(self):
        upload = self.cleaned_data.get("budget")
        if upload:
            upload.sniffed = sniff(upload, BUDGET_TYPES, settings.KMF_MAX_UPLOAD_MB * 1024 * 1024)
        return upload

    def clean_supporting(self):
        uploads = self.cleaned_data.get("supporting") or []
        if len(uploads) > self.supporting_room:
            raise forms.ValidationError(
                _("At most %(limit)d supporting documents, please."),
                params={"limit": MAX_SUPPORTING_FILES},
            )
        errors = []
        for upload in uploads:
            try:
                upload.sniffed = sniff(
                    upload, SUPPORTING_TYPES, settings.KMF_MAX_UPLOAD_MB * 1024 * 1024
                )
            except forms.ValidationError as error:
                errors.extend(error.error_list)
        if errors:
            raise forms.ValidationError(errors)
        return uploads


class DeclarationsForm(forms.ModelForm):
    class Meta:
        model = ExpressionOfInterest
        fields = ["declares_accuracy", "declares_consent"]


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type | None = None


STEPS = [
    Step("organisation", _("Organisation"), OrganisationForm),
    Step("project", _("Project"), ProjectForm),
    Step("challenges", _("Challenges and asymmetry"), ChallengesForm),
    Step("budget", _("Partners and budget"), BudgetForm),
    Step("attachments", _("Attachments")),
    Step("submit", _("Review and submit")),
]
STEP_SLUGS = [step.slug for step in STEPS]


def step_by_slug(slug):
    return next((step for step in STEPS if step.slug == slug), None)
