"""The deadline crowd's requests (bench/locustfile.py: a step page, autosaves, the submission)
cost a fixed number of queries: every one saved is CPU the server has in the last minutes."""

import pytest
from django.urls import reverse

from submissions.models import ExpressionOfInterest
from tests.factories import EOIFactory
from tests.files import attach_budget

pytestmark = pytest.mark.django_db

# As the page's script sends the project step while the applicant types.
TYPED = {
    "title": "Last-minute forums",
    "summary": "Local forums decide which disputes matter.",
    "problem_context": "Donor-defined programmes leave little room for local choice.",
    "activities_timeline": "Months 1-3: forums. Months 4-9: exchanges and a report.",
    "outcomes_uptake": "A playbook shared with donors and the Platform community.",
    "countries": ["ML", "BF"],
    "duration_months": "9",
}


@pytest.fixture
def draft(call, applicant):
    eoi = attach_budget(EOIFactory(call=call, owner=applicant))
    eoi.refresh_from_db()
    return eoi


def test_an_autosave_costs_a_fixed_number_of_queries(
    applicant_client, draft, django_assert_num_queries
):
    autosave = reverse("submissions:eoi_autosave", args=[draft.uuid, "project"])
    # Session, the user with their roles (accounts.backends: their groups were one more); the
    # EOI with its extension; the update in its transaction.
    with django_assert_num_queries(6):
        body = applicant_client.post(autosave, {"version": draft.version, **TYPED}).json()

    draft.refresh_from_db()
    assert body["version"] == draft.version
    assert body["errors"] == {}
    assert draft.title == "Last-minute forums"
    assert draft.answers["duration_months"] == 9


def test_submitting_costs_a_fixed_number_of_queries(
    applicant_client, applicant, call, draft, django_assert_num_queries
):
    declared = {"declares_accuracy": "on", "declares_consent": "on"}
    # A first submission fills what a worker keeps from one request to the next (the content
    # types of the audit trail...): the count does not depend on the tests run before.
    first = attach_budget(EOIFactory(call=call, owner=applicant))
    applicant_client.post(reverse("submissions:eoi_step", args=[first.uuid, "submit"]), declared)

    submit = reverse("submissions:eoi_step", args=[draft.uuid, "submit"])
    # 30 when the user's groups were read apart from the user.
    with django_assert_num_queries(29):
        response = applicant_client.post(submit, declared)

    assert response["Location"] == reverse("submissions:eoi_receipt", args=[draft.uuid])
    draft.refresh_from_db()
    assert draft.status == ExpressionOfInterest.Status.SUBMITTED
    assert draft.reference == "KMF21-0002"


def test_a_step_page_costs_a_fixed_number_of_queries(
    applicant_client, draft, django_assert_num_queries
):
    page = reverse("submissions:eoi_step", args=[draft.uuid, "project"])
    applicant_client.get(page)  # remembers the step: the next look writes nothing
    # Session, the user with their roles (accounts.backends: their groups were one more); the
    # EOI with its extension; what is missing (the files, the challenges); the step's documents.
    with django_assert_num_queries(6):
        response = applicant_client.get(page)

    assert response.status_code == 200
    assert f'name="version" value="{draft.version}"' in response.content.decode()
