from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from submissions.models import ExpressionOfInterest

from .models import Assignment, Review

SORTS = {
    "reference": ["reference"],
    "-normalised": ["score__rank", "reference"],
    "-mean": ["-score__mean", "reference"],
    "-spread": ["-score__spread", "reference"],
    "-budget": ["-budget_requested", "reference"],
}


def _count(queryset):
    counted = queryset.order_by().values("eoi").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def secretariat_eois(call, filters=None):
    """The call's EOIs (drafts aside) with their figures, filtered and sorted, in few queries."""
    filters = filters or {}
    eois = (
        call.eois.exclude(status=ExpressionOfInterest.Status.DRAFT)
        .select_related("owner", "score", "decision")
        .annotate(
            reviewer_count=_count(Assignment.objects.filter(eoi=OuterRef("pk"), released_at=None)),
            submitted_reviews=_count(
                Review.objects.filter(eoi=OuterRef("pk"), status=Review.Status.SUBMITTED)
            ),
        )
    )
    if query := filters.get("q"):
        eois = eois.filter(
            Q(reference__icontains=query)
            | Q(title__icontains=query)
            | Q(organisation_name__icontains=query)
            | Q(owner__email__icontains=query)
        )
    if status := filters.get("status"):
        eois = eois.filter(status=status)
    if challenge := filters.get("challenge"):
        eois = eois.filter(challenges=challenge)
    if country := (filters.get("country") or "").upper():
        eois = eois.filter(
            Q(organisation_country=country)
            | Q(countries=country)
            | Q(countries__startswith=f"{country},")
            | Q(countries__endswith=f",{country}")
            | Q(countries__contains=f",{country},")
        )
    if filters.get("min_score") is not None:
        eois = eois.filter(score__mean__gte=filters["min_score"])
    if filters.get("max_score") is not None:
        eois = eois.filter(score__mean__lte=filters["max_score"])
    if filters.get("disagreement"):
        eois = eois.filter(score__disagreement=True)
    if filters.get("unassigned"):
        eois = eois.filter(reviewer_count=0)
    if reviewer := filters.get("reviewer"):
        eois = eois.filter(
            Exists(
                Assignment.objects.filter(eoi=OuterRef("pk"), reviewer=reviewer, released_at=None)
            )
        )
    return eois.order_by(*SORTS.get(filters.get("sort") or "reference", SORTS["reference"]))


def reviewer_assignments(reviewer):
    mine = Review.objects.filter(eoi=OuterRef("eoi"), reviewer=reviewer)
    return (
        Assignment.objects.filter(reviewer=reviewer, released_at=None)
        .select_related("eoi__call")
        .annotate(
            review_status=Subquery(mine.values("status")[:1]),
            review_total=Subquery(mine.values("total")[:1]),
        )
        .order_by("due_at", "eoi__reference")
    )
