from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404

from core.permissions import can

from .models import ExpressionOfInterest, Extension


def applicant_eois(applicant):
    """The applicant's EOIs with their calls and any personal deadline, in one query."""
    extension = Extension.objects.filter(call=OuterRef("call"), applicant=OuterRef("owner"))
    return (
        ExpressionOfInterest.objects.filter(owner=applicant)
        .select_related("call")
        .annotate(extension_until=Subquery(extension.values("until")[:1]))
        .order_by("-updated_at")
    )


def eoi_or_404(user, uuid, permission):
    """The EOI if `user` may see it this way; a 404 otherwise, so nobody learns it exists."""
    # The questionnaires come along: the page checks its built definition is current by them.
    eois = ExpressionOfInterest.objects.select_related(
        "call__questionnaire", "questionnaire", "owner"
    )
    eoi = get_object_or_404(eois, uuid=uuid)
    if not can(user, permission, eoi):
        raise Http404
    return eoi


def eoi_answers(eoi):
    """The EOI's answers for the read-only answers template, its files among them."""
    return eoi.readable_answers()
