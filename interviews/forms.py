import re
from datetime import datetime, time

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.roles import REVIEWERS, SECRETARIAT

# More than a day's interviews at once is a typing slip, not a plan.
MOST_SLOTS_AT_ONCE = 30
TIME = re.compile(r"^([01]?\d|2[0-3])[:h.]([0-5]\d)$")


class SlotsForm(forms.Form):
    """Several slots of one day at once, typed in the call's time zone."""

    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    times = forms.CharField(
        label=_("Start times"),
        max_length=400,
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=10, max_value=240, initial=45
    )
    location = forms.CharField(
        label=_("Where or how"),
        max_length=300,
        help_text=_("A place, or how the call is held (for instance “Video call”)."),
    )
    video_url = forms.URLField(
        label=_("Video link"), required=False, max_length=500, assume_scheme="https"
    )
    interviewers = forms.ModelMultipleChoiceField(
        label=_("Interviewers"),
        queryset=get_user_model().objects.none(),
        required=False,
        help_text=_(
            "They get the calendar invitations and record the notes. Without any, the "
            "invitations go to the call's contact address."
        ),
    )

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call
        self.fields["interviewers"].queryset = (
            get_user_model()
            .objects.filter(groups__name__in=[SECRETARIAT, REVIEWERS], is_active=True)
            .distinct()
            .order_by("name", "email")
        )
        self.fields["times"].help_text = _(
            "In the call's time zone (%(zone)s), separated by commas: for example 09:00, "
            "10:00, 14:30."
        ) % {"zone": call.time_zone}

    def clean_times(self):
        found, wrong = [], []
        for part in re.split(r"[,;\s]+", self.cleaned_data["times"].strip()):
            if not part:
                continue
            match = TIME.match(part)
            if match:
                found.append(time(int(match[1]), int(match[2])))
            else:
                wrong.append(part)
        if wrong:
            raise ValidationError(
                _("Not a time of day: %(wrong)s. Write hours and minutes, like 09:30.")
                % {"wrong": ", ".join(wrong)}
            )
        found = sorted(set(found))
        if not found:
            raise ValidationError(_("Give at least one start time."))
        if len(found) > MOST_SLOTS_AT_ONCE:
            raise ValidationError(
                _("At most %(most)d slots at once.") % {"most": MOST_SLOTS_AT_ONCE}
            )
        return found

    def starts(self):
        """The slots' starts, as moments (the call's zone read at each one, DST included)."""
        day = self.cleaned_data["day"]
        return [
            timezone.make_aware(datetime.combine(day, moment), self.call.zone)
            for moment in self.cleaned_data["times"]
        ]


class BookingForm(forms.Form):
    slot = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)


class AssessmentForm(forms.Form):
    score = forms.TypedChoiceField(label=_("Score"), coerce=int)
    notes = forms.CharField(
        label=_("Interview notes"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000
    )

    def __init__(self, *args, highest, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].choices = [("", "—")] + [(n, str(n)) for n in range(1, highest + 1)]


class SecretariatCancelForm(forms.Form):
    """The Secretariat cancels an interview, saying why."""

    reason = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The applicant and the interviewers read it, in their mail and on the site."),
    )


class SecretariatMoveForm(SecretariatCancelForm):
    """The Secretariat moves an interview to a free slot (shown in the call's time zone)."""

    slot = forms.TypedChoiceField(label=_("Move it to"), coerce=int)
    field_order = ["slot", "reason"]

    def __init__(self, *args, free_slots, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].choices = [("", "—")] + [
            (
                slot.pk,
                f"{date_format(timezone.localtime(slot.starts_at, call.zone), 'l j F Y, H:i')}"
                f" ({call.time_zone}) · {slot.location}",
            )
            for slot in free_slots
        ]
