from collections import Counter
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from notifications.models import OutboundEmail
from review import domain
from review.models import Assignment, Conflict, Decision
from submissions.domain import DomainError
from submissions.models import ExpressionOfInterest

pytestmark = pytest.mark.django_db(transaction=True)


def test_automatic_assignment_balances_load_and_skips_conflicts_and_owners(
    rubric_call, make_eoi, make_reviewer, secretariat
):
    reviewers = [make_reviewer() for _ in range(4)]
    eois = [make_eoi() for _ in range(6)]
    Conflict.objects.create(eoi=eois[0], reviewer=reviewers[0], reason="Former colleague")
    own = make_eoi(owner=reviewers[1])

    created = domain.auto_assign(rubric_call, secretariat, per_eoi=2)

    assert len(created) == 14
    load = Counter(a.reviewer_id for a in Assignment.objects.all())
    assert max(load.values()) - min(load.values()) <= 1
    assert not Assignment.objects.filter(eoi=eois[0], reviewer=reviewers[0]).exists()
    assert not Assignment.objects.filter(eoi=own, reviewer=reviewers[1]).exists()
    assert all(Assignment.objects.filter(eoi=e).count() == 2 for e in [*eois, own])
    assert domain.auto_assign(rubric_call, secretariat, per_eoi=2) == []


def test_each_reviewer_gets_one_mail_per_batch_of_assignments(
    rubric_call, make_eoi, make_reviewer, secretariat
):
    reviewer = make_reviewer(name="Jonas de Vries")
    domain.assign([make_eoi(), make_eoi(), make_eoi()], reviewer, secretariat)

    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert "3 expressions of interest to review" in mail.outbox[0].subject
    assert mail.outbox[0].body.startswith("Dear Jonas,")


def test_assignment_refuses_owners_and_declared_conflicts(
    rubric_call, make_eoi, make_reviewer, secretariat
):
    reviewer = make_reviewer()
    conflicted = make_eoi()
    Conflict.objects.create(eoi=conflicted, reviewer=reviewer, reason="My cousin")

    with pytest.raises(DomainError, match="has a conflict of interest with KMF21-"):
        domain.assign([conflicted], reviewer, secretariat)
    with pytest.raises(DomainError, match="Nobody reviews their own"):
        domain.assign([make_eoi(owner=reviewer)], reviewer, secretariat)


def test_declaring_a_conflict_releases_the_assignment_on_the_record(
    rubric_call, make_eoi, make_reviewer, secretariat
):
    eoi, reviewer = make_eoi(), make_reviewer()
    (assignment,) = domain.assign([eoi], reviewer, secretariat)

    domain.declare_conflict(assignment, "I advised this organisation", reviewer)

    assignment.refresh_from_db()
    assert assignment.release_reason == Assignment.Release.CONFLICT
    assert Conflict.objects.get().reason == "I advised this organisation"
    assert AuditEntry.objects.filter(action="review.conflict_declared").exists()


def test_decisions_stay_internal_until_released_then_mail_the_feedback(
    rubric_call, make_eoi, secretariat, after_the_deadline
):
    eoi = make_eoi(owner__preferred_language="fr", owner__name="Awa Diop")
    domain.decide(
        eoi, Decision.Outcome.INVITED, secretariat, feedback="Le comité a apprécié l’ancrage local."
    )
    eoi.refresh_from_db()
    assert eoi.status == ExpressionOfInterest.Status.UNDER_REVIEW
    assert not OutboundEmail.objects.filter(event="decision").exists()

    assert domain.release(Decision.objects.all(), secretariat) == 1
    assert domain.release(Decision.objects.all(), secretariat) == 0

    eoi.refresh_from_db()
    assert eoi.status == ExpressionOfInterest.Status.INVITED
    (message,) = [m for m in mail.outbox if m.to == [eoi.owner.email]]
    assert message.subject == f"Le résultat pour votre manifestation d’intérêt {eoi.reference}"
    assert "Invitée à soumettre une proposition complète" in message.body
    assert "Le comité a apprécié l’ancrage local." in message.body
    assert [e.action for e in AuditEntry.objects.order_by("pk")][-2:] == [
        "decision.made",
        "decision.released",
    ]
    with pytest.raises(DomainError, match="not up for a decision"):
        domain.decide(eoi, Decision.Outcome.NOT_SELECTED, secretariat)


def test_reviewers_are_reminded_once_of_reviews_due_within_two_days(
    rubric_call, make_eoi, make_reviewer, secretariat
):
    reviewer = make_reviewer()
    due = timezone.now() + timedelta(days=5)
    domain.assign([make_eoi(), make_eoi()], reviewer, secretariat, due_at=due)
    mail.outbox.clear()

    assert domain.remind_reviewers(now=due - timedelta(days=3)) == 0
    with time_machine.travel(due - timedelta(days=1), tick=False):
        domain.remind_reviewers()
        domain.remind_reviewers()

    assert [m.subject for m in mail.outbox] == [
        f"Reminder: 2 reviews due {timezone.localtime(due, rubric_call.zone):%-d %B %Y, %H:%M %Z}"
    ]


def test_a_submitted_review_is_not_reminded_nor_counted_to_do(
    rubric_call, make_eoi, make_reviewer, secretariat
):
    reviewer = make_reviewer()
    due = timezone.now() + timedelta(days=5)
    done, waiting = make_eoi(), make_eoi()
    domain.assign([done, waiting], reviewer, secretariat, due_at=due)
    relevance, feasibility = rubric_call.rubric
    assignment = done.assignments.get()
    domain.save_review(
        assignment, reviewer, {relevance: (4, ""), feasibility: (2, "")}, "invite", "", "", True
    )
    mail.outbox.clear()

    assignment.refresh_from_db()
    assert assignment.reviewed_at is not None
    assert domain.reviewers_with_load().get(pk=reviewer.pk).load == 1
    with time_machine.travel(due - timedelta(days=1), tick=False):
        domain.remind_reviewers()
    assert [m.subject for m in mail.outbox] == [
        f"Reminder: 1 review due {timezone.localtime(due, rubric_call.zone):%-d %B %Y, %H:%M %Z}"
    ]


def test_a_reviewer_sees_what_is_left_to_do_first_fifty_to_a_page(
    client, rubric_call, make_eoi, make_reviewer, secretariat
):
    reviewer = make_reviewer()
    eois = [make_eoi(title=f"Proposal {n:02d}") for n in range(53)]
    assignments = domain.assign(eois, reviewer, secretariat)
    relevance, feasibility = rubric_call.rubric
    for assignment in assignments[:3]:  # the first three references are reviewed already
        domain.save_review(
            assignment, reviewer, {relevance: (4, ""), feasibility: (3, "")}, "invite", "", "",
            submit=True,
        )  # fmt: skip
    client.force_login(reviewer)

    first = client.get(reverse("review:assignments")).content.decode()
    second = client.get(reverse("review:assignments"), {"page": 2}).content.decode()

    assert "Reviews submitted: 3 of 53." in first
    assert first.count('class="card mb-2"') == 50
    assert "Proposal 03" in first
    assert "Proposal 00" not in first
    assert "Page 1 of 2 (53 in all)" in first
    assert '<a href="?page=2">Next</a>' in first
    assert second.count('class="card mb-2"') == 3
    assert all(f"Proposal {n:02d}" in second for n in range(3))
    assert second.count("Submitted (") == 3
