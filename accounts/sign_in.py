"""allauth's sign-in, sign-up, password and email forms in the site's words. Apart from forms.py:
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


class AddEmailForm(allauth.AddEmailForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("New email address")


def new_password_labels(form):
    """allauth's "New Password (again)", in the site's words and case; its placeholders, which
    only repeat the labels in Title Case, left out."""
    form.fields["password1"].label = _("New password")
    form.fields["password2"].label = _("The new password again")
    for field in form.fields.values():
        field.widget.attrs.pop("placeholder", None)


class ChangePasswordForm(allauth.ChangePasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["oldpassword"].label = _("Current password")
        new_password_labels(self)  # the current one's placeholder too


class ResetPasswordKeyForm(allauth.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        new_password_labels(self)
