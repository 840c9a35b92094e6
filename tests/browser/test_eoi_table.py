"""The Secretariat's EOI list on a 360-px phone, by keyboard, in English and French: a header
sorts it and says so, columns are left out, and a view is saved and reopened; no serious axe
violation and no sideways scrolling on the way."""

import re

import pytest
from playwright.sync_api import expect

from accounts.roles import SECRETARIAT
from review.models import SavedView
from tests.browser.pages import inspect, record, sign_in
from tests.factories import ApplicantFactory, CallFactory, EOIFactory, give_role

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}}
WORDS = {
    "en": {
        "title": "Title",
        "columns": "Columns shown",
        "median": "Median",
        "show": "Show these columns",
        "save as": "Save this view as",
        "save": "Save",
    },
    "fr": {
        "title": "Titre",
        "columns": "Colonnes affichées",
        "median": "Médiane",
        "show": "Afficher ces colonnes",
        "save as": "Enregistrer cette vue sous le nom",
        "save": "Enregistrer",
    },
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_sort_choose_columns_and_save_a_view_by_keyboard(site, browser, language):
    words = WORDS[language]
    call = CallFactory(reference_prefix="KMF21")
    for number, title in enumerate(["Bravo radio", "Alpha forums"], start=1):
        EOIFactory(call=call, status="under_review", reference=f"KMF21-{number:04d}", title=title)
    secretariat = give_role(ApplicantFactory(preferred_language=language), SECRETARIAT)
    context = browser.new_context(**PHONE, locale=language)
    sign_in(context, site.url, secretariat)
    page = record(context.new_page())
    problems = []

    page.goto(f"{site.url}/review/calls/{call.slug}/eois/")
    rows = page.locator("tbody tr")
    expect(rows.first).to_contain_text("Bravo radio")

    # The header's link is reached and followed by keyboard; the header then says the order.
    title = page.get_by_role("link", name=words["title"], exact=True)
    title.focus()
    page.keyboard.press("Enter")
    expect(rows.first).to_contain_text("Alpha forums")
    header = page.get_by_role("columnheader", name=words["title"], exact=True)
    expect(header).to_have_attribute("aria-sort", "ascending")
    problems += inspect(page, f"{language}-eoi-list-sorted", origin=site.url)

    page.get_by_text(words["columns"], exact=True).first.click()
    page.get_by_role("checkbox", name=words["median"], exact=True).uncheck()
    page.get_by_role("button", name=words["show"]).press("Enter")
    expect(page).to_have_url(re.compile(r"sort=title"))
    expect(page.get_by_role("columnheader", name=words["median"], exact=True)).to_have_count(0)

    page.get_by_label(words["save as"]).fill("Alphabetical")
    page.get_by_role("button", name=words["save"], exact=True).press("Enter")
    saved = page.get_by_role("link", name="Alphabetical", exact=True)
    expect(saved).to_be_visible()
    problems += inspect(page, f"{language}-eoi-list-saved-view", origin=site.url)

    page.goto(f"{site.url}/review/calls/{call.slug}/eois/")
    expect(rows.first).to_contain_text("Bravo radio")
    page.get_by_role("link", name="Alphabetical", exact=True).click()
    expect(rows.first).to_contain_text("Alpha forums")
    expect(page.get_by_role("columnheader", name=words["median"], exact=True)).to_have_count(0)
    assert SavedView.objects.get(owner=secretariat).query == (
        "sort=title&columns=title&columns=status&columns=stage&columns=reviews&columns=mean"
        "&columns=spread"
        "&columns=rank&columns=decision&columns=local_share&columns=partners"
    )
    context.close()
    assert problems == [], "\n".join(problems)
