"""Sign-up, sign-in and password reset with django-allauth: the email address is the login."""

from operator import attrgetter

from .environment import env

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupDetailsForm"
ACCOUNT_FORMS = {
    "login": "accounts.sign_in.SignInForm",
    "signup": "accounts.sign_in.SignUpForm",
    "reset_password": "accounts.sign_in.ResetPasswordForm",
    "reset_password_from_key": "accounts.sign_in.ResetPasswordKeyForm",
    "add_email": "accounts.sign_in.AddEmailForm",
    "change_password": "accounts.sign_in.ChangePasswordForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[KMF] "
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Its mails go through the outbox (retries, resend, the provider's delivery reports).
ACCOUNT_ADAPTER = "notifications.account_mail.AccountAdapter"
# allauth names the account in its mails ("user X has given your email address…"). Anyone can
# sign up with someone else's address, so the name they typed must not travel to it: the mails
# name the account by the address they are sent to.
ACCOUNT_USER_DISPLAY = attrgetter("email")
# Five wrong passwords for one account within five minutes, or twenty from one address,
# and further attempts are refused for a while.
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/key,20/5m/ip"}

# Two-factor authentication (an authenticator app, with recovery codes). Secretariat members,
# reviewers and anyone with admin access must set it up before they can do anything else.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "KMF Grants"
MFA_ADAPTER = "accounts.two_factor.MFAAdapter"  # its refusals in the site's words
MFA_FORMS = {"activate_totp": "accounts.two_factor.ActivateTOTPForm"}
KMF_STAFF_2FA = env.bool("KMF_STAFF_2FA", default=True)
