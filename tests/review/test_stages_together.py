"""Where the later stages meet: the lifecycle's stages, the full proposal's deadline, the
interviews and the grants (issue 15). Each was built apart; these hold them together."""

from datetime import timedelta
from decimal import Decimal

import pytest

from awards import domain as awards_domain
from interviews import domain as interviews_domain
from review import domain
from review.models import Decision
from submissions.lifecycle import DomainError
from submissions.models import ExpressionOfInterest, Extension, Stage

from .test_stage_decisions import add_stages

pytestmark = pytest.mark.django_db
Status = ExpressionOfInterest.Status
EOI, PROPOSAL, INTERVIEW, AWARD = Stage.Kind


def decide_and_release(eoi, outcome, secretariat, now):
    domain.decide(eoi, outcome, secretariat, now=now)
    domain.release(Decision.objects.filter(eoi=eoi), secretariat, now=now)
    return ExpressionOfInterest.objects.select_related("stage").get(pk=eoi.pk)


def test_a_proposal_recommended_for_an_award_skips_the_interview(
    rubric_call, make_eoi, secretariat
):
    stages = add_stages(rubric_call, PROPOSAL, INTERVIEW, AWARD)
    eoi = make_eoi()
    eoi = decide_and_release(eoi, Status.INVITED, secretariat, rubric_call.closes_at + timedelta(1))
    after_proposal = stages[PROPOSAL].closes_at + timedelta(minutes=1)

    eoi = decide_and_release(eoi, Status.RECOMMENDED, secretariat, after_proposal)

    # The interview stage decides the invited and the shortlisted only: the award's is next.
    assert (eoi.status, eoi.stage) == (Status.RECOMMENDED, stages[AWARD])
    awards_domain.record_grant(eoi, Decimal("12000"), "", secretariat)
    eoi = decide_and_release(eoi, Status.AWARDED, secretariat, after_proposal)
    assert eoi.status == Status.AWARDED


def test_the_proposal_stage_is_decided_after_the_applicants_extension(
    rubric_call, make_eoi, secretariat
):
    stages = add_stages(rubric_call, PROPOSAL, INTERVIEW)
    eoi = make_eoi()
    eoi = decide_and_release(eoi, Status.INVITED, secretariat, rubric_call.closes_at + timedelta(1))
    extended = stages[PROPOSAL].closes_at + timedelta(days=5)
    Extension.objects.create(call=rubric_call, applicant=eoi.owner, until=extended)

    # The applicant may still write their proposal: nothing is decided yet.
    with pytest.raises(DomainError, match="decide after that"):
        domain.decide(eoi, Status.SHORTLISTED, secretariat, now=extended - timedelta(days=1))
    eoi = decide_and_release(eoi, Status.SHORTLISTED, secretariat, extended + timedelta(minutes=1))
    assert (eoi.status, eoi.stage) == (Status.SHORTLISTED, stages[INTERVIEW])


def test_a_proposal_stage_without_a_deadline_is_not_decided(rubric_call, make_eoi, secretariat):
    add_stages(rubric_call, PROPOSAL, dated=())
    eoi = make_eoi()
    eoi = decide_and_release(eoi, Status.INVITED, secretariat, rubric_call.closes_at + timedelta(1))

    with pytest.raises(DomainError, match="deadline is not announced yet"):
        domain.decide(
            eoi, Status.NOT_SELECTED, secretariat, now=rubric_call.closes_at + timedelta(9)
        )
    assert not Decision.objects.filter(eoi=eoi, stage__kind=PROPOSAL).exists()


def test_with_no_proposal_stage_the_invited_book_an_interview_and_hold_a_grant(
    rubric_call, make_eoi, secretariat
):
    stages = add_stages(rubric_call, INTERVIEW, AWARD, dated=())
    after = rubric_call.closes_at + timedelta(days=1)
    first, second = make_eoi(), make_eoi()
    first = decide_and_release(first, Status.INVITED, secretariat, after)
    assert first.stage == stages[INTERVIEW]

    (slot,) = interviews_domain.offer_slots(
        stages[INTERVIEW], [after + timedelta(days=30)], duration_minutes=30, location="Room 4",
        video_url="", interviewers=[], actor=secretariat,
    )  # fmt: skip
    booking = interviews_domain.book(first, slot.pk, first.owner)
    assert booking.slot == slot

    # Invited to the interview, then recommended: in the award stage, it holds a grant there.
    first = decide_and_release(first, Status.RECOMMENDED, secretariat, after)
    assert first.stage == stages[AWARD]
    assert awards_domain.record_grant(first, Decimal("5000"), "", secretariat).amount == 5000
    # An EOI still in the EOI stage does neither.
    with pytest.raises(DomainError, match="shortlisted for interview"):
        interviews_domain.book(second, slot.pk, second.owner)
    with pytest.raises(DomainError, match="no grant can be recorded"):
        awards_domain.record_grant(second, Decimal("5000"), "", secretariat)
