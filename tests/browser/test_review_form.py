"""A reviewer scores an EOI in a real browser: the weighted total follows the choices."""

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import REVIEWERS, SECRETARIAT
from review import domain
from review.models import Review, eoi_rubric
from submissions.kmf2021 import load_2021_call
from tests.browser.pages import enter_authenticator_code
from tests.factories import ApplicantFactory, EOIFactory, give_role

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


def test_a_reviewer_scores_and_submits_with_a_running_total(live_server, browser):
    call, _ = load_2021_call()
    eoi = EOIFactory(
        call=call,
        status="under_review",
        reference="KMF21-0001",
        challenges=[call.challenges.first()],
    )
    reviewer = ApplicantFactory(name="Jonas de Vries")
    give_role(reviewer, REVIEWERS)
    secretariat = ApplicantFactory()
    give_role(secretariat, SECRETARIAT)
    domain.assign([eoi], reviewer, secretariat)

    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill(reviewer.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in", exact=True).click()
    enter_authenticator_code(page, reviewer.totp_secret)
    page.goto(live_server.url + "/review/")
    page.get_by_role("link", name=re.compile("KMF21-0001")).click()
    page.get_by_role("button", name="No conflict — open the application").click()

    total = page.locator("[data-running-total]")
    expect(total).to_have_text("—")
    relevance, ownership, feasibility, innovation, uptake = eoi_rubric(call)

    def choose(criterion, value):
        page.locator(f"input[name=score_{criterion.pk}][value='{value}']").check()

    choose(relevance, 5)  # 25% · 4/4 = 25
    expect(total).to_have_text("25.00")
    choose(ownership, 4)  # 25% · 3/4 = 18.75
    expect(total).to_have_text("43.75")
    choose(feasibility, 3)  # 20% · 2/4 = 10
    choose(innovation, 2)  # 15% · 1/4 = 3.75
    choose(uptake, 5)  # 15% · 4/4 = 15
    expect(total).to_have_text("72.50")
    assert page.get_by_label("5 · Excellent").first.is_checked()

    page.get_by_label("Recommendation").select_option("invite")
    page.get_by_role("button", name="Submit review").click()
    expect(page.get_by_text("Your review is saved.")).to_be_visible()

    review = Review.objects.get()
    assert review.status == Review.Status.SUBMITTED
    assert float(review.total) == 72.5
    context.close()
