import copy

from django import forms
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from questionnaires.widgets import SelectMultiple

from .models import BoardMeeting, Decision, Recommendation, SavedView


class ReviewForm(forms.Form):
    """A score (with its descriptors) and a comment per criterion, then the reviewer's texts.

    A draft may leave anything out; `submitting` asks for every score and the recommendation,
    and names each one missing beside what the reviewer gave."""

    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=[("", "—"), *Recommendation.choices], required=False
    )
    internal_comment = forms.CharField(
        label=_("Comment for the Secretariat and the Board"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    applicant_feedback = forms.CharField(
        label=_("Feedback for the applicant"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("The Secretariat may pass it on with the decision. No names, please."),
    )

    def __init__(self, *args, criteria, scale, review=None, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        self.submitting = submitting
        existing = {score.criterion_id: score for score in review.scores.all()} if review else {}
        for criterion in criteria:
            descriptors = list(criterion.descriptors) + [""] * scale
            choices = [
                (
                    value,
                    f"{value} · {descriptors[value - 1]}" if descriptors[value - 1] else str(value),
                )
                for value in range(1, scale + 1)
            ]
            score = existing.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.title} ({criterion.weight}%)",
                help_text=criterion.description,
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.RadioSelect(attrs={"data-weight": criterion.weight}),
                initial=score.value if score else None,
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(criterion)s” (optional)") % {"criterion": criterion.title},
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                initial=score.comment if score else "",
            )
        if review:
            self.initial.update(
                recommendation=review.recommendation,
                internal_comment=review.internal_comment,
                applicant_feedback=review.applicant_feedback,
            )

    def clean(self):
        cleaned = super().clean()
        if not self.submitting:
            return cleaned
        missing = {
            f"score_{criterion.pk}": _("Give a score to submit the review.")
            for criterion in self.criteria
        }
        missing["recommendation"] = _("Choose a recommendation to submit the review.")
        for name, message in missing.items():
            # A value that was refused has its own message already.
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def scores(self):
        return {
            criterion: (
                self.cleaned_data.get(f"score_{criterion.pk}") or None,
                self.cleaned_data.get(f"comment_{criterion.pk}", ""),
            )
            for criterion in self.criteria
        }


class ConflictForm(forms.Form):
    """Before the EOI opens, a conflict needs no reason; once the reviewer has read it, the
    Secretariat is told why they stop."""

    reason = forms.CharField(
        label=_("Why you cannot review this expression of interest (optional)"),
        help_text=_("Only the Secretariat reads it."),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, after_reading=False, **kwargs):
        super().__init__(*args, **kwargs)
        if after_reading:
            self.fields["reason"].required = True
            self.fields["reason"].label = _("Why you cannot review this expression of interest")


class ExpertiseForm(forms.Form):
    """A reviewer's challenges (one list per call) and countries. The choices come from the
    calls read once, with their challenges, by the view."""

    countries = forms.MultipleChoiceField(
        label=_("Countries you know well"),
        help_text=_("Choose as many as apply."),
        required=False,
        widget=SelectMultiple(attrs={"size": 8, "data-country-picker": ""}),
    )

    def __init__(self, *args, calls, expertise=None, **kwargs):
        super().__init__(*args, **kwargs)
        # In the reader's language, sorted in it: read now, not when the module was imported.
        self.fields["countries"].choices = list(countries)
        self.challenges = {}
        mine = set(expertise.challenges.all()) if expertise else set()
        for call in calls:
            name = f"challenges_{call.pk}"
            self.challenges.update({str(c.pk): c for c in call.challenges.all()})
            self.fields[name] = forms.MultipleChoiceField(
                label=_("Challenges of the call “%(call)s” you know well") % {"call": call.title},
                choices=[(str(c.pk), str(c)) for c in call.challenges.all()],
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=[str(c.pk) for c in call.challenges.all() if c in mine],
            )
        # The countries after the challenges.
        self.fields["countries"] = self.fields.pop("countries")
        if expertise:
            self.initial["countries"] = [country.code for country in expertise.countries]

    def chosen_challenges(self):
        return [
            self.challenges[pk]
            for name, values in self.cleaned_data.items()
            if name.startswith("challenges_")
            for pk in values
        ]


class DecisionForm(forms.ModelForm):
    """The decision of the stage an EOI is in: only the outcomes that close that stage."""

    class Meta:
        model = Decision
        fields = ["outcome", "feedback"]
        widgets = {"feedback": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, stage=None, **kwargs):
        super().__init__(*args, **kwargs)
        if stage is not None:
            self.fields["outcome"].choices = [("", "---------")] + [
                (outcome, Decision.Outcome(outcome).label) for outcome in stage.outcomes
            ]


def outcome_groups(call):
    """The bulk decision's menu: each stage of the call with the outcomes that close it. The
    outcome is recorded for the stage the ticked EOIs are in (review.domain.decide_all refuses
    EOIs of different stages, and an outcome that does not close theirs)."""
    return [
        (stage.get_kind_display(), [(o, Decision.Outcome(o).label) for o in stage.outcomes])
        for stage in call.stages_in_order()
    ]


class OnceShown(BaseChoiceIterator):
    """A menu's options, read from the database when the menu is first shown (or its value
    checked) and kept: a plain callable would be read again each time the widget walks its
    options, and an export that filters on none of them never reads them."""

    def __init__(self, build):
        self.build = build
        self.kept = {}  # shared by the copies a widget makes of its choices

    def __deepcopy__(self, memo):
        return copy.copy(self)  # crispy-forms deep-copies widgets: still read once

    def __iter__(self):
        if "options" not in self.kept:
            self.kept["options"] = self.build()
        return iter(self.kept["options"])


class ColumnsForm(forms.Form):
    """A list's columns to show, kept in the query string (and so in saved views)."""

    columns = forms.MultipleChoiceField(
        label=_("Columns shown"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = choices

    def hidden(self):
        """The columns left out; none when nothing is ticked (a list with no column at all
        would be of no use)."""
        chosen = self.cleaned_data["columns"] if self.is_valid() else []
        return [
            name for name, _label in self.fields["columns"].choices if chosen and name not in chosen
        ]


class SavedViewForm(forms.ModelForm):
    """A name for the list as it is shown; the view saves the query string itself."""

    class Meta:
        model = SavedView
        fields = ["name"]
        labels = {"name": _("Save this view as")}
        error_messages = {"name": {"required": _("Name the view to save it.")}}

    def __init__(self, *args, owner, call, list_name, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.owner, self.instance.call = owner, call
        self.instance.list_name = list_name

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        mine = SavedView.objects.filter(
            owner=self.instance.owner, call=self.instance.call, list_name=self.instance.list_name
        )
        if mine.filter(name=name).exists():
            raise forms.ValidationError(_("You already have a view by this name: choose another."))
        return name


class CommentForm(forms.Form):
    """A comment in the reviewers' discussion of an EOI. Its prefix tells it from the other
    form on the same page."""

    prefix = "discussion"

    text = forms.CharField(
        label=_("Your comment"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Seen by the other reviewers who have submitted and by the Secretariat, never by "
            "the applicant. A comment cannot be changed once posted."
        ),
    )


class BoardMeetingForm(forms.ModelForm):
    """A Review Board meeting on a stage's ranking: its date and its notes."""

    class Meta:
        model = BoardMeeting
        fields = ["held_on", "notes"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "notes": _(
                "Who attended, what the Board discussed and agreed, in order of the ranking."
            ),
        }
