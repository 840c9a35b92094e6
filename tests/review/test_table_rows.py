"""The Secretariat's lists write their rows in Python (review.tables.SecretariatTable.body):
each list, in English and in French, gives the same bytes as django-tables2's own rows rendered
as `{{ cell }}` in a template, over rows that use every kind of cell (links, choices' labels,
empty values, badges, markup in what applicants typed)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.template.defaultfilters import floatformat
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.text import Truncator
from django_tables2 import RequestConfig

from notifications.models import OutboundEmail
from review import domain
from review.models import Decision
from review.selectors import (
    call_assignments,
    call_reviews,
    listed_eois,
    outbox_mails,
    secretariat_eois,
)
from review.tables import AssignmentTable, EOITable, Figures, OutboxTable, ReviewTable, short

pytestmark = pytest.mark.django_db

DJANGO_TABLES2_ROWS = Template(
    "{% for row in table.paginated_rows %}<tr>{% for column, cell in row.items %}"
    "<td>{{ cell }}</td>{% endfor %}</tr>{% endfor %}"
)


@pytest.fixture
def busy_call(rubric_call, make_eoi, make_reviewer, secretariat, after_the_deadline):
    """EOIs with no review, with reviews that disagree, with a decision released or not, one
    with markup in its title and one led locally."""
    first, second = make_reviewer(), make_reviewer()
    quiet = make_eoi(title="<b>Radio</b> & “forums”", organisation_name="Nord & Sud")
    argued = make_eoi(title="Theatre " * 20, local_share=62.5, lead_is_local=True)
    decided = make_eoi(title="Courts", partners_named=3, partners_confirmed=1)
    for eoi, values in ((argued, (1, 5)), (decided, (4, 4))):
        for reviewer, value in zip((first, second), values, strict=True):
            (assignment,) = domain.assign([eoi], reviewer, secretariat)
            domain.save_review(
                assignment,
                reviewer,
                dict.fromkeys(rubric_call.rubric, (value, "")),
                "invite",
                "Internal <note>",
                "Feedback",
                submit=True,
            )
    domain.assign([quiet], first, secretariat)
    domain.decide(decided, "invited", secretariat, feedback="Well argued.")
    domain.decide(argued, "waitlisted", secretariat)
    domain.release(Decision.objects.filter(eoi=decided), secretariat)
    OutboundEmail.objects.filter(pk=OutboundEmail.objects.first().pk).update(
        subject="<Subject> & co"
    )
    return rubric_call


def both_ways(table_class, rows, sort, call):
    request = RequestFactory().get("/", {"sort": sort})
    table = table_class(rows, call=call)
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    theirs = DJANGO_TABLES2_ROWS.render(Context({"table": table}))
    return str(table.body()), theirs


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    ("table_class", "rows", "sort"),
    [
        (EOITable, secretariat_eois, "reference"),
        (EOITable, secretariat_eois, "-spread"),
        (ReviewTable, call_reviews, "reference"),
        (AssignmentTable, call_assignments, "reviewer"),
        (OutboxTable, lambda call: outbox_mails(), "-created_at"),
    ],
)
def test_each_list_writes_the_rows_django_tables2_would(
    busy_call, language, table_class, rows, sort
):
    with translation.override(language):
        ours, theirs = both_ways(table_class, rows(busy_call), sort, busy_call)

    assert ours.count("<tr>") >= 1
    assert ours == theirs


def test_what_applicants_typed_stays_text(busy_call):
    ours, _theirs = both_ways(EOITable, secretariat_eois(busy_call), "reference", busy_call)

    assert "&lt;b&gt;Radio&lt;/b&gt; &amp; “forums”" in ours
    assert "<b>Radio" not in ours


def test_the_rows_compared_hold_every_kind_of_cell(busy_call):
    """So that the comparison above covers them: badges, both states of a decision, a link,
    a figure and an empty value."""
    ours, _theirs = both_ways(EOITable, secretariat_eois(busy_call), "reference", busy_call)

    for part in ("disagree", "local lead", "(not released)", "Invited to full proposal", "<a "):
        assert part in ours
    assert "—" in ours


@pytest.mark.parametrize("sort", ["reference", "-spread", "-mean"])
def test_the_list_writes_the_same_rows_from_the_columns_it_reads(busy_call, sort):
    """listed_eois reads the columns the rows show only: the same rows, and no query more (a
    column left out but read would cost one a row)."""
    with CaptureQueriesContext(connection) as every_column:
        whole, _theirs = both_ways(EOITable, secretariat_eois(busy_call), sort, busy_call)
    with CaptureQueriesContext(connection) as listed_columns:
        listed, _theirs = both_ways(EOITable, listed_eois(busy_call), sort, busy_call)

    assert listed == whole
    assert len(listed_columns) == len(every_column)


FIGURES = [
    0.0,
    -0.0,
    0.05,
    0.25,
    0.35,
    -0.04,
    -0.05,
    -1.25,
    2.0,
    33.3,
    33.35,
    66.666666,
    99.95,
    100.0,
    1e-05,
    1e300,
    123456.789,
    float("inf"),
    float("nan"),
    Decimal("62.5"),
    Decimal("62.50"),
    Decimal("40"),
    Decimal("40.00"),
    Decimal("33.333"),
    Decimal("0.005"),
    Decimal("-0.004"),
    7,
    None,
]


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize("places", [1, -2, 2, -1])
def test_the_lists_figures_read_as_floatformat_writes_them(language, places):
    with translation.override(language):
        figures = Figures()
        for value in FIGURES:
            assert figures(value, places) == floatformat(value, places), value


def test_a_short_text_is_itself_and_a_long_one_truncated_as_truncator_does():
    for text in ("Radio", "é" * 60, "e\u0301" * 40, "x" * 61, "Théâtre " * 20, ""):
        assert short(text, 60) == Truncator(text).chars(60)
