"""Every list page and export runs the same number of SQL queries for 1 row as for many.

Each page is requested once to warm per-process caches (content types, the session), counted on
its second request with one row, then counted again after more rows exist: the two must match.
"""

import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from review import domain

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(make_reviewer, secretariat, rubric_call):
    return [make_reviewer() for _ in range(3)]


@pytest.fixture
def reviewed_eoi(make_eoi, panel, secretariat, rubric_call):
    """An EOI under review with a submitted review from each member of the panel."""

    def make(**fields):
        eoi = make_eoi(**fields)
        for value, reviewer in enumerate(panel, start=2):
            (assignment,) = domain.assign([eoi], reviewer, secretariat)
            domain.save_review(
                assignment,
                reviewer,
                dict.fromkeys(rubric_call.rubric, (value, "")),
                "invite",
                "Solid.",
                "Well argued.",
                submit=True,
            )
        return eoi

    return make


def body_of(client, url):
    """The page's whole body, read here: a streamed export runs its queries as it is read."""
    response = client.get(url)
    assert response.status_code == 200
    return response.getvalue()


def queries_for(client, url):
    body_of(client, url)
    with CaptureQueriesContext(connection) as counted:
        body = body_of(client, url)
    return len(counted.captured_queries), body


def assert_constant(client, url, add_rows, django_assert_num_queries):
    """The body of the page, after checking it ran as many queries as before `add_rows`."""
    before, _body = queries_for(client, url)
    add_rows()
    with django_assert_num_queries(before):
        return body_of(client, url)


@pytest.mark.parametrize(
    "query",
    [
        {"sort": "-mean"},
        {"sort": "rank", "min_score": "10", "status": "under_review"},
        {"q": "forums", "country": "ML", "disagreement": "", "sort": "-spread"},
        # The balance of power: columns of the EOI, read with the rest.
        {"sort": "-local_share", "min_local_share": "50", "lead_is_local": "yes"},
        {"sort": "partners", "unconfirmed": ""},
        # The stage: read with the row, its column and its filter cost no query a row.
        {"stage": "eoi", "sort": "-mean"},
    ],
)
def test_the_filtered_and_sorted_eoi_list(
    client, secretariat, rubric_call, reviewed_eoi, query, django_assert_num_queries
):
    reviewed_eoi(title="Forums 1")
    client.force_login(secretariat)
    url = (
        reverse("review:eoi_list", args=[rubric_call.slug])
        + "?"
        + "&".join(f"{name}={value}" for name, value in query.items())
    )

    page = assert_constant(
        client,
        url,
        lambda: [reviewed_eoi(title=f"Forums {n}") for n in range(2, 6)],
        django_assert_num_queries,
    )
    assert page.decode().count('name="eoi"') == 5


@pytest.mark.needs_postgres
def test_the_eoi_list_filtered_and_sorted_best_first_reads_the_scores_in_that_order(
    client, secretariat, rubric_call, reviewed_eoi
):
    """Filtered by status and mean score and sorted by the mean, best first, the list had
    PostgreSQL sort every EOI the filter kept to show fifty (31,000 of them at 50,000 EOIs,
    90-200 ms of SQL): the scores are read in the order of an index on the mean, descending
    with the unscored last as the list sorts, and the page stops at its fiftieth row (2 ms)."""
    for n in range(3):
        reviewed_eoi(title=f"Forums {n}")
    client.force_login(secretariat)
    url = reverse("review:eoi_list", args=[rubric_call.slug])
    with CaptureQueriesContext(connection) as counted:
        body_of(client, url + "?status=under_review&min_score=10&sort=-mean")
    (rows,) = [
        query["sql"]
        for query in counted.captured_queries
        if '"submissions_expressionofinterest"."uuid"' in query["sql"]
    ]
    with connection.cursor() as cursor:
        # A test's few rows are read whole, or sorted in memory after the call's own index: what
        # is asked here is whether an index gives the list's order, as at 50,000 EOIs.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("EXPLAIN " + rows)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Scan using eoiscore_mean_best_first on review_eoiscore" in plan, plan


def test_the_eoi_list_reads_what_it_shows(client, secretariat, rubric_call, reviewed_eoi):
    """Its rows' query selects the columns the list shows, its menus the reviewers' names and
    emails and the challenges' numbers and titles: not every column of theirs."""
    reviewed_eoi()
    client.force_login(secretariat)
    with CaptureQueriesContext(connection) as counted:
        body_of(client, reverse("review:eoi_list", args=[rubric_call.slug]))
    queries = [query["sql"] for query in counted.captured_queries]

    (rows,) = [sql for sql in queries if '"submissions_expressionofinterest"."uuid"' in sql]
    for column in ("organisation_type", "declares_consent", "created_at", "answers"):
        assert f'"submissions_expressionofinterest"."{column}"' not in rows
    assert '"review_eoiscore"."normalised"' not in rows
    assert '"submissions_stage"."opens_at"' not in rows
    (menu,) = [sql for sql in queries if "review_assignment" in sql and "accounts_user" in sql]
    assert '"accounts_user"."password"' not in menu
    (challenges,) = [sql for sql in queries if 'FROM "submissions_challenge"' in sql]
    assert "description" not in challenges


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_eoi_exports(
    client, secretariat, rubric_call, reviewed_eoi, file_format, django_assert_num_queries
):
    reviewed_eoi()
    client.force_login(secretariat)
    url = reverse("review:export_eois", args=[rubric_call.slug, file_format])

    body = assert_constant(
        client, url, lambda: [reviewed_eoi() for _ in range(4)], django_assert_num_queries
    )
    if file_format == "csv":
        assert len(body.decode().strip().splitlines()) == 1 + 5
    else:
        assert len(list(openpyxl.load_workbook(io.BytesIO(body)).active.values)) == 1 + 5


def test_the_review_export(
    client, secretariat, rubric_call, reviewed_eoi, django_assert_num_queries
):
    reviewed_eoi()
    client.force_login(secretariat)
    url = reverse("review:export_reviews", args=[rubric_call.slug, "csv"])

    body = assert_constant(
        client, url, lambda: [reviewed_eoi() for _ in range(4)], django_assert_num_queries
    )
    assert len(body.decode().strip().splitlines()) == 1 + 5 * 3


def test_a_reviewers_assignments(client, panel, secretariat, make_eoi, django_assert_num_queries):
    reviewer = panel[0]
    domain.assign([make_eoi(title="Assigned 0")], reviewer, secretariat)
    client.force_login(reviewer)

    def more():
        domain.assign([make_eoi(title=f"Assigned {n}") for n in range(1, 8)], reviewer, secretariat)

    page = assert_constant(
        client, reverse("review:assignments"), more, django_assert_num_queries
    ).decode()
    assert all(f"Assigned {n}" in page for n in range(8))


# The Secretariat's page of an EOI with its reviews, signed in (the session; the user with their
# roles and authenticator, accounts.backends; ...). It was 20: the groups and the authenticator
# read apart.
SECRETARIAT_EOI_PAGE_QUERIES = 18


def test_the_secretariat_eoi_page_with_more_reviews(
    client, secretariat, rubric_call, make_eoi, make_reviewer, django_assert_num_queries
):
    eoi = make_eoi()
    reviewers = [make_reviewer() for _ in range(5)]

    def review(reviewer):
        (assignment,) = domain.assign([eoi], reviewer, secretariat)
        domain.save_review(
            assignment,
            reviewer,
            dict.fromkeys(rubric_call.rubric, (4, "Fine.")),
            "waitlist",
            "",
            "",
            submit=True,
        )

    review(reviewers[0])
    client.force_login(secretariat)
    url = reverse("review:secretariat_eoi", args=[eoi.uuid])

    page = assert_constant(
        client, url, lambda: [review(r) for r in reviewers[1:]], django_assert_num_queries
    ).decode()
    assert all(r.name in page for r in reviewers)
    # A fixed count too: the EOI's decisions read once for the current and the released ones,
    # and no joined user read later for a column the page left out (accounts.selectors).
    with django_assert_num_queries(SECRETARIAT_EOI_PAGE_QUERIES):
        body_of(client, url)


def test_a_reviewers_page_with_the_other_reviews_and_the_discussion(
    client, secretariat, rubric_call, make_eoi, make_reviewer, django_assert_num_queries
):
    """The scoring page after submitting: more reviews and more comments, the same queries."""
    eoi = make_eoi()
    reviewers = [make_reviewer() for _ in range(5)]

    def review(reviewer):
        (assignment,) = domain.assign([eoi], reviewer, secretariat)
        domain.declare_no_conflict(assignment, reviewer)
        domain.save_review(
            assignment,
            reviewer,
            dict.fromkeys(rubric_call.rubric, (4, "Fine.")),
            "waitlist",
            "Agreed.",
            "",
            submit=True,
        )
        domain.post_comment(eoi, reviewer, f"Comment of {reviewer.email}")

    review(reviewers[0])
    review(reviewers[1])
    client.force_login(reviewers[0])
    url = reverse("review:review_eoi", args=[eoi.uuid])

    def more():
        for reviewer in reviewers[2:]:
            review(reviewer)
            domain.post_comment(eoi, secretariat, "And the Secretariat's.")

    page = assert_constant(client, url, more, django_assert_num_queries).decode()
    assert all(f"Comment of {r.email}" in page for r in reviewers)
    assert page.count("Agreed.") == 4 + 1  # the four others, and their own in the form
    # The session, the user with their roles and authenticator (2); the EOI, the assignment its
    # permissions read, the rubric, every review of the round with the reviewers' names and then
    # their scores (4 + 1); the files, the challenges and the partners of the answers (3); the
    # discussion. It was 16: the assignment twice, their own review and the others' apart; then
    # 13, with the groups and the authenticator read apart from the user.
    with django_assert_num_queries(11):
        body_of(client, url)


def test_a_reviewers_proposal_page_reads_the_assignment_once(
    client, make_proposal, make_reviewer, secretariat, django_assert_num_queries
):
    """The proposal's scoring page after saving a draft: its own review read with its scores."""
    proposal, reviewer = make_proposal(), make_reviewer()
    (assignment,) = domain.assign([proposal.eoi], reviewer, secretariat, stage=proposal.stage)
    domain.declare_no_conflict(assignment, reviewer)
    plan, budget = proposal.stage.criteria.order_by("position")
    domain.save_review(
        assignment, reviewer, {plan: (4, "Sound plan."), budget: (2, "")}, "", "", "", submit=False
    )
    client.force_login(reviewer)
    url = reverse("review:review_proposal", args=[proposal.eoi.uuid, proposal.stage_id])
    body_of(client, url)
    # The session, the user with their roles and authenticator (2); the proposal, the
    # assignment its permissions read, the rubric, their review and its scores (5); the
    # proposal's files and the call's challenges (2). It was 12: the assignment twice; then 11,
    # with the groups and the authenticator read apart from the user.
    with django_assert_num_queries(9):
        page = body_of(client, url).decode()
    assert "Plan (70%)" in page  # the stage's rubric
    assert "Sound plan." in page  # their draft's comment


@pytest.mark.parametrize("action", ["decide", "release", "assign"])
def test_a_bulk_actions_confirmation_page_keeps_its_queries_flat(
    client, make_eoi, make_reviewer, secretariat, action, after_the_deadline
):
    reviewer = make_reviewer()
    eois = [make_eoi()]
    client.force_login(secretariat)
    url = reverse("review:bulk_action", args=[eois[0].call.slug])

    def counted():
        data = {"action": action, "outcome": "invited", "reviewer": reviewer.pk}
        client.post(url, {**data, "eoi": [eoi.uuid for eoi in eois]})
        with CaptureQueriesContext(connection) as queries:
            page = client.post(url, {**data, "eoi": [eoi.uuid for eoi in eois]})
        assert "Check before applying" in page.content.decode()
        return len(queries.captured_queries)

    one = counted()
    eois += [make_eoi() for _ in range(11)]
    for eoi in eois:
        domain.decide(eoi, "waitlisted", secretariat)  # what a release shows, and decide's before
    assert counted() == one


@pytest.mark.parametrize(
    ("url_name", "query", "rows"),
    [
        ("review:review_list", "sort=-total", 3),
        ("review:review_list", "status=submitted&min_total=10&q=KMF&sort=reviewer", 3),
        ("review:assignment_list", "sort=-review_status", 3),
        ("review:assignment_list", "state=active&declaration=none&sort=due_at", 3),
    ],
)
def test_the_review_and_assignment_lists(
    client, secretariat, rubric_call, reviewed_eoi, url_name, query, rows, django_assert_num_queries
):
    reviewed_eoi()
    client.force_login(secretariat)
    url = f"{reverse(url_name, args=[rubric_call.slug])}?{query}"

    page = assert_constant(
        client, url, lambda: [reviewed_eoi() for _ in range(4)], django_assert_num_queries
    )
    assert page.decode().split("<tbody>")[1].count("<tr>") == rows * 5


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?sort=-attempts&status=failed",
        "?q=example&event=submission_receipt&queued_from=2020-01-01&sort=reference",
    ],
)
def test_the_outbox(client, secretariat, make_eoi, query, django_assert_num_queries):
    from notifications.models import OutboundEmail

    def mails(numbers):
        for number in numbers:
            OutboundEmail.objects.create(
                key=f"mail-{number}",
                event="submission_receipt",
                to=f"person{number}@example.org",
                language="en",
                subject=f"Mail {number}",
                status="failed",
                attempts=number,
                # Half of them about an EOI, each its own.
                eoi=make_eoi() if number % 2 else None,
            )

    mails([1])
    client.force_login(secretariat)

    page = assert_constant(
        client,
        reverse("review:outbox") + query,
        lambda: mails(range(2, 7)),
        django_assert_num_queries,
    ).decode()
    assert all(f"Mail {n}" in page for n in range(1, 7))
