"""What the awards app reads: the money a call has committed, its grants, the letter's link."""

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from core.permissions import can
from submissions import lifecycle
from submissions.models import ExpressionOfInterest, Stage

from .models import Grant

Status = ExpressionOfInterest.Status


def holds_a_grant(prefix=""):
    """An EOI holds its grant while it waits for the award stage's decision (recommended, or
    shortlisted or invited where the call skips stages) or is awarded; a grant of an EOI not
    selected there commits no money."""
    return lifecycle.waiting_in(Stage.Kind.AWARD, prefix) | Q(**{f"{prefix}status": Status.AWARDED})


def may_hold_a_grant(eoi):
    return eoi.status == Status.AWARDED or lifecycle.is_waiting_in(eoi, Stage.Kind.AWARD)


def committed_grants(call):
    return Grant.objects.filter(holds_a_grant("eoi__"), eoi__call=call)


def committed(call, leaving_out=None):
    """The euros the call's grants commit (those of EOIs still recommended or awarded), one
    query; `leaving_out` a grant being changed."""
    grants = committed_grants(call)
    if leaving_out is not None:
        grants = grants.exclude(pk=leaving_out.pk)
    return grants.aggregate(total=Sum("amount"))["total"] or 0


def awarded_count(call):
    return call.eois.filter(status=Status.AWARDED).count()


def why_no_award(eoi):
    """review.domain asks before an EOI is decided or released AWARDED: the grant comes first."""
    if not Grant.objects.filter(eoi=eoi).exists():
        return _("%(eoi)s has no grant recorded: record its amount first.") % {
            "eoi": eoi.reference or eoi.title
        }
    return None


def candidates(call):
    """The call's EOIs recommended or awarded, each with its grant (or None), by reference:
    the Secretariat's list of grants. One query."""
    return (
        call.eois.filter(holds_a_grant())
        .select_related("grant")
        .only(
            "uuid",
            "reference",
            "title",
            "organisation_name",
            "status",
            "budget_requested",
            "call_id",
            "grant__amount",
            "grant__conditions",
            "grant__letter_issued_at",
            "grant__eoi_id",
        )
        .order_by("reference", "pk")
    )


def grant_of(eoi):
    """The EOI's grant, or None; no query once the grant was selected with the EOI."""
    try:
        return eoi.grant
    except Grant.DoesNotExist:
        return None


def totals(call):
    """The list's totals, one query: EOIs, grants recorded, letters issued, euros asked and
    granted."""
    return call.eois.filter(holds_a_grant()).aggregate(
        eois=Count("pk"),
        grants=Count("grant"),
        letters=Count("grant", filter=Q(grant__letter_issued_at__isnull=False)),
        requested=Sum("budget_requested"),
        granted=Sum("grant__amount"),
    )


def letter_link(user, eoi):
    """The grant letter's download on the EOI's page, for whoever may read it there."""
    if eoi.status != Status.AWARDED:
        return []  # no query for every other EOI
    grant = Grant.objects.filter(eoi=eoi).first()
    if grant is None or not can(user, "awards.read_letter", grant):
        return []
    return [(_("Grant letter (PDF)"), reverse("awards:letter", args=[eoi.uuid]))]
