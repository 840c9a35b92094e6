from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import User


def country_choices():
    """Every country, named and sorted in the active language: called for each form shown, not
    once at import, which fixed the names of whichever language came first."""
    return [("", "—"), *countries]


class SignupDetailsForm(forms.Form):
    """What allauth's sign-up form asks besides the email address and password."""

    name = forms.CharField(label=_("Full name"), max_length=200)
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("Leave empty if you apply as an individual."),
    )
    country = forms.ChoiceField(label=_("Country"), choices=country_choices)

    def signup(self, request, user):
        user.name = self.cleaned_data["name"]
        user.organisation = self.cleaned_data["organisation"]
        user.country = self.cleaned_data["country"]
        user.preferred_language = get_language()
        user.save(update_fields=["name", "organisation", "country", "preferred_language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "organisation", "country", "preferred_language"]
        help_texts = {
            "preferred_language": _("The site and our emails to you use this language."),
        }


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password, to confirm"), widget=forms.PasswordInput, strip=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password
