"""The searchable countries: a text box that filters them, where scripts run; the plain
select where they do not. The form posts the same either way."""

import pytest
from playwright.sync_api import expect

from accounts.roles import REVIEWERS
from review.models import ReviewerExpertise
from submissions.kmf2021 import load_2021_call
from submissions.models import ExpressionOfInterest
from tests.browser.pages import inspect, record, sign_in
from tests.factories import ApplicantFactory, give_role

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


def phone_context(browser, scripts=True):
    return browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=scripts)


def chosen_countries(reviewer):
    return [country.code for country in ReviewerExpertise.objects.get(reviewer=reviewer).countries]


@pytest.mark.parametrize(
    ("language", "label", "save", "matches"),
    [
        ("en", "Countries you know well", "Save", "{} countries match"),
        ("fr", "Pays que vous connaissez bien", "Enregistrer", "{}\u00a0pays correspondent"),
    ],
)
def test_a_reviewer_finds_mali_by_typing_and_picks_it_by_keyboard(
    live_server, browser, language, label, save, matches
):
    load_2021_call()
    reviewer = give_role(ApplicantFactory(preferred_language=language), REVIEWERS)
    context = phone_context(browser)
    page = record(context.new_page())
    sign_in(context, live_server.url, reviewer)
    page.goto(live_server.url + "/review/expertise/")

    search = page.get_by_role("combobox", name=label)
    expect(page.locator("select[name=countries]")).to_be_hidden()
    search.focus()
    page.keyboard.type("mal")
    # Those whose name starts with it first (Malawi, Malaysia, Maldives, Mali, Malta), then
    # those that contain it (Guatemala, Somalia…); the first is the active one.
    options = page.get_by_role("listbox").get_by_role("option")
    live = page.locator(".country-picker [aria-live]")
    expect(live).not_to_be_empty()  # said once the typing has been filtered
    names = options.all_inner_texts()
    assert all(name.startswith("Mal") for name in names[:5])
    assert len(names) > 5
    assert not any(name.startswith("Mal") for name in names[5:])
    expect(live).to_have_text(matches.format(len(names)))
    mali = names.index("Mali")
    for _ in range(mali):
        page.keyboard.press("ArrowDown")
    expect(search).to_have_attribute("aria-activedescendant", options.nth(mali).get_attribute("id"))
    page.keyboard.press("Enter")  # picks Mali and empties the box; does not send the form
    expect(search).to_have_value("")
    expect(page.get_by_role("option", name="Mali", exact=True)).to_have_attribute(
        "aria-selected", "true"
    )
    chip = page.locator(".country-chips").get_by_role("button")
    expect(chip).to_have_count(1)
    expect(chip).to_contain_text("Mali")
    assert inspect(page, f"country-picker-{language}", origin=live_server.url) == []

    # Its button takes it back, by keyboard too; Enter picks it again.
    chip.focus()
    page.keyboard.press("Enter")
    expect(chip).to_have_count(0)
    expect(search).to_be_focused()
    page.keyboard.type("mali")
    page.keyboard.press("Enter")
    expect(chip).to_have_count(1)

    page.get_by_role("button", name=save, exact=True).click()
    expect(page).to_have_url(live_server.url + "/review/")
    assert chosen_countries(reviewer) == ["ML"]
    assert page.console_errors == []
    context.close()


def test_without_scripts_the_plain_select_still_saves(live_server, browser):
    load_2021_call()
    reviewer = give_role(ApplicantFactory(), REVIEWERS)
    context = phone_context(browser, scripts=False)
    page = context.new_page()
    sign_in(context, live_server.url, reviewer)
    page.goto(live_server.url + "/review/expertise/")

    expect(page.get_by_role("combobox")).to_have_count(0)
    page.get_by_label("Countries you know well").select_option(["ML", "BF"])
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page).to_have_url(live_server.url + "/review/")
    assert sorted(chosen_countries(reviewer)) == ["BF", "ML"]
    context.close()


@pytest.mark.parametrize("scripts", [True, False])
def test_the_eoi_countries_question_saves_with_and_without_scripts(live_server, browser, scripts):
    call, _ = load_2021_call()
    applicant = ApplicantFactory()
    eoi = ExpressionOfInterest.objects.create(call=call, owner=applicant)
    context = phone_context(browser, scripts)
    page = record(context.new_page())
    sign_in(context, live_server.url, applicant)
    page.goto(f"{live_server.url}/eois/{eoi.uuid}/project/")

    if scripts:
        search = page.get_by_role("combobox", name="Countries of focus")
        search.focus()
        page.keyboard.type("burk")
        page.keyboard.press("Enter")
        page.keyboard.type("mali")
        page.keyboard.press("Enter")
    else:
        expect(page.get_by_role("combobox")).to_have_count(0)
        page.get_by_label("Countries of focus").select_option(["BF", "ML"])
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("Saved.")).to_be_visible()
    eoi.refresh_from_db()
    assert sorted(country.code for country in eoi.countries) == ["BF", "ML"]
    assert page.console_errors == []
    context.close()
