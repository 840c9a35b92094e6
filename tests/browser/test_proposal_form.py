"""An invited applicant writes and submits their full proposal in a real browser, on a phone."""

import pytest
from playwright.sync_api import expect

from submissions.models import Proposal
from tests.browser import pages
from tests.browser.pages import autosave_answer
from tests.factories import ApplicantFactory
from tests.submissions.proposal_helpers import COMPLETE, invited_eoi

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


def test_the_invited_applicant_writes_and_submits_the_full_proposal(live_server, phone):
    applicant = ApplicantFactory()
    eoi = invited_eoi(owner=applicant)
    origin = live_server.url
    pages.sign_in(phone.context, origin, applicant)

    # The invitation is on the applicant's dashboard, with the way in.
    phone.goto(origin + "/eois/")
    expect(phone.get_by_text("You are invited to submit a full proposal.")).to_be_visible()
    phone.get_by_role("link", name="Open the full proposal").click()
    phone.get_by_role("link", name="Write the full proposal").click()
    expect(phone.get_by_role("heading", name="Recap", exact=True)).to_be_visible()
    # Started with what the EOI says.
    expect(phone.get_by_label("Summary")).to_have_value(eoi.answers["summary"])
    problems = pages.inspect(phone, "proposal-step", origin=origin)

    phone.get_by_role("link", name="Description").click()
    with autosave_answer(phone, "Forums decide") as saved:
        phone.get_by_label("Project description").press_sequentially("Forums decide", delay=20)
    assert saved.value.ok
    expect(phone.locator("[data-save-status]")).to_contain_text("Saved at")
    proposal = Proposal.objects.get(eoi=eoi)
    assert proposal.answers["description"] == "Forums decide"

    # The repeating rows are the EOI's own forms, tested there: given here as saved.
    Proposal.objects.filter(pk=proposal.pk).update(answers={**proposal.answers, **COMPLETE})
    phone.get_by_role("link", name="Review and submit").click()
    expect(phone.get_by_role("heading", name="Review and submit", exact=True)).to_be_visible()
    expect(phone.locator("#missing")).to_have_count(0)
    problems += pages.inspect(phone, "proposal-submit", origin=origin)
    phone.get_by_label("The information in this full proposal is accurate").check()
    phone.get_by_label("I agree that the Secretariat").check()
    phone.get_by_role("button", name="Submit my full proposal").click()

    expect(phone.get_by_text(f"{eoi.reference}-P")).to_be_visible()
    problems += pages.inspect(phone, "proposal-receipt", origin=origin)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert problems == []
