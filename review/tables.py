"""The Secretariat's EOI list as a table: sortable by its headers, paginated, columns to choose."""

import django_tables2 as tables
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .selectors import sorted_eois


class Sorted(tables.Column):
    """A column sorted as `sorted_eois` sorts (an EOI with no figure last, ties by reference),
    so that the exports follow the list's order."""

    def __init__(self, *args, sort, **kwargs):
        super().__init__(*args, **kwargs)
        self.sort = sort

    def order(self, queryset, is_descending):
        return sorted_eois(queryset, f"-{self.sort}" if is_descending else self.sort), True


class Figure(Sorted):
    """A score, to one decimal; the highest first on the first click."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, initial_sort_descending=True, **kwargs)

    def render(self, value):
        return floatformat(value, 1)


class EOITable(tables.Table):
    # The bulk actions' form posts the ticked rows as `eoi`; its header is named for screen
    # readers only (review/eoi_table.html).
    select = tables.Column(verbose_name=_("Select"), accessor="uuid", orderable=False)
    reference = Sorted(
        verbose_name=_("Reference"),
        sort="reference",
        linkify=("review:secretariat_eoi", [tables.A("uuid")]),
    )
    title = Sorted(verbose_name=_("Title"), sort="title")
    status = Sorted(verbose_name=_("Status"), sort="status")
    reviews = tables.Column(verbose_name=_("Reviews"), empty_values=(), orderable=False)
    mean = Figure(verbose_name=_("Mean"), accessor="score__mean", sort="mean")
    median = Figure(verbose_name=_("Median"), accessor="score__median", sort="median")
    spread = Figure(verbose_name=_("Spread"), accessor="score__spread", sort="spread")
    rank = Sorted(verbose_name=_("Rank"), accessor="score__rank", sort="rank")
    decision = tables.Column(verbose_name=_("Decision"), orderable=False)
    # Never shown: the list sorts on it (?sort=-budget), and so do the exports.
    budget = Sorted(
        verbose_name=_("Budget"),
        accessor="budget_requested",
        sort="budget",
        visible=False,
        initial_sort_descending=True,
    )

    class Meta:
        template_name = "review/eoi_table.html"
        order_by = "reference"
        default = "—"
        attrs = {"class": "table table-sm align-middle caption-top"}

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call  # for the links of an empty list

    def render_select(self, record):
        return format_html(
            '<input class="form-check-input" type="checkbox" name="eoi" value="{}" '
            'aria-label="{}">',
            record.uuid,
            _("Select %(reference)s") % {"reference": record.reference},
        )

    def render_title(self, record):
        return format_html(
            '{}<br><span class="small text-body-secondary">{}</span>',
            Truncator(record.title).chars(60),
            record.organisation_name,
        )

    def render_reviews(self, record):
        return f"{record.submitted_reviews}/{record.reviewer_count}"

    def render_spread(self, record, value):
        if not record.score.disagreement:
            return floatformat(value, 1)
        return format_html(
            '{} <span class="badge text-bg-warning">{}</span>', floatformat(value, 1), _("disagree")
        )

    def render_decision(self, value):
        if value.released_at:
            return value.get_outcome_display()
        return f"{value.get_outcome_display()} ({_('not released')})"


# The columns one may hide: the box to tick and the reference stay.
CHOOSABLE = ["title", "status", "reviews", "mean", "median", "spread", "rank", "decision"]


def column_choices():
    return [(name, EOITable.base_columns[name].verbose_name) for name in CHOOSABLE]
