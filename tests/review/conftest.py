from datetime import timedelta

import pytest
import time_machine

from accounts.roles import REVIEWERS, SECRETARIAT
from review.models import Criterion
from submissions.models import ExpressionOfInterest
from tests.factories import ApplicantFactory, CallFactory, EOIFactory, give_role


@pytest.fixture
def rubric_call(db):
    """A call scored 1–5 on two criteria weighted 60 and 40."""
    call = CallFactory(reference_prefix="KMF21", disagreement_threshold=25)
    call.rubric = [
        Criterion.objects.create(call=call, position=1, title="Relevance", weight=60),
        Criterion.objects.create(call=call, position=2, title="Feasibility", weight=40),
    ]
    return call


def in_group(group, **fields):
    person = ApplicantFactory(**fields)
    give_role(person, group)
    return person


@pytest.fixture
def make_reviewer(db):
    return lambda **fields: in_group(REVIEWERS, **fields)


@pytest.fixture
def secretariat(db):
    return in_group(SECRETARIAT, name="Sanne Bakker", is_staff=True)


@pytest.fixture
def make_eoi(rubric_call):
    counter = iter(range(1, 1000))

    def make(**fields):
        number = next(counter)
        fields.setdefault("status", ExpressionOfInterest.Status.UNDER_REVIEW)
        return EOIFactory(call=rubric_call, reference=f"KMF21-{number:04d}", **fields)

    return make


@pytest.fixture
def after_the_deadline(rubric_call):
    """The clock a day past the call's deadline, when the Secretariat decides (ask for it after
    the fixtures that build EOIs before the deadline)."""
    with time_machine.travel(rubric_call.closes_at + timedelta(days=1), tick=True):
        yield


@pytest.fixture
def proposal_stage(rubric_call):
    """The call's full-proposal stage, reviewed on its own rubric: plan 70, budget 30."""
    from submissions.models import Stage
    from tests.submissions.proposal_helpers import add_proposal_stage

    stage = add_proposal_stage(rubric_call)
    Stage.objects.filter(pk=stage.pk).update(reviewed=True)
    stage.refresh_from_db()
    stage.rubric = [
        Criterion.objects.create(
            call=rubric_call, stage=stage, position=1, title="Plan", weight=70
        ),
        Criterion.objects.create(
            call=rubric_call, stage=stage, position=2, title="Budget", weight=30
        ),
    ]
    return stage


@pytest.fixture
def make_proposal(proposal_stage, make_eoi, secretariat):
    """An EOI (a new one, or `eoi`) invited to the full proposal, its proposal submitted
    (`submit=False`: a draft)."""
    from submissions import proposals
    from submissions.models import Proposal
    from tests.submissions.proposal_helpers import COMPLETE, DECLARED, invite

    def make(submit=True, eoi=None):
        eoi = invite(eoi or make_eoi(), secretariat)
        proposal = Proposal.objects.get(eoi=eoi, stage=proposal_stage)
        if submit:
            Proposal.objects.filter(pk=proposal.pk).update(answers={**proposal.answers, **COMPLETE})
            proposals.submit(Proposal.objects.get(pk=proposal.pk), eoi.owner, DECLARED)
        return Proposal.objects.select_related("eoi__call", "stage").get(pk=proposal.pk)

    return make
