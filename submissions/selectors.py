from django.db.models import OuterRef, Subquery

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
