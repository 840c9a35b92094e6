"""The second round of review: a reviewed stage's proposals, scored on the stage's own rubric,
figures of their own beside the EOI's.

Scale 1–5, the stage's weights 70 and 30; a score s counts weight·(s−1)/4.
    R1: P1 (5,5) = 100   P2 (3,3) = 50    P3 (1,1) = 0
    R2: P1 (4,2) = 60    P2 (2,2) = 25
P1: 100, 60 → mean 80, median 80, spread 40 (disagreement above 25)
P2: 50, 25  → mean 37.5, median 37.5, spread 25 (not above 25)
P3: 0       → mean 0
R1's mean is 50, standard deviation 40.82: z = 1.2247, 0, −1.2247. R2's mean is 42.5,
standard deviation 17.5: z = 1, −1.
Normalised: P1 (1.2247 + 1)/2 = 1.1124; P2 (0 − 1)/2 = −0.5; P3 −1.2247. Ranks 1, 2, 3.
"""

import pytest
from django.urls import reverse

from review import domain
from review.models import Assignment, Decision, EOIScore, Review, StageScore

pytestmark = pytest.mark.django_db


def score_proposal(proposal, reviewer, secretariat, plan, budget, submit=True):
    stage = proposal.stage
    assignment = (
        Assignment.objects.filter(eoi=proposal.eoi, reviewer=reviewer, stage=stage).first()
        or domain.assign([proposal.eoi], reviewer, secretariat, stage=stage)[0]
    )
    plan_criterion, budget_criterion = stage.criteria.order_by("position")
    return domain.save_review(
        assignment,
        reviewer,
        {plan_criterion: (plan, ""), budget_criterion: (budget, "")},
        "invite",
        "",
        "",
        submit=submit,
    )


@pytest.fixture
def second_round(make_proposal, make_reviewer, secretariat):
    p1, p2, p3 = make_proposal(), make_proposal(), make_proposal()
    r1, r2 = make_reviewer(), make_reviewer()
    reviews = [
        score_proposal(p1, r1, secretariat, 5, 5),
        score_proposal(p2, r1, secretariat, 3, 3),
        score_proposal(p3, r1, secretariat, 1, 1),
        score_proposal(p1, r2, secretariat, 4, 2),
        score_proposal(p2, r2, secretariat, 2, 2),
    ]
    return (p1, p2, p3), (r1, r2), reviews


def test_the_stage_rubric_weighs_each_proposal_review(second_round):
    _, _, reviews = second_round

    assert [float(review.total) for review in reviews] == [100, 50, 0, 60, 25]
    assert {review.stage_id for review in reviews} == {reviews[0].eoi.stage_id}


def test_mean_median_spread_normalised_and_rank_of_the_proposal_round(second_round):
    (p1, p2, p3), _, _ = second_round

    figures = {s.eoi_id: s for s in StageScore.objects.filter(stage=p1.stage)}
    first, second, third = figures[p1.eoi_id], figures[p2.eoi_id], figures[p3.eoi_id]
    assert (first.review_count, first.mean, first.median) == (2, 80, 80)
    assert (first.spread, first.disagreement) == (40, True)
    assert (second.mean, second.median, second.spread) == (37.5, 37.5, 25)
    assert second.disagreement is False
    assert (third.review_count, third.mean) == (1, 0)
    assert first.normalised == pytest.approx(1.1124, abs=1e-4)
    assert second.normalised == pytest.approx(-0.5, abs=1e-4)
    assert third.normalised == pytest.approx(-1.2247, abs=1e-4)
    assert [first.rank, second.rank, third.rank] == [1, 2, 3]


def test_proposal_reviews_leave_the_eois_figures_as_they_were(
    make_proposal, make_eoi, make_reviewer, secretariat
):
    from tests.review.test_scoring import score

    reviewer, eoi = make_reviewer(), make_eoi()
    score(eoi, reviewer, secretariat, 2, 2)  # the EOI round's review, before the invitation
    before = EOIScore.objects.values().get(eoi=eoi)
    proposal = make_proposal(eoi=eoi)

    score_proposal(proposal, reviewer, secretariat, 5, 5)

    assert EOIScore.objects.values().get(eoi=eoi) == before
    assert before["mean"] == 25
    assert StageScore.objects.get(eoi=eoi).mean == 100
    eoi_review, proposal_review = Review.objects.filter(eoi=eoi).order_by("pk")
    assert (eoi_review.stage_id, float(eoi_review.total)) == (None, 25)
    assert (proposal_review.stage_id, float(proposal_review.total)) == (proposal.stage_id, 100)
    assert {a.stage_id for a in Assignment.objects.filter(eoi=eoi)} == {None, proposal.stage_id}


def test_a_draft_proposal_is_not_assigned(make_proposal, make_reviewer, secretariat):
    draft = make_proposal(submit=False)

    with pytest.raises(domain.DomainError, match="not up for review"):
        domain.assign([draft.eoi], make_reviewer(), secretariat, stage=draft.stage)
    assert not Assignment.objects.exists()


def test_a_conflict_with_the_eoi_or_its_organisation_holds_for_its_proposal(
    make_proposal, make_reviewer, secretariat
):
    from review.models import Conflict

    proposal = make_proposal()
    with_eoi, with_organisation, free = make_reviewer(), make_reviewer(), make_reviewer()
    Conflict.objects.create(reviewer=with_eoi, eoi=proposal.eoi)
    Conflict.objects.create(
        reviewer=with_organisation, organisation=proposal.eoi.organisation_name.upper()
    )

    for reviewer in (with_eoi, with_organisation):
        with pytest.raises(domain.DomainError, match="conflict of interest"):
            domain.assign([proposal.eoi], reviewer, secretariat, stage=proposal.stage)
    plan = domain.propose(proposal.eoi.call, per_eoi=3, stage=proposal.stage)

    assert [reviewer for reviewer, _how in plan.proposals[0].reviewers] == [free]
    assert plan.proposals[0].short == 2


def test_automatic_assignment_of_a_stage_assigns_its_proposals_only(
    make_proposal, make_eoi, make_reviewer, secretariat
):
    proposal, draft = make_proposal(), make_proposal(submit=False)
    under_review = make_eoi()
    first, second = make_reviewer(), make_reviewer()

    made = domain.auto_assign(proposal.eoi.call, secretariat, per_eoi=2, stage=proposal.stage)

    assert {(a.eoi_id, a.reviewer_id, a.stage_id) for a in made} == {
        (proposal.eoi_id, first.pk, proposal.stage_id),
        (proposal.eoi_id, second.pk, proposal.stage_id),
    }
    assert not Assignment.objects.filter(eoi__in=[draft.eoi, under_review]).exists()
    # The EOI round's automatic assignment neither counts the proposal's assignments in its
    # loads nor plans for the invited EOI.
    plan = domain.propose(proposal.eoi.call, per_eoi=1)
    assert plan.load_before == {first.pk: 0, second.pk: 0}
    assert [eoi_pk for eoi_pk, _reviewer in plan.pairs] == [under_review.pk]


def test_assignment_in_the_proposal_round_is_audited(make_proposal, make_reviewer, secretariat):
    from audit.models import AuditEntry

    proposal, reviewer = make_proposal(), make_reviewer()

    domain.assign([proposal.eoi], reviewer, secretariat, stage=proposal.stage)

    entry = AuditEntry.objects.filter(action="review.assigned").get()
    assert entry.details == {"reviewer": reviewer.email, "stage": "proposal"}


@pytest.fixture
def assigned(make_proposal, make_reviewer, secretariat):
    """A submitted proposal assigned to a reviewer in its stage's round."""
    proposal, reviewer = make_proposal(), make_reviewer()
    domain.assign([proposal.eoi], reviewer, secretariat, stage=proposal.stage)
    return proposal, reviewer


def page_of(proposal, name="review:review_proposal"):
    return reverse(name, args=[proposal.eoi.uuid, proposal.stage_id])


def test_the_reviewer_declares_no_conflict_first_then_scores_the_proposal_on_its_rubric(
    client, assigned
):
    proposal, reviewer = assigned
    plan, budget = proposal.stage.criteria.order_by("position")
    client.force_login(reviewer)
    url = page_of(proposal)

    first = client.get(url).content.decode()
    assert "any conflict of interest?" in first
    assert "Forums in Mopti decide" not in first  # the answers wait for the declaration
    declared = client.post(
        page_of(proposal, "review:declare_proposal_conflict"), {"declaration": "no_conflict"}
    )
    assert declared.url == url
    page = client.get(url).content.decode()
    assert "Forums in Mopti decide" in page  # the proposal's answers, read-only
    assert 'data-weight="70"' in page
    assert "Plan (70%)" in page
    assert "Relevance" not in page  # not the EOI's rubric
    response = client.post(
        url,
        {
            f"score_{plan.pk}": "5",
            f"score_{budget.pk}": "3",
            "recommendation": "invite",
            "internal_comment": "",
            "applicant_feedback": "",
            "submit": "",
        },
    )

    assert response.status_code == 302
    review = Review.objects.get(reviewer=reviewer)
    assert (review.stage_id, review.status, float(review.total)) == (
        proposal.stage_id,
        Review.Status.SUBMITTED,
        85,  # 70·4/4 + 30·2/4
    )
    assert StageScore.objects.get(eoi=proposal.eoi).mean == 85
    assert not EOIScore.objects.exists()
    listed = client.get(reverse("review:assignments")).content.decode()
    assert url in listed
    assert f"{proposal.eoi.reference}-P" in listed


def test_a_conflict_declared_on_the_proposal_releases_it_and_holds_for_the_eoi(client, assigned):
    from review.models import Conflict

    proposal, reviewer = assigned
    client.force_login(reviewer)

    client.post(
        page_of(proposal, "review:declare_proposal_conflict"),
        {"reason": "I advise its lead", "declaration": "conflict"},
    )

    assert Conflict.objects.filter(eoi=proposal.eoi, reviewer=reviewer).exists()
    assert Assignment.objects.get(reviewer=reviewer).release_reason == "conflict"
    assert client.get(page_of(proposal)).status_code == 404


def test_another_reviewers_proposal_and_a_draft_are_no_page(
    client, assigned, make_proposal, make_reviewer, secretariat
):
    proposal, _reviewer = assigned
    draft = make_proposal(submit=False)
    # Assigned by hand: assign() refuses a draft (test above), the page must refuse it too.
    someone = make_reviewer()
    Assignment.objects.create(
        eoi=draft.eoi, reviewer=someone, stage=draft.stage, due_at=proposal.submitted_at
    )
    client.force_login(someone)

    assert client.get(page_of(proposal)).status_code == 404
    assert client.get(page_of(proposal, "review:declare_proposal_conflict")).status_code == 404
    assert client.get(page_of(draft)).status_code == 404
    # Assigned to the EOI round only: the proposal is not theirs either.
    Assignment.objects.create(eoi=proposal.eoi, reviewer=someone, due_at=proposal.submitted_at)
    assert client.get(page_of(proposal)).status_code == 404


def test_the_proposals_cleared_reviewer_downloads_its_files_the_eoi_rounds_does_not(
    client, make_proposal, make_reviewer, secretariat, settings, tmp_path
):
    from django.core.files.base import ContentFile

    from submissions.models import Attachment
    from tests.files import pdf_bytes

    settings.MEDIA_ROOT = tmp_path
    proposal = make_proposal()
    eoi = proposal.eoi
    attachment = Attachment.objects.create(
        eoi=eoi,
        proposal=proposal,
        question="registration",
        file=ContentFile(pdf_bytes(), name="statutes.pdf"),
        original_name="statutes.pdf",
        content_type="application/pdf",
        extension=".pdf",
        size=len(pdf_bytes()),
    )
    url = reverse("submissions:proposal_attachment", args=[eoi.uuid, attachment.pk])
    proposal_reviewer, eoi_reviewer = make_reviewer(), make_reviewer()
    (assignment,) = domain.assign([eoi], proposal_reviewer, secretariat, stage=proposal.stage)
    # The EOI round's cleared reviewer (assigned before the invitation).
    Assignment.objects.create(
        eoi=eoi,
        reviewer=eoi_reviewer,
        due_at=assignment.due_at,
        declaration=Assignment.Declaration.NO_CONFLICT,
        declared_at=assignment.due_at,
    )

    client.force_login(proposal_reviewer)
    assert client.get(url).status_code == 404  # no declaration yet: the files stay closed
    domain.declare_no_conflict(assignment, proposal_reviewer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    client.force_login(eoi_reviewer)
    assert client.get(url).status_code == 404


def test_a_proposal_reviewer_is_told_of_full_proposals_and_reminded_before_they_are_due(
    make_proposal, make_reviewer, secretariat, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    import time_machine
    from django.core import mail
    from django.utils import timezone

    proposal, reviewer = make_proposal(), make_reviewer()
    due = timezone.now() + timedelta(days=5)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        domain.assign([proposal.eoi], reviewer, secretariat, due_at=due, stage=proposal.stage)
    assert [m.subject for m in mail.outbox] == [
        f"1 full proposal to review for the {proposal.eoi.call.title}"
    ]
    mail.outbox.clear()

    with (
        time_machine.travel(due - timedelta(days=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert domain.remind_reviewers() == 1
        domain.remind_reviewers()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("Reminder: 1 review due")

    # Decided and released, the proposal is no longer up for review: nobody is reminded.
    mail.outbox.clear()
    # (As the release leaves it: the outcome released, the EOI's status the outcome's.)
    Decision.objects.create(
        eoi=proposal.eoi, stage=proposal.stage, outcome="not_selected", released_at=timezone.now()
    )
    type(proposal.eoi).objects.filter(pk=proposal.eoi_id).update(status="not_selected")
    with time_machine.travel(due - timedelta(hours=2), tick=False):
        assert domain.remind_reviewers() == 0
    assert mail.outbox == []


def test_the_secretariats_eoi_page_shows_the_proposals_reviews_beside_the_eois(
    client, second_round, secretariat
):
    (p1, _p2, _p3), (r1, r2), _ = second_round
    client.force_login(secretariat)

    page = client.get(reverse("review:secretariat_eoi", args=[p1.eoi.uuid])).content.decode()

    section = page[page.index('id="proposal-reviews"') :]
    section = section[: section.index("</table>")]
    assert str(r1) in section
    assert str(r2) in section
    assert "Plan (70%)" in section
    assert "Budget (30%)" in section
    # R1's total 100 and R2's 60, the stage's rubric's; not the EOI round's criteria.
    assert "<strong>100.00</strong>" in section
    assert "<strong>60.00</strong>" in section
    assert reverse("review:board", args=[p1.eoi.call.slug, p1.stage_id]) in page


def test_an_eoi_withdrawn_with_its_proposal_leaves_the_decided_eoi_rounds_figures_as_they_were(
    make_proposal, make_eoi, make_reviewer, secretariat
):
    from submissions import proposals
    from tests.review.test_scoring import score

    reviewer, first, second = make_reviewer(), make_eoi(), make_eoi()
    score(first, reviewer, secretariat, 5, 5)
    score(second, reviewer, secretariat, 2, 2)
    before = list(EOIScore.objects.order_by("eoi_id").values())
    proposal = make_proposal(eoi=first)
    score_proposal(proposal, make_reviewer(), secretariat, 4, 4)

    proposals.withdraw(proposal, first.owner)

    first.refresh_from_db()
    assert first.status == "withdrawn"
    # The EOI round was decided on these figures: they stay, its rank and the others' too.
    assert list(EOIScore.objects.order_by("eoi_id").values()) == before
    # The proposal round, still to decide, no longer counts the withdrawn proposal.
    assert not StageScore.objects.filter(eoi=first).exists()


def test_a_withdrawn_proposal_leaves_my_reviews_without_a_dead_link_and_odd_ids_are_404(
    client, make_proposal, make_reviewer, secretariat
):
    from submissions import proposals

    proposal, reviewer = make_proposal(), make_reviewer()
    domain.assign([proposal.eoi], reviewer, secretariat, stage=proposal.stage)
    page_url = reverse("review:review_proposal", args=[proposal.eoi.uuid, proposal.stage_id])
    client.force_login(reviewer)
    assert page_url in client.get(reverse("review:assignments")).content.decode()

    proposals.withdraw(proposal, proposal.eoi.owner)

    listed = client.get(reverse("review:assignments")).content.decode()
    assert page_url not in listed
    assert "Withdrawn by the applicant" in listed
    # A stage number no database holds is no page, not an error.
    for url in (
        reverse("review:review_proposal", args=[proposal.eoi.uuid, 2**70]),
        reverse("review:declare_proposal_conflict", args=[proposal.eoi.uuid, 2**70]),
    ):
        assert client.get(url).status_code == 404


def test_a_reviewers_load_counts_the_proposals_still_to_review(
    make_proposal, make_reviewer, secretariat
):
    first, second, reviewer = make_proposal(), make_proposal(), make_reviewer()
    for proposal in (first, second):
        domain.assign([proposal.eoi], reviewer, secretariat, stage=proposal.stage)

    def load():
        return domain.reviewers_with_load().get(pk=reviewer.pk).load

    assert load() == 2
    score_proposal(first, reviewer, secretariat, 4, 4)
    assert load() == 1
    Decision.objects.create(
        eoi=second.eoi, stage=second.stage, outcome="not_selected", released_at=second.updated_at
    )
    assert load() == 0
