"""A review sent with something missing comes back with every score and comment kept and each
missing item named: never a 500, whatever else the page shows (partners, attachments)."""

import re

import pytest
from django.urls import reverse

from review import domain
from review.models import Review
from tests.factories import add_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def eoi_with_partners(make_eoi, make_reviewer, secretariat):
    eoi = make_eoi(title="Forums in Mopti")
    add_partner(eoi, name="Association des Femmes", country="ML", role="Hosts the forums")
    add_partner(eoi, name="Radio Kledu", country="ML", role="Broadcasts them")
    reviewer = make_reviewer()
    (assignment,) = domain.assign([eoi], reviewer, secretariat)
    domain.declare_no_conflict(assignment, reviewer)
    return eoi, reviewer


def checked_values(page, name):
    return re.findall(rf'<input[^>]*name="{name}"[^>]*value="(\d+)"[^>]*checked', page)


def test_submitting_with_a_score_and_the_recommendation_missing_names_them_and_keeps_the_rest(
    client, eoi_with_partners
):
    eoi, reviewer = eoi_with_partners
    relevance, feasibility = eoi.call.rubric
    client.force_login(reviewer)
    url = reverse("review:review_eoi", args=[eoi.uuid])

    response = client.post(
        url,
        {
            f"score_{relevance.pk}": "4",
            f"comment_{relevance.pk}": "Clear link to challenge 3",
            f"comment_{feasibility.pk}": "Timeline is tight",
            "internal_comment": "Strong local anchoring",
            "applicant_feedback": "Well argued.",
            "submit": "",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    summary = page.split('id="error-summary"')[1].split("</ul>")[0]
    assert "Feasibility (40%)</a>: Give a score to submit the review." in summary
    assert "Recommendation</a>: Choose a recommendation to submit the review." in summary
    assert "Relevance" not in summary
    assert checked_values(page, f"score_{relevance.pk}") == ["4"]
    for typed in ("Clear link to challenge 3", "Timeline is tight", "Strong local anchoring"):
        assert typed in page
    assert "Association des Femmes" in page  # the answers beside the form are still there
    assert not Review.objects.filter(status=Review.Status.SUBMITTED).exists()


def test_a_draft_may_leave_things_out_and_submitting_it_complete_works(client, eoi_with_partners):
    eoi, reviewer = eoi_with_partners
    relevance, feasibility = eoi.call.rubric
    client.force_login(reviewer)
    url = reverse("review:review_eoi", args=[eoi.uuid])

    draft = client.post(url, {f"score_{relevance.pk}": "2", "save": ""})
    complete = client.post(
        url,
        {
            f"score_{relevance.pk}": "4",
            f"score_{feasibility.pk}": "5",
            "recommendation": "invite",
            "submit": "",
        },
    )

    assert (draft.status_code, complete.status_code) == (302, 302)
    assert Review.objects.get(reviewer=reviewer).status == Review.Status.SUBMITTED


def test_a_score_out_of_the_scale_is_named_once(client, eoi_with_partners):
    eoi, reviewer = eoi_with_partners
    relevance, feasibility = eoi.call.rubric
    client.force_login(reviewer)

    response = client.post(
        reverse("review:review_eoi", args=[eoi.uuid]),
        {f"score_{relevance.pk}": "9", f"score_{feasibility.pk}": "\x00", "submit": ""},
    )

    assert response.status_code == 200
    summary = response.content.decode().split('id="error-summary"')[1].split("</ul>")[0]
    assert summary.count("Relevance (60%)</a>") == 1
    assert "Select a valid choice" in summary
