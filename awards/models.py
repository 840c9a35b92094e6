"""Grants awarded: the amount, the conditions, the grant letter (issue 15, item 5)."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Grant(models.Model):
    """What the Fund gives one EOI: recorded by the Secretariat while the EOI is recommended for
    an award (and changed after, until its letter says otherwise), within the call's maximum,
    the amount asked and the funds the call has left."""

    eoi = models.OneToOneField(
        "submissions.ExpressionOfInterest",
        # Goes with its EOI, as its reviews and decisions do (the retention job deletes a call's
        # EOIs five years on).
        on_delete=models.CASCADE,
        related_name="grant",
        verbose_name=_("expression of interest"),
    )
    amount = models.DecimalField(_("amount granted (€)"), max_digits=10, decimal_places=2)
    # Every grant of the Fund is in euros; kept on the row so that a letter never guesses.
    currency = models.CharField(_("currency"), max_length=3, default="EUR", editable=False)
    conditions = models.TextField(
        _("conditions"),
        blank=True,
        help_text=_("What the grant is subject to. Printed in the grant letter as written."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        # A member of the Secretariat who leaves and deletes their account leaves the grant.
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    letter_issued_at = models.DateTimeField(_("letter issued at"), null=True, blank=True)
    # Bumped by every change: a change based on an older version is refused, not applied.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=Decimal("0")), name="grant_is_positive")
        ]

    def __str__(self):
        return f"{self.eoi} – {self.amount} {self.currency}"
