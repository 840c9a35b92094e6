"""The Secretariat's dashboard figures, counted afresh (review.selectors.count_intake): what they
add up to, on SQLite and PostgreSQL, and that PostgreSQL reads the call's EOIs for them from one
covering index rather than from the EOIs' wide rows (docs/BENCHMARKS.md, at 50,000 EOIs)."""

from decimal import Decimal

import pytest

from review import dashboard
from review.selectors import count_intake
from submissions.models import ExpressionOfInterest
from tests.factories import ChallengeFactory

Status = ExpressionOfInterest.Status


@pytest.fixture
def counted_call(rubric_call, make_eoi):
    """Five EOIs of a call with a later stage, each with its own figures; a challenge nobody
    chose."""
    from tests.submissions.proposal_helpers import add_proposal_stage

    stage = add_proposal_stage(rubric_call)
    media, radio, unchosen = (ChallengeFactory(call=rubric_call) for _ in range(3))
    rows = [
        # status, stage, challenges, amount, local share, local lead, partners named/confirmed
        (Status.SUBMITTED, None, [media], 1000, 50, True, 2, 1),
        (Status.AWARDED, None, [media, radio], 2000, None, False, 1, 1),
        (Status.WAITLISTED, stage, [radio], 4000, 25, None, 0, 0),
        (Status.DRAFT, None, [media], 8000, 100, True, 3, 3),
        (Status.WITHDRAWN, None, [radio], 16000, 100, True, 1, 0),
    ]
    for status, in_stage, chosen, amount, share, local, named, confirmed in rows:
        eoi = make_eoi(status=status, challenges=chosen)
        ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
            stage=in_stage,
            budget_requested=amount,
            local_share=share,
            lead_is_local=local,
            partners_named=named,
            partners_confirmed=confirmed,
        )
    return rubric_call, {"media": media.pk, "radio": radio.pk, "unchosen": unchosen.pk}


def test_the_figures_add_up_by_status_and_stage(counted_call):
    call, challenges = counted_call

    figures = count_intake(call)

    assert {status: n for status, n in figures["statuses"].items() if n} == {
        Status.SUBMITTED: 1,
        Status.AWARDED: 1,
        Status.WAITLISTED: 1,
        Status.DRAFT: 1,
        Status.WITHDRAWN: 1,
    }
    assert figures["requested"] == 7000  # the sent ones: 1,000 + 2,000 + 4,000
    assert figures["challenges"] == {challenges["media"]: 2, challenges["radio"]: 2}
    assert figures["counted"]["sent"] == 3
    # Invited: the awarded EOI (moved on) and the waitlisted one (in a later stage).
    assert figures["counted"]["invited"] == 2
    sent, invited, awarded = (figures["balance"][name] for name in ("sent", "invited", "awarded"))
    assert sent["count"] == 3
    assert sent["local_money"] == Decimal("1500")  # 1,000 × 50 % + 4,000 × 25 %
    assert sent["money"] == 5000  # the amounts whose local share is known
    assert (sent["local_leads"], sent["leads_known"]) == (1, 2)
    assert (sent["named"], sent["confirmed"]) == (3, 2)
    assert (invited["count"], invited["local_money"], invited["money"]) == (2, 1000, 4000)
    assert (invited["local_leads"], invited["leads_known"]) == (0, 1)
    assert (awarded["count"], awarded["local_money"], awarded["money"]) == (1, None, None)
    assert (awarded["named"], awarded["confirmed"]) == (1, 1)


def test_the_dashboard_shows_a_challenge_nobody_chose(client, counted_call, secretariat):
    from django.core.cache import cache
    from django.urls import reverse

    call, _ = counted_call
    cache.clear()
    client.force_login(secretariat)
    page = client.get(reverse("review:dashboard", args=[call.slug])).content.decode()

    chart = page[page.index("By challenge") :]
    for challenge in call.challenges.all():
        assert f"{challenge.number}. {challenge.title}" in chart


@pytest.mark.needs_postgres
def test_the_figures_read_the_calls_eois_from_their_covering_index(
    transactional_db, counted_call, monkeypatch
):
    """At 50,000 EOIs the figures took ~200 ms of SQL on a quiet machine, most of it reading the
    EOIs' wide rows (their answers) five times: every query of the count must find the call's
    EOIs in the index that carries the columns it counts, and read no EOI row."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    call, _ = counted_call
    monkeypatch.setattr(dashboard, "_counters", {})  # the later stages' apps count their own
    with CaptureQueriesContext(connection) as counting:
        count_intake(call)
    eoi_queries = [
        query["sql"]
        for query in counting.captured_queries
        if '"submissions_expressionofinterest"' in query["sql"]
    ]

    assert len(eoi_queries) == 5  # the groups, challenges, countries, days and reviewers
    # Vacuumed, as a table of thousands is: its rows all visible, an index-only scan reads no
    # row (so the test runs outside a transaction), and the planner costs it so.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE submissions_expressionofinterest")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in eoi_queries:
            cursor.execute("EXPLAIN " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "Index Only Scan using eoi_call_figures on submissions_expressionofinterest" in (
                plan
            ), plan
