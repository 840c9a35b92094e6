"""Edge cases found in review: concurrency, statuses, feedback, reminders, bad input."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from review import domain
from review.models import Decision, EOIScore
from submissions.domain import DomainError


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_reviews_of_one_eoi_submitted_at_once_both_count(
    rubric_call, make_eoi, make_reviewer, secretariat
):
    eoi = make_eoi()
    first, second = make_reviewer(), make_reviewer()
    assignments = domain.assign([eoi], first, secretariat) + domain.assign(
        [eoi], second, secretariat
    )
    relevance, feasibility = rubric_call.rubric
    start = threading.Barrier(2)
    errors = []

    def submit(assignment, value):
        try:
            start.wait()
            domain.save_review(
                assignment,
                assignment.reviewer,
                {relevance: (value, ""), feasibility: (value, "")},
                "invite",
                "",
                "",
                submit=True,
            )
        except Exception as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=submit, args=[assignment, value])
        for assignment, value in zip(assignments, (5, 3), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    figures = EOIScore.objects.get(eoi=eoi)
    assert (figures.review_count, figures.mean) == (2, pytest.approx(75))


@pytest.mark.django_db
def test_the_median_of_four_reviews_and_ties_in_rank(
    rubric_call, make_eoi, make_reviewer, secretariat
):
    relevance, feasibility = rubric_call.rubric
    eoi = make_eoi()
    for value in (1, 2, 4, 5):  # totals 0, 25, 75, 100
        reviewer = make_reviewer()
        (assignment,) = domain.assign([eoi], reviewer, secretariat)
        domain.save_review(
            assignment,
            reviewer,
            {relevance: (value, ""), feasibility: (value, "")},
            "invite",
            "",
            "",
            submit=True,
        )

    figures = EOIScore.objects.get(eoi=eoi)
    assert figures.median == pytest.approx(50)
    assert figures.mean == pytest.approx(50)


@pytest.mark.django_db
def test_bulk_decisions_keep_the_feedback_written_on_the_eoi_page(
    client, make_eoi, secretariat, after_the_deadline
):
    eoi = make_eoi()
    domain.decide(eoi, Decision.Outcome.INVITED, secretariat, feedback="Careful feedback")
    client.force_login(secretariat)

    client.post(
        reverse("review:bulk_action", args=[eoi.call.slug]),
        {"action": "decide", "confirmed": "yes", "outcome": "waitlisted", "eoi": [eoi.uuid]},
    )

    decision = Decision.objects.get(eoi=eoi)
    assert (decision.outcome, decision.feedback) == ("waitlisted", "Careful feedback")


@pytest.mark.django_db
def test_withdrawn_and_draft_eois_take_no_decision_and_no_reviewer(
    make_eoi, make_reviewer, secretariat
):
    withdrawn, draft = make_eoi(status="withdrawn"), make_eoi(status="draft")

    with pytest.raises(DomainError, match="not up for a decision"):
        domain.decide(withdrawn, Decision.Outcome.INVITED, secretariat)
    with pytest.raises(DomainError, match="not up for review"):
        domain.assign([draft], make_reviewer(), secretariat)


@pytest.mark.django_db(transaction=True)
def test_review_reminders_go_out_for_each_due_date(
    rubric_call, make_eoi, make_reviewer, secretariat
):
    reviewer = make_reviewer()
    now = timezone.now()
    domain.assign([make_eoi()], reviewer, secretariat, due_at=now - timedelta(days=1))
    mail.outbox.clear()
    domain.remind_reviewers(now=now)
    domain.assign([make_eoi()], reviewer, secretariat, due_at=now + timedelta(days=4))
    mail.outbox.clear()

    domain.remind_reviewers(now=now + timedelta(days=3))

    assert len(mail.outbox) == 1
    assert "Reminder: 1 review due" in mail.outbox[0].subject


@pytest.mark.django_db
def test_bulk_actions_with_bad_values_are_told_not_crashed(client, make_eoi, secretariat):
    eoi = make_eoi()
    client.force_login(secretariat)
    url = reverse("review:bulk_action", args=[eoi.call.slug])

    for data in (
        {"action": "assign", "confirmed": "yes", "eoi": ["not-a-uuid"], "reviewer": "x"},
        {"action": "decide", "confirmed": "yes", "eoi": [eoi.uuid], "outcome": "crowned"},
        {"action": "nonsense"},
    ):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200


@pytest.mark.django_db
def test_bulk_actions_ignore_eois_of_another_call(client, make_eoi, make_reviewer, secretariat):
    from tests.factories import CallFactory, EOIFactory

    foreign = EOIFactory(call=CallFactory(), status="under_review", reference="OTHER-0001")
    local = make_eoi()
    client.force_login(secretariat)

    client.post(
        reverse("review:bulk_action", args=[local.call.slug]),
        {
            "action": "assign",
            "confirmed": "yes",
            "eoi": [foreign.uuid],
            "reviewer": make_reviewer().pk,
        },
    )

    assert not foreign.assignments.exists()


@pytest.mark.django_db
def test_unscored_eois_sort_last(client, make_eoi, make_reviewer, secretariat):
    relevance, feasibility = make_eoi().call.rubric
    make_eoi(title="Unscored")
    scored = make_eoi(title="Scored")
    reviewer = make_reviewer()
    (assignment,) = domain.assign([scored], reviewer, secretariat)
    domain.save_review(
        assignment,
        reviewer,
        {relevance: (2, ""), feasibility: (2, "")},
        "invite",
        "",
        "",
        submit=True,
    )
    client.force_login(secretariat)

    page = client.get(reverse("review:eoi_list", args=[scored.call.slug]), {"sort": "-mean"})

    text = page.content.decode()
    assert text.index("Scored") < text.index("Unscored")
