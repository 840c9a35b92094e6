from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django_countries import countries

from submissions.models import ExpressionOfInterest, OrganisationType

from .models import Assignment, Review

# Unscored EOIs come last on SQLite and PostgreSQL alike.
SORTS = {
    "reference": [F("reference").asc()],
    "-normalised": [F("score__rank").asc(nulls_last=True), F("reference").asc()],
    "-mean": [F("score__mean").desc(nulls_last=True), F("reference").asc()],
    "-spread": [F("score__spread").desc(nulls_last=True), F("reference").asc()],
    "-budget": [F("budget_requested").desc(nulls_last=True), F("reference").asc()],
}


def _count(queryset):
    counted = queryset.order_by().values("eoi").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


# The long answers are read on an EOI's own page and in exports, never in the list: leaving them
# out keeps the rows that PostgreSQL sorts and Python builds small.
LONG_ANSWERS = ["summary", "problem_context", "activities_timeline", "outcomes_uptake", "asymmetry"]


def secretariat_eois(call, filters=None):
    """The call's EOIs (drafts aside) with their figures, filtered and sorted, in few queries."""
    filters = filters or {}
    eois = (
        call.eois.exclude(status=ExpressionOfInterest.Status.DRAFT)
        .select_related("score", "decision")
        .defer(*LONG_ANSWERS)
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


def _bars(rows):
    """[(label, count)] with each bar's share of the largest, for the dashboard's charts."""
    rows = list(rows)
    top = max((count for _label, count in rows), default=0) or 1
    return [
        {"label": label, "count": count, "percent": round(100 * count / top)}
        for label, count in rows
    ]


def intake(call):
    """The figures of the Secretariat's dashboard, each from one aggregate query."""
    Status = ExpressionOfInterest.Status
    sent = call.eois.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
    statuses = dict(call.eois.values_list("status").annotate(n=Count("pk")))
    by_challenge = call.challenges.annotate(
        n=Count("eois", filter=~Q(eois__status__in=[Status.DRAFT, Status.WITHDRAWN]))
    ).order_by("number")
    by_country = (
        sent.values_list("organisation_country").annotate(n=Count("pk")).order_by("-n")[:15]
    )
    by_type = dict(sent.values_list("organisation_type").annotate(n=Count("pk")))
    per_day = (
        sent.exclude(submitted_at=None)
        .annotate(day=TruncDate("submitted_at", tzinfo=call.zone))
        .values_list("day")
        .annotate(n=Count("pk"))
        .order_by("day")
    )
    requested = sent.aggregate(total=Sum("budget_requested"))["total"] or 0
    own_review_done = Review.objects.filter(
        eoi=OuterRef("eoi"), reviewer=OuterRef("reviewer"), status=Review.Status.SUBMITTED
    )
    # Counted per reviewer id, names looked up after: the thousands of assignments are neither
    # joined to their people nor to every review of their EOI.
    per_reviewer = (
        Assignment.objects.filter(eoi__call=call, released_at=None)
        .values_list("reviewer")
        .annotate(assigned=Count("pk"), done=Count("pk", filter=Q(Exists(own_review_done))))
        .order_by()
    )
    counts = {reviewer: (assigned, done) for reviewer, assigned, done in per_reviewer}
    panel = (
        get_user_model()
        .objects.filter(pk__in=counts)
        .order_by("name", "email")
        .values_list("pk", "name", "email")
    )
    return {
        "statuses": _bars((label, statuses.get(value, 0)) for value, label in Status.choices),
        "challenges": _bars((f"{c.number}. {c.title}", c.n) for c in by_challenge),
        "countries": _bars((countries.name(code) or "—", n) for code, n in by_country),
        "types": _bars((label, by_type.get(value, 0)) for value, label in OrganisationType.choices),
        "per_day": _bars((f"{day:%d %b}", n) for day, n in per_day),
        "requested": requested,
        "available": call.budget_available,
        "requested_percent": round(100 * requested / call.budget_available)
        if call.budget_available
        else None,
        "progress": [
            {"reviewer": name or email, "assigned": counts[pk][0], "done": counts[pk][1]}
            for pk, name, email in panel
        ],
    }
