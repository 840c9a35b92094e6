"""The filters of the Secretariat's lists: EOIs (and their exports, which follow the list),
reviews, assignments and the outbox."""

import django_filters
from django import forms
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from notifications.events import Event
from notifications.models import OutboundEmail
from submissions.models import ExpressionOfInterest, Proposal, Stage

from .forms import OnceShown
from .models import Assignment, Review


class Checkbox(django_filters.Filter):
    """Ticked or not: a filter applied only when ticked."""

    field_class = forms.BooleanField


class EOIFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=ExpressionOfInterest.Status.choices, empty_label=_("Any")
    )
    stage = django_filters.ChoiceFilter(
        label=_("Stage"), choices=Stage.Kind.choices, empty_label=_("Any"), method="in_stage"
    )
    # Their options are set per call in __init__; an id that is not one of them is refused.
    challenge = django_filters.ChoiceFilter(
        label=_("Challenge"), field_name="challenges", empty_label=_("Any")
    )
    country = django_filters.CharFilter(
        label=_("Country (code)"), max_length=2, method="in_country"
    )
    min_score = django_filters.NumberFilter(
        label=_("Mean score at least"), field_name="score__mean", lookup_expr="gte"
    )
    max_score = django_filters.NumberFilter(
        label=_("Mean score at most"), field_name="score__mean", lookup_expr="lte"
    )
    disagreement = Checkbox(label=_("Reviewers disagree"), method="reviewers_disagree")
    unassigned = Checkbox(label=_("No reviewer yet"), method="without_reviewer")
    reviewer = django_filters.ChoiceFilter(
        label=_("Reviewer"), empty_label=_("Any"), method="assigned_to"
    )
    min_local_share = django_filters.NumberFilter(
        label=_("Budget share in the countries of focus at least (%)"),
        field_name="local_share",
        lookup_expr="gte",
    )
    lead_is_local = django_filters.ChoiceFilter(
        label=_("Lead based in a country of focus"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        empty_label=_("Any"),
        method="lead_based_there",
    )
    unconfirmed = Checkbox(label=_("A partner has not confirmed"), method="not_all_confirmed")

    def __init__(self, data=None, *args, call, reviewers, **kwargs):
        super().__init__(data, *args, **kwargs)
        # Read when the menus are shown or a value is checked, once: an export that filters on
        # neither never reads them.
        self.filters["challenge"].extra["choices"] = OnceShown(
            lambda: [
                (c.pk, f"{c.number}. {c.title}")
                for c in call.challenges.only("call", "number", "title")  # not the descriptions
            ]
        )
        self.filters["reviewer"].extra["choices"] = OnceShown(
            lambda: [(r.pk, str(r)) for r in reviewers]
        )

    def search(self, eois, name, value):
        return eois.filter(
            Q(reference__icontains=value)
            | Q(title__icontains=value)
            | Q(organisation_name__icontains=value)
            | Q(owner__email__icontains=value)
        )

    def in_stage(self, eois, name, value):
        if value == Stage.Kind.EXPRESSION_OF_INTEREST:
            # A call without stages keeps its EOIs in the expression of interest's.
            return eois.filter(Q(stage=None) | Q(stage__kind=value))
        return eois.filter(stage__kind=value)

    def in_country(self, eois, name, value):
        # `countries` holds the codes joined by commas.
        country = value.upper()
        return eois.filter(
            Q(organisation_country=country)
            | Q(countries=country)
            | Q(countries__startswith=f"{country},")
            | Q(countries__endswith=f",{country}")
            | Q(countries__contains=f",{country},")
        )

    def reviewers_disagree(self, eois, name, value):
        return eois.filter(score__disagreement=True) if value else eois

    def without_reviewer(self, eois, name, value):
        return eois.filter(reviewer_count=0) if value else eois

    def lead_based_there(self, eois, name, value):
        return eois.filter(lead_is_local=value == "yes")

    def not_all_confirmed(self, eois, name, value):
        return eois.filter(partners_confirmed__lt=F("partners_named")) if value else eois

    def assigned_to(self, eois, name, value):
        active = Assignment.objects.filter(
            eoi=OuterRef("pk"), reviewer=value, released_at=None, stage=None
        )
        return eois.filter(Exists(active))


class ReviewerFilterSet(django_filters.FilterSet):
    """A list with a menu of the call's reviewers, read once, when shown or checked."""

    reviewer = django_filters.ChoiceFilter(
        label=_("Reviewer"), field_name="reviewer", empty_label=_("Any")
    )

    def __init__(self, data=None, *args, reviewers, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.filters["reviewer"].extra["choices"] = OnceShown(
            lambda: [(r.pk, str(r)) for r in reviewers]
        )


class ReviewFilter(ReviewerFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Review.Status.choices, empty_label=_("Any")
    )
    q = django_filters.CharFilter(label=_("Expression of interest"), method="search")
    min_total = django_filters.NumberFilter(
        label=_("Total at least"), field_name="total", lookup_expr="gte"
    )
    max_total = django_filters.NumberFilter(
        label=_("Total at most"), field_name="total", lookup_expr="lte"
    )

    def search(self, reviews, name, value):
        return reviews.filter(Q(eoi__reference__icontains=value) | Q(eoi__title__icontains=value))


class AssignmentFilter(ReviewerFilterSet):
    NOT_YET = "none"

    state = django_filters.ChoiceFilter(
        label=_("Released or active"),
        choices=[("active", _("Active")), ("released", _("Released"))],
        empty_label=_("Any"),
        method="in_state",
    )
    declaration = django_filters.ChoiceFilter(
        label=_("Conflict declaration"),
        choices=[(NOT_YET, _("Not yet declared")), *Assignment.Declaration.choices],
        empty_label=_("Any"),
        method="declared",
    )
    overdue = Checkbox(label=_("Overdue only"), method="only_overdue")

    def in_state(self, assignments, name, value):
        return assignments.filter(released_at__isnull=value == "active")

    def declared(self, assignments, name, value):
        return assignments.filter(declaration="" if value == self.NOT_YET else value)

    def only_overdue(self, assignments, name, value):
        # Still expected of the reviewer and not in by its due date.
        late = Q(released_at=None, due_at__lt=timezone.now()) & ~Q(
            review_status=Review.Status.SUBMITTED
        )
        return assignments.filter(late) if value else assignments


class DateInput(forms.DateInput):
    """The browser's date picker; a typed ISO date where it has none."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # the only one a date input reads
        super().__init__(attrs, format)


class OutboxFilter(django_filters.FilterSet):
    """The outbox: by state, event, recipient and the day a mail was queued (in the reader's
    time zone, as the list shows it)."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=OutboundEmail.Status.choices, empty_label=_("Any")
    )
    event = django_filters.ChoiceFilter(
        label=_("Event"), choices=Event.choices, empty_label=_("Any")
    )
    q = django_filters.CharFilter(label=_("Recipient"), method="search")
    queued_from = django_filters.DateFilter(
        label=_("Queued from"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=DateInput,
    )
    queued_until = django_filters.DateFilter(
        label=_("Queued until"),
        field_name="created_at",
        lookup_expr="date__lte",
        widget=DateInput,
    )

    def search(self, emails, name, value):
        return emails.filter(
            Q(to__icontains=value)
            | Q(recipient__name__icontains=value)
            | Q(recipient__email__icontains=value)
        )


class ProposalFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Proposal.Status.choices, empty_label=_("Any")
    )
    q = django_filters.CharFilter(label=_("Search"), method="search")

    def search(self, proposals, name, value):
        return proposals.filter(
            Q(eoi__reference__icontains=value)
            | Q(eoi__title__icontains=value)
            | Q(eoi__organisation_name__icontains=value)
        )
