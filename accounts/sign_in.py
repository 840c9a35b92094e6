"""allauth's sign-in, sign-up and password-reset forms in the site's words. Apart from forms.py:
allauth's forms import SignupDetailsForm from there, so importing them back into it would go
round in a circle."""

from allauth.account import forms as allauth
from django.utils.translation import gettext_lazy as _

# allauth's French says "Courriel"; the site says "adresse e-mail" everywhere else.
EMAIL = _("Email address")


class SignInForm(allauth.LoginForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = EMAIL
        if "remember" in self.fields:  # absent when ACCOUNT_SESSION_REMEMBER decides for all
            self.fields["remember"].label = _("Keep me signed in on this device")


class SignUpForm(allauth.SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = EMAIL


class ResetPasswordForm(allauth.ResetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = EMAIL
