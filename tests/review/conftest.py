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
