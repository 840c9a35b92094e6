from decimal import Decimal

import pytest

from accounts.roles import SECRETARIAT
from submissions.models import ExpressionOfInterest, Stage
from tests.factories import ApplicantFactory, CallFactory, EOIFactory, give_role

Status = ExpressionOfInterest.Status


@pytest.fixture
def award_call(db):
    """A call granting at most €20,000, with €50,000 available, whose award stage (its dates not
    announced: decided as soon as an EOI is in it) follows the EOI."""
    call = CallFactory(
        reference_prefix="KMF21", max_amount=Decimal("20000"), budget_available=Decimal("50000")
    )
    Stage.objects.create(call=call, order=1, kind=Stage.Kind.EXPRESSION_OF_INTEREST)
    Stage.objects.create(call=call, order=4, kind=Stage.Kind.AWARD)
    return call


@pytest.fixture
def secretariat(db):
    person = ApplicantFactory(name="Sanne Bakker", is_staff=True)
    give_role(person, SECRETARIAT)
    return person


@pytest.fixture
def make_eoi(award_call):
    counter = iter(range(1, 1000))

    def make(**fields):
        fields.setdefault("status", Status.RECOMMENDED)
        fields.setdefault("call", award_call)
        if fields["status"] in (Status.RECOMMENDED, Status.AWARDED):
            # Recommended for an award: in the call's award stage, as the lifecycle leaves it.
            fields.setdefault("stage", fields["call"].stages.filter(kind=Stage.Kind.AWARD).first())
        return EOIFactory(reference=f"KMF21-{next(counter):04d}", **fields)

    return make
