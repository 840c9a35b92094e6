"""allauth's sign-in form in the site's words. Apart from forms.py: allauth's forms import
SignupDetailsForm from there, so importing them back into it would go round in a circle."""

from allauth.account.forms import LoginForm
from django.utils.translation import gettext_lazy as _


class SignInForm(LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remember"].label = _("Keep me signed in on this device")
