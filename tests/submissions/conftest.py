import pytest

from tests.factories import EOIFactory


@pytest.fixture
def eoi(applicant):
    """A complete draft of the signed-in applicant's."""
    return EOIFactory(owner=applicant)
