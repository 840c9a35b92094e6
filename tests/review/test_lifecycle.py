"""The lifecycle cannot go backwards. The applicant may change or withdraw their EOI until
their deadline (the call's, or their extension); the Secretariat decides and releases only
after it, and only what the status table allows, all or nothing. Reviews of withdrawn EOIs
count in no figure."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from review import domain
from review.models import Decision, EOIScore
from submissions import domain as submissions_domain
from submissions.domain import DomainError
from submissions.models import ExpressionOfInterest, Extension
from tests.review.test_scoring import scored  # noqa: F401

pytestmark = pytest.mark.django_db
Status = ExpressionOfInterest.Status


def past(call, days=1):
    return time_machine.travel(call.closes_at + timedelta(days=days), tick=True)


def test_the_audit_scenario_decide_early_withdraw_release(client, make_eoi, secretariat):
    eoi = make_eoi(status=Status.SUBMITTED)
    secretariat_page = reverse("review:secretariat_eoi", args=[eoi.uuid])

    # Before the deadline: the decision is refused, with the reason; nothing is recorded.
    client.force_login(secretariat)
    refused = client.post(secretariat_page, {"outcome": "invited", "feedback": "Well done"})
    assert refused.status_code == 200
    assert "is open to its applicant until" in refused.content.decode()
    assert not Decision.objects.exists()
    # The applicant may still withdraw: that is their right until the deadline.
    client.force_login(eoi.owner)
    withdraw_page = reverse("submissions:eoi_withdraw", args=[eoi.uuid])
    assert client.get(withdraw_page).status_code == 200

    with past(eoi.call):
        client.force_login(secretariat)
        decided = client.post(secretariat_page, {"outcome": "invited", "feedback": "Well done"})
        assert decided.status_code == 302
        # After it, no withdrawal: the page is gone and the domain refuses.
        client.force_login(eoi.owner)
        assert client.post(withdraw_page).status_code == 404
        with pytest.raises(submissions_domain.NotEditable):
            submissions_domain.withdraw_eoi(eoi, eoi.owner)
        client.force_login(secretariat)
        client.post(
            reverse("review:bulk_action", args=[eoi.call.slug]),
            {"action": "release", "confirmed": "yes", "eoi": [eoi.uuid]},
        )

    eoi.refresh_from_db()
    assert eoi.status == Status.INVITED
    assert Decision.objects.get(eoi=eoi).released_at is not None


def test_a_release_never_makes_a_withdrawn_eoi_invited_and_releases_nothing_then(
    client, make_eoi, secretariat
):
    kept, withdrawn = make_eoi(status=Status.SUBMITTED), make_eoi(status=Status.SUBMITTED)
    # A decision recorded before decisions waited for the deadline, then the withdrawal.
    Decision.objects.create(eoi=withdrawn, outcome="invited", decided_by=secretariat)
    submissions_domain.withdraw_eoi(withdrawn, withdrawn.owner)

    with past(kept.call):
        domain.decide(kept, "waitlisted", secretariat)
        with pytest.raises(DomainError) as refusal:
            domain.release(Decision.objects.all(), secretariat)
        client.force_login(secretariat)
        page = client.post(
            reverse("review:bulk_action", args=[kept.call.slug]),
            {"action": "release", "confirmed": "yes", "eoi": [kept.uuid, withdrawn.uuid]},
            follow=True,
        ).content.decode()

    assert refusal.value.message.startswith("Nothing was released.")
    assert f"{withdrawn.reference} is not up for a decision (Withdrawn)." in refusal.value.message
    assert kept.reference not in refusal.value.message
    assert f"{withdrawn.reference} is not up for a decision" in page
    assert not Decision.objects.exclude(released_at=None).exists()
    assert list(ExpressionOfInterest.objects.order_by("pk").values_list("status", flat=True)) == [
        Status.SUBMITTED,
        Status.WITHDRAWN,
    ]


def test_an_extension_holds_back_the_decision_until_it_ends(make_eoi, secretariat):
    eoi = make_eoi(status=Status.UNDER_REVIEW)
    with past(eoi.call):
        domain.decide(eoi, "not_selected", secretariat)
        # The Secretariat then gives the applicant two more days.
        Extension.objects.create(
            call=eoi.call, applicant=eoi.owner, until=timezone.now() + timedelta(days=2)
        )
        with pytest.raises(DomainError, match="open to its applicant until"):
            domain.release(Decision.objects.all(), secretariat)
        with pytest.raises(DomainError, match="open to its applicant until"):
            domain.decide(eoi, "invited", secretariat)
    with past(eoi.call, days=4):
        assert domain.release(Decision.objects.all(), secretariat) == 1

    eoi.refresh_from_db()
    assert eoi.status == Status.NOT_SELECTED


def test_bulk_decide_is_all_or_nothing_and_names_each_refusal(client, make_eoi, secretariat):
    ready, also_ready = make_eoi(), make_eoi()
    withdrawn, draft = make_eoi(status=Status.WITHDRAWN), make_eoi(status=Status.DRAFT)
    url = reverse("review:bulk_action", args=[ready.call.slug])
    everyone = [ready.uuid, also_ready.uuid, withdrawn.uuid, draft.uuid]

    with past(ready.call):
        client.force_login(secretariat)  # after the sign-in of a month ago has expired
        page = client.post(
            url,
            {"action": "decide", "confirmed": "yes", "outcome": "invited", "eoi": everyone},
            follow=True,
        ).content.decode()
        assert not Decision.objects.exists()
        assert "Nothing was decided." in page
        assert f"{withdrawn.reference} is not up for a decision (Withdrawn)." in page
        assert f"{draft.reference} is not up for a decision (Draft)." in page
        assert ready.reference not in page.split("Nothing was decided.")[1].split("</div>")[0]

        client.post(
            url,
            {
                "action": "decide",
                "confirmed": "yes",
                "outcome": "invited",
                "eoi": [ready.uuid, also_ready.uuid],
            },
        )
    assert Decision.objects.count() == 2


def test_withdrawing_takes_its_reviews_out_of_every_figure(scored):  # noqa: F811
    (e1, e2, e3), _ = scored
    ExpressionOfInterest.objects.filter(pk=e3.pk).update(status=Status.SUBMITTED)
    e3.refresh_from_db()

    submissions_domain.withdraw_eoi(e3, e3.owner)

    # Without E3, R1 has 100 and 30: z = 1 and −1, as R2's 75 and 55; R3 still has one review.
    figures = {row.eoi_id: row for row in EOIScore.objects.all()}
    assert set(figures) == {e1.pk, e2.pk}
    assert figures[e1.pk].normalised == pytest.approx((1 + 1 + 0) / 3)
    assert figures[e2.pk].normalised == pytest.approx(-1)
    assert (figures[e1.pk].rank, figures[e2.pk].rank) == (1, 2)


def test_a_review_of_a_withdrawn_eoi_can_no_longer_be_saved(make_eoi, make_reviewer, secretariat):
    eoi = make_eoi(status=Status.SUBMITTED)
    (assignment,) = domain.assign([eoi], make_reviewer(), secretariat)
    submissions_domain.withdraw_eoi(eoi, eoi.owner)
    assignment.refresh_from_db()

    with pytest.raises(DomainError, match="can no longer be changed"):
        domain.save_review(assignment, assignment.reviewer, {}, "invite", "", "", submit=False)


@pytest.mark.needs_postgres
def test_decisions_and_releases_lock_the_eoi_rows_they_check(make_eoi, secretariat):
    eoi = make_eoi()
    eoi_table = ExpressionOfInterest._meta.db_table

    def locks_the_eoi(change):
        with CaptureQueriesContext(connection) as queries:
            change()
        return any(
            eoi_table in query["sql"].split("FROM")[1] and "FOR UPDATE" in query["sql"]
            for query in queries.captured_queries
            if "FROM" in query["sql"]
        )

    with past(eoi.call):
        assert locks_the_eoi(lambda: domain.decide(eoi, "invited", secretariat))
        assert locks_the_eoi(lambda: domain.release(Decision.objects.all(), secretariat))
