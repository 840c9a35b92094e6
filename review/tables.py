"""The Secretariat's lists as tables (EOIs, reviews, assignments, the outbox): sortable by their
headers, paginated, columns to choose. Their moments are in the reader's time zone, named
(core.timezones.list_moment)."""

import math
import unicodedata
import uuid
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, getcontext
from decimal import Context as DecimalContext
from functools import cached_property, lru_cache

import django_tables2 as tables
import django_tables2.utils
from django.conf import settings
from django.db import models
from django.db.models import F
from django.template import Context
from django.template.base import render_value_in_context
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from core.timezones import list_day, list_moment
from submissions.models import Stage

from .models import Decision, Review
from .selectors import NOT_STARTED, sorted_eois

_signature = django_tables2.utils.signature


@lru_cache(maxsize=1024)
def _signature_of(function, bound):
    return _signature(function.__get__(object()) if bound else function)


def signature(fn):
    """django-tables2 asks for the signature of each cell's render_FOO or accessor, with
    inspect.signature, for every cell of every page (~500 a page of the EOI list: a fifth of its
    CPU). A function's signature does not change: it is kept per function (the bound method's
    without its `self`)."""
    function = getattr(fn, "__func__", None)
    if function is None:
        return _signature(fn)
    return _signature_of(function, True)


django_tables2.utils.signature = signature


def short(text, length):
    """Truncator(text).chars(length): the text itself when it is short enough (and already in
    the normal form Truncator puts it in), without building a lazy Truncator for it."""
    if len(text) <= length and unicodedata.is_normalized("NFC", text):
        return text
    return Truncator(text).chars(length)


class Figures:
    """`floatformat(value, places)` of a page's scores and shares: the same text, from the
    Decimal arithmetic floatformat does, with the language's decimal separator read once a page
    rather than three formats looked up per figure (~190 figures a page of the EOI list).
    Anything but a finite float or Decimal, or a site that groups thousands, goes through
    floatformat itself."""

    def __init__(self):
        grouped = settings.USE_THOUSAND_SEPARATOR
        self.separator = None if grouped else get_format("DECIMAL_SEPARATOR")

    def __call__(self, value, places):
        if (
            self.separator is None
            or not isinstance(value, float | Decimal)
            or not math.isfinite(value)
        ):
            return floatformat(value, places)
        number = Decimal(str(value))
        _sign, digits, exponent = number.as_tuple()
        if len(digits) + abs(exponent) > 200:  # floatformat writes those as they are
            return floatformat(value, places)
        if places <= 0 and number == number.to_integral_value():
            return mark_safe(str(int(number)))  # noqa: S308 (digits only)
        # The precision floatformat gives its rounding, so that no figure rounds otherwise.
        units = len(digits) + (-exponent if number != int(number) else exponent)
        precision = max(getcontext().prec, abs(places) + units + 1)
        rounded = number.quantize(
            Decimal(1).scaleb(-abs(places)), ROUND_HALF_UP, DecimalContext(prec=precision)
        )
        text = f"{rounded if rounded else rounded.copy_abs():f}"  # no "-0.0"
        return mark_safe(text.replace(".", self.separator))  # noqa: S308 (digits only)


class SecretariatTable(tables.Table):
    """What the lists share: the call (for the links of an empty list; None for a list of the
    whole site), the columns one may hide, named in `choosable` (the others always show), and
    the page's rows written in Python (`body`)."""

    choosable = []

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.call = call

    @classmethod
    def column_choices(cls):
        return [(name, cls.base_columns[name].verbose_name) for name in cls.choosable]

    @cached_property
    def figures(self):
        return Figures()

    def label(self, choices, value):
        """A choice's label, translated once a page rather than once a row."""
        labels = self.__dict__.setdefault("_labels", {})
        if choices not in labels:
            labels[choices] = {key: str(label) for key, label in choices.choices}
        return labels[choices].get(value, value)

    def body(self):
        """The page's rows as HTML: the cells django-tables2's rows render (its accessors, the
        choices' labels, the default for an empty value, render_FOO, linkify), escaped and
        localised as `{{ cell }}` is, written by one function per column worked out once per
        page, rather than by django-tables2 asking each cell's column for all of it again
        (a third of the EOI list's CPU at 5,000 EOIs). tests/review/test_table_rows.py holds
        the two to the same bytes."""
        records = list(self.page.object_list.data if hasattr(self, "page") else self.data)
        if not records:
            return ""
        context = Context(autoescape=True)
        writers = [_cell_writer(self, column, records[0], context) for column in self.columns]
        # Safe: each cell went through conditional_escape, as `{{ cell }}` does.
        return mark_safe(  # noqa: S308
            "".join(
                "<tr>" + "".join(["<td>" + write(record) + "</td>" for write in writers]) + "</tr>"
                for record in records
            )
        )


def _resolve(record, bits):
    """django-tables2's Accessor.resolve for model rows: attributes, callables called (not a
    related manager, nor what alters data), and None where a step is missing or empty (its
    cell then shows the default)."""
    value = record
    for bit in bits:
        try:
            value = getattr(value, bit)
        except AttributeError:
            return None
        if callable(value):
            if getattr(value, "alters_data", False):
                return None
            if not getattr(value, "do_not_call_in_templates", False):
                value = value()
        if value is None:
            return None
    return value


def _cell_writer(table, bound_column, sample, context):
    column = bound_column.column
    accessor = tables.A(bound_column.accessor)
    bits = accessor.split(accessor.SEPARATOR)
    field = accessor.get_field(sample)
    # A field with choices shows its label, as get_FOO_display() does, each label translated
    # once a page rather than once a cell.
    labels = (
        {value: str(label) for value, label in field.flatchoices}
        if getattr(field, "choices", ())
        else None
    )
    render = bound_column.render
    wanted, catch_all = signature(render)
    link = bound_column.link
    href = _href_writer(link, sample) if link else None
    empty = column.empty_values
    default = conditional_escape(render_value_in_context(bound_column.default, context))
    # An int is written as its digits where no thousands are grouped: what localize() writes of
    # it, without its three format look-ups per cell (the rank, ~50 a page).
    digits_only = not settings.USE_THOUSAND_SEPARATOR

    def write(record):
        value = _resolve(record, bits)
        if labels is not None and isinstance(_resolve(record, bits[:-1]), models.Model):
            value = labels.get(value, value)
        if value in empty:
            return default
        arguments = {
            "value": value,
            "record": record,
            "column": column,
            "bound_column": bound_column,
            "table": table,
        }
        content = render(**(arguments if catch_all else {name: arguments[name] for name in wanted}))
        if href:
            content = href(content, arguments)
        elif link:
            content = link(content, **arguments)
        if isinstance(content, str):  # what render_value_in_context does to text
            return conditional_escape(content)
        if digits_only and type(content) is int:
            return str(content)
        return conditional_escape(render_value_in_context(content, context))

    return write


def _href_writer(link, sample):
    """The lists' links to a page named by one UUID or number of the row (an EOI's page, a
    mail's): reversed once a page, for the first row, each row's URL then the same with its own
    UUID or number in its place; the same `<a href>` as django-tables2's, without a reverse()
    per row. None for any other link (django-tables2 writes those)."""
    if link.url or link.attrs or set(link.reverse_args) != {"viewname", "args"}:
        return None
    viewname, args = link.reverse_args["viewname"], link.reverse_args["args"]
    if not isinstance(viewname, str) or len(args) != 1 or not isinstance(args[0], tables.A):
        return None
    bits = args[0].split(args[0].SEPARATOR)

    def argument(record):
        value = _resolve(record, bits)
        return value if type(value) is int or isinstance(value, uuid.UUID) else None

    first = argument(sample)
    if first is None:
        return None
    url = reverse(viewname, args=[first])
    if url.count(str(first)) != 1:
        return None
    before, _first, after = (escape(part) for part in url.partition(str(first)))

    def write(content, arguments):
        value = argument(arguments["record"])
        if value is None:
            return link(content, **arguments)
        return format_html('<a href="{}{}{}">{}</a>', before, value, after, content)

    return write


class Tied(tables.Column):
    """Sorted on the field `sort` names, the empty last either way (SQLite and PostgreSQL
    differ) and ties by id, so that no row shows on two pages."""

    def __init__(self, *args, sort, **kwargs):
        super().__init__(*args, **kwargs)
        self.sort = sort

    def order(self, queryset, is_descending):
        field = F(self.sort)
        first = field.desc(nulls_last=True) if is_descending else field.asc(nulls_last=True)
        return queryset.order_by(first, "pk"), True


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

    def render(self, value, table):
        return table.figures(value, 1)


class EOITable(SecretariatTable):
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
    # The stage the EOI is in (read with the row): an EOI of a call without stages is in the
    # expression of interest's.
    stage = tables.Column(
        verbose_name=_("Stage"), accessor="stage__kind", empty_values=(), orderable=False
    )
    reviews = tables.Column(verbose_name=_("Reviews"), empty_values=(), orderable=False)
    mean = Figure(verbose_name=_("Mean"), accessor="score__mean", sort="mean")
    median = Figure(verbose_name=_("Median"), accessor="score__median", sort="median")
    spread = Figure(verbose_name=_("Spread"), accessor="score__spread", sort="spread")
    rank = Sorted(verbose_name=_("Rank"), accessor="score__rank", sort="rank")
    # The decision of the stage the EOI is in (selectors.secretariat_eois).
    decision = tables.Column(
        verbose_name=_("Decision"), accessor="decision_outcome", orderable=False
    )
    # The balance of power (submissions.balance): columns of the EOI, never its answers.
    local_share = Sorted(
        verbose_name=_("Local share"), sort="local_share", initial_sort_descending=True
    )
    partners = Sorted(
        verbose_name=_("Partners confirmed"),
        accessor="partners_confirmed",
        sort="partners",
        initial_sort_descending=True,
    )
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

    # The box to tick and the reference stay.
    choosable = [
        "title",
        "status",
        "stage",
        "reviews",
        "mean",
        "median",
        "spread",
        "rank",
        "decision",
        "local_share",
        "partners",
    ]

    def render_select(self, record):
        return format_html(
            '<input class="form-check-input" type="checkbox" name="eoi" value="{}" '
            'aria-label="{}">',
            record.uuid,
            self.select_label % {"reference": record.reference},
        )

    @cached_property
    def select_label(self):
        return str(_("Select %(reference)s"))

    def render_title(self, record):
        return format_html(
            '{}<br><span class="small text-body-secondary">{}</span>',
            short(record.title, 60),
            record.organisation_name,
        )

    def render_local_share(self, record, value):
        share = f"{self.figures(value, -2)}\u00a0%"
        if record.lead_is_local:
            return format_html(
                '{} <span class="badge text-bg-light">{}</span>', share, _("local lead")
            )
        return share

    def render_partners(self, record, value):
        return f"{value}/{record.partners_named}"

    def render_stage(self, value):
        return value or self.label(Stage.Kind, Stage.Kind.EXPRESSION_OF_INTEREST)

    def render_reviews(self, record):
        return f"{record.submitted_reviews}/{record.reviewer_count}"

    def render_spread(self, record, value):
        figure = self.figures(value, 1)
        if not record.score.disagreement:
            return figure
        return format_html(
            '{} <span class="badge text-bg-warning">{}</span>', figure, self.disagree
        )

    @cached_property
    def disagree(self):
        return str(_("disagree"))

    def render_decision(self, record, value):
        outcome = self.label(Decision.Outcome, value)
        if record.decision_released_at:
            return outcome
        return f"{outcome} ({self.not_released})"

    @cached_property
    def not_released(self):
        return str(_("not released"))


def eoi_link():
    return ("review:secretariat_eoi", [tables.A("eoi__uuid")])


class ReviewTable(SecretariatTable):
    reference = Tied(
        verbose_name=_("Reference"),
        accessor="eoi__reference",
        sort="eoi__reference",
        linkify=eoi_link(),
    )
    title = Tied(verbose_name=_("Title"), accessor="eoi__title", sort="eoi__title")
    reviewer = Tied(verbose_name=_("Reviewer"), sort="reviewer__name")
    status = Tied(verbose_name=_("Status"), sort="status")
    total = Tied(verbose_name=_("Weighted total"), sort="total", initial_sort_descending=True)
    recommendation = Tied(verbose_name=_("Recommendation"), sort="recommendation")
    submitted_at = Tied(
        verbose_name=_("Submitted at"), sort="submitted_at", initial_sort_descending=True
    )

    choosable = ["title", "reviewer", "status", "total", "recommendation", "submitted_at"]

    class Meta:
        template_name = "review/reviews_table.html"
        order_by = "reference"
        default = "—"
        attrs = {"class": "table table-sm align-middle caption-top"}

    def render_title(self, value):
        return short(value, 60)

    def render_total(self, value):
        return self.figures(value, 1)

    def render_submitted_at(self, value):
        return list_moment(value)


class AssignmentTable(SecretariatTable):
    reference = Tied(
        verbose_name=_("Reference"),
        accessor="eoi__reference",
        sort="eoi__reference",
        linkify=eoi_link(),
    )
    reviewer = Tied(verbose_name=_("Reviewer"), sort="reviewer__name")
    due_at = Tied(verbose_name=_("Due"), sort="due_at")
    declaration = Tied(verbose_name=_("Conflict declaration"), sort="declaration", empty_values=())
    review_status = Tied(verbose_name=_("Review"), sort="review_status")
    released = Tied(
        verbose_name=_("Released"), accessor="released_at", sort="released_at", empty_values=()
    )

    choosable = ["reviewer", "due_at", "declaration", "review_status", "released"]

    class Meta:
        template_name = "review/assignments_table.html"
        order_by = "reference"
        default = "—"
        attrs = {"class": "table table-sm align-middle caption-top"}

    STATUSES = {NOT_STARTED: _("Not started"), **dict(Review.Status.choices)}

    def render_due_at(self, record, value):
        due = list_moment(value)
        late = (
            record.released_at is None
            and value < now()
            and record.review_status != Review.Status.SUBMITTED
        )
        if not late:
            return due
        return format_html('{} <span class="badge text-bg-warning">{}</span>', due, _("overdue"))

    def render_declaration(self, record):
        return record.get_declaration_display() or _("Not yet declared")

    def render_review_status(self, value):
        return self.STATUSES.get(value, value)

    def render_released(self, record, value):
        if value is None:
            return _("Active")
        return _("%(date)s: %(why)s") % {
            "date": list_day(value),
            "why": record.get_release_reason_display(),
        }


class ProposalTable(SecretariatTable):
    # The assignment form posts the ticked rows as `proposal` (review/proposal_list.html).
    select = tables.Column(verbose_name=_("Select"), accessor="pk", orderable=False)
    reference = Tied(
        verbose_name=_("Reference"),
        accessor="eoi__reference",
        sort="eoi__reference",
        linkify=eoi_link(),
    )
    title = Tied(verbose_name=_("Title"), accessor="eoi__title", sort="eoi__title")
    applicant = Tied(verbose_name=_("Applicant"), accessor="eoi__owner", sort="eoi__owner__name")
    status = Tied(verbose_name=_("Full proposal"), sort="status")
    proposal_reference = Tied(
        verbose_name=_("Its reference"), accessor="reference", sort="reference"
    )
    submitted_at = Tied(verbose_name=_("Submitted"), sort="submitted_at")
    updated_at = Tied(verbose_name=_("Last saved"), sort="updated_at")

    choosable = ["title", "applicant", "proposal_reference", "submitted_at", "updated_at"]

    class Meta:
        template_name = "review/proposals_table.html"
        order_by = "reference"
        default = "—"
        attrs = {"class": "table table-sm align-middle caption-top"}

    def render_select(self, record):
        return format_html(
            '<input class="form-check-input" type="checkbox" name="proposal" value="{}" '
            'aria-label="{}">',
            record.pk,
            _("Select %(reference)s") % {"reference": record.reference or record.eoi.reference},
        )

    def render_submitted_at(self, value):
        return list_moment(value)

    def render_updated_at(self, value):
        return list_moment(value)


class OutboxTable(SecretariatTable):
    """The site's mails, the newest first. Never their texts: an account mail's holds a one-time
    link. Each subject opens the mail's page in the admin, where it can be sent again."""

    created_at = Tied(verbose_name=_("Queued"), sort="created_at", initial_sort_descending=True)
    to = Tied(verbose_name=_("Recipient"), sort="to")
    event = Tied(verbose_name=_("Event"), sort="event")
    subject = Tied(
        verbose_name=_("Subject"),
        sort="subject",
        linkify=("admin:notifications_outboundemail_change", [tables.A("pk")]),
    )
    status = Tied(verbose_name=_("Status"), sort="status")
    attempts = Tied(verbose_name=_("Attempts"), sort="attempts")
    sent_at = Tied(verbose_name=_("Sent at"), sort="sent_at", initial_sort_descending=True)
    last_error = Tied(verbose_name=_("Last error"), sort="last_error")
    reference = Tied(
        verbose_name=_("Expression of interest"),
        accessor="eoi__reference",
        sort="eoi__reference",
        linkify=eoi_link(),
    )

    choosable = ["to", "event", "status", "attempts", "sent_at", "last_error", "reference"]

    class Meta:
        template_name = "review/outbox_table.html"
        order_by = "-created_at"
        default = "—"
        attrs = {"class": "table table-sm align-middle caption-top"}

    def render_created_at(self, value):
        return list_moment(value)

    def render_sent_at(self, value):
        return list_moment(value)

    def render_subject(self, value):
        return short(value, 60)

    def render_last_error(self, value):
        return short(value, 80)


@dataclass(frozen=True)
class BoardRow:
    """One proposal of the Review Board's ranking, as the text of its cells ("—" where the
    figure is not there yet)."""

    rank: str
    reference: str
    url: str
    title: str
    reviews: int
    mean: str
    median: str
    spread: str
    disagreement: bool
    normalised: str
    eoi_mean: str
    eoi_rank: str


def board_rows(proposals):
    """The Board's ranking (selectors.board_ranking) as its cells: the same text floatformat
    and truncatechars would write, the EOI page's address reversed once a page. The Board
    shows a hundred proposals a page, where those filters and a reverse() per row were two
    thirds of its time (docs/BENCHMARKS.md)."""
    figure, rows, before, after = Figures(), [], None, None
    for proposal in proposals:
        eoi, own, first = proposal.eoi, proposal.figures, proposal.eoi_figures
        if before is None:
            before, _uuid, after = reverse("review:secretariat_eoi", args=[eoi.uuid]).partition(
                str(eoi.uuid)
            )
        rows.append(
            BoardRow(
                rank=str(own.rank) if own else "—",
                reference=proposal.reference or "—",
                url=f"{before}{eoi.uuid}{after}",
                title=short(eoi.title, 60),
                reviews=own.review_count if own else 0,
                mean=figure(own.mean, 1) if own else "—",
                median=figure(own.median, 1) if own else "—",
                spread=figure(own.spread, 1) if own else "—",
                disagreement=bool(own and own.disagreement),
                normalised=figure(own.normalised, 2) if own else "—",
                eoi_mean=figure(first.mean, 1) if first else "—",
                eoi_rank=str(first.rank) if first and first.rank else "—",
            )
        )
    return rows
