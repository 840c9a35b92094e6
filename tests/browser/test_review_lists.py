"""The Secretariat's lists of a call's reviews and assignments on a 360-px phone, by keyboard,
in English and French: reached from the dashboard, filtered, sorted by a header, a view saved
on one list and not shown on the other; no serious axe violation and no sideways scrolling."""

import pytest
from playwright.sync_api import expect

from accounts.roles import REVIEWERS, SECRETARIAT
from review import domain
from review.models import Criterion
from tests.browser.pages import inspect, record, sign_in
from tests.factories import ApplicantFactory, CallFactory, EOIFactory, give_role

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}}
WORDS = {
    "en": {
        "all reviews": "All reviews",
        "assignments": "Assignments",
        "filter": "Search and filter",
        "status": "Status",
        "draft": "Draft",
        "apply": "Apply",
        "reviewer": "Reviewer",
        "save as": "Save this view as",
        "save": "Save",
        "not started": "Not started",
    },
    "fr": {
        "all reviews": "Toutes les évaluations",
        "assignments": "Attributions",
        "filter": "Rechercher et filtrer",
        "status": "Statut",
        "draft": "Brouillon",
        "apply": "Appliquer",
        "reviewer": "Évaluateur",
        "save as": "Enregistrer cette vue sous le nom",
        "save": "Enregistrer",
        "not started": "Non commencée",
    },
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_reviews_and_assignments_lists_by_keyboard(site, browser, language):
    words = WORDS[language]
    call = CallFactory(reference_prefix="KMF21")
    rubric = [Criterion.objects.create(call=call, position=1, title="Relevance", weight=100)]
    secretariat = give_role(ApplicantFactory(preferred_language=language), SECRETARIAT)
    ada = give_role(ApplicantFactory(name="Ada Okafor"), REVIEWERS)
    bo = give_role(ApplicantFactory(name="Bo Lindqvist"), REVIEWERS)
    alpha, bravo = (
        EOIFactory(call=call, status="under_review", reference=f"KMF21-000{n}", title=title)
        for n, title in [(1, "Alpha forums"), (2, "Bravo radio")]
    )
    for reviewer, submit in [(ada, True), (bo, False)]:
        (assignment,) = domain.assign([alpha], reviewer, secretariat)
        domain.declare_no_conflict(assignment, reviewer)
        scores = dict.fromkeys(rubric, (3, ""))
        domain.save_review(assignment, reviewer, scores, "invite", "", "", submit=submit)
    domain.assign([bravo], bo, secretariat)
    context = browser.new_context(**PHONE, locale=language)
    sign_in(context, site.url, secretariat)
    page = record(context.new_page())
    problems = []

    page.goto(f"{site.url}/review/calls/{call.slug}/")
    page.get_by_role("link", name=words["all reviews"], exact=True).focus()
    page.keyboard.press("Enter")
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(2)
    problems += inspect(page, f"{language}-review-list", origin=site.url)

    page.get_by_text(words["filter"], exact=True).first.click()
    page.get_by_role("combobox", name=words["status"], exact=True).select_option("draft")
    page.get_by_role("button", name=words["apply"]).press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Bo Lindqvist")
    expect(rows.first).to_contain_text(words["draft"])
    page.get_by_label(words["save as"]).fill("Drafts")
    page.get_by_role("button", name=words["save"], exact=True).press("Enter")
    expect(page.get_by_role("link", name="Drafts", exact=True)).to_be_visible()
    problems += inspect(page, f"{language}-review-list-filtered", origin=site.url)

    page.get_by_role("link", name=words["assignments"], exact=True).first.click()
    expect(rows).to_have_count(3)
    expect(page.get_by_role("link", name="Drafts", exact=True)).to_have_count(0)
    page.get_by_role("link", name=words["reviewer"], exact=True).focus()
    page.keyboard.press("Enter")
    header = page.get_by_role("columnheader", name=words["reviewer"], exact=True)
    expect(header).to_have_attribute("aria-sort", "ascending")
    expect(rows.first).to_contain_text("Ada Okafor")
    expect(rows.last).to_contain_text(words["not started"])
    problems += inspect(page, f"{language}-assignment-list", origin=site.url)
    context.close()
    assert problems == [], "\n".join(problems)
