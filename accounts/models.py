from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, email):
        # Email addresses are matched without regard to case: Amina@… and amina@… are one person.
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """Anyone who signs in: applicants, reviewers and Secretariat staff. The email is the login."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("full name"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    country = CountryField(_("country"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    # Set from the email provider's reports (notifications.deliveries): mail to this address
    # bounced, or its owner marked a mail as spam. Cleared by a later delivery after a bounce.
    mail_problem = models.CharField(
        _("mail problem"),
        max_length=16,
        choices=[("bounced", _("Mail bounces")), ("complained", _("Marked a mail as spam"))],
        blank=True,
        default="",
        # Also in the database: code written against an older schema (a data migration's
        # historical models) inserts users without it.
        db_default="",
    )
    mail_problem_at = models.DateTimeField(_("mail problem since"), null=True, blank=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the user can sign in to the administration site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                models.functions.Lower("email"), name="accounts_user_email_ci_unique"
            )
        ]

    def __str__(self):
        return self.name or self.email

    def get_full_name(self):
        return self.name

    def get_short_name(self):
        return self.name.split(" ")[0] if self.name else self.email
