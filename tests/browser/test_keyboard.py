"""The EOI by keyboard alone: every control is reached with Tab, shows where the focus is, and
a refused step lists its problems with links to the fields."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from submissions.kmf2021 import load_2021_call
from submissions.models import ExpressionOfInterest
from tests.browser.pages import record, sign_in
from tests.factories import ApplicantFactory, CallFactory, EOIFactory
from tests.files import pdf_bytes

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

FOCUS_SHOWN = """() => {
    const style = getComputedStyle(document.activeElement);
    return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
        || style.boxShadow !== "none";
}"""


class Keyboard:
    """Moves through a page with Tab only, checking at every stop that the focus is visible."""

    def __init__(self, page):
        self.page = page
        self.unseen_focus = []

    def focused(self, selector):
        return self.page.evaluate("selector => document.activeElement.matches(selector)", selector)

    def tab_to(self, selector, limit=80):
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            if not self.page.evaluate(FOCUS_SHOWN):
                self.unseen_focus.append(
                    self.page.evaluate("document.activeElement.outerHTML.slice(0, 120)")
                )
            if self.focused(selector):
                return
        raise AssertionError(f"Tab never reached {selector} on {self.page.url}")

    def type_into(self, selector, text):
        self.tab_to(selector)
        self.page.keyboard.type(text)

    def press_on(self, selector, key="Enter"):
        self.tab_to(selector)
        self.page.keyboard.press(key)


def test_an_applicant_fills_in_and_submits_an_eoi_by_keyboard_alone(live_server, browser, tmp_path):
    call, _ = load_2021_call()
    applicant = ApplicantFactory()
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = record(context.new_page())
    sign_in(context, live_server.url, applicant)
    keys = Keyboard(page)
    budget = tmp_path / "budget.pdf"
    budget.write_bytes(pdf_bytes())
    # Listening from the start makes Playwright intercept the chooser before any key opens it.
    page.on("filechooser", lambda chooser: chooser.set_files(budget))
    page.goto(live_server.url + call.get_absolute_url())

    keys.press_on("form[action$='/apply/'] button")
    expect(page.get_by_role("heading", name="Organisation", exact=True)).to_be_visible()
    keys.type_into("#id_organisation_name", "Réseau Justice Locale")
    keys.type_into("#id_organisation_type", "Local")  # a closed list picks by typing
    keys.type_into("#id_organisation_country", "Mali")
    keys.press_on("button[value=next]")

    expect(page.get_by_role("heading", name="Project", exact=True)).to_be_visible()
    keys.type_into("#id_title", "Community justice forums")
    keys.type_into("#id_summary", "Local forums decide what matters.")
    keys.type_into("#id_problem_context", "Donor priorities crowd out local ones.")
    keys.type_into("#id_activities_timeline", "Forums, then exchanges.")
    keys.type_into("#id_outcomes_uptake", "A playbook for donors.")
    keys.type_into("#id_countries", "Mali")  # the searchable list: Enter picks the match
    page.keyboard.press("Enter")
    keys.type_into("#id_duration_months", "9")
    keys.press_on("button[value=next]")

    expect(page.get_by_role("heading", name="Challenges and asymmetry")).to_be_visible()
    keys.press_on("#id_challenges_2", " ")
    keys.type_into("#id_asymmetry", "Budget decisions move to the forums.")
    keys.press_on("button[value=next]")

    expect(page.get_by_role("heading", name="Partners and budget")).to_be_visible()
    keys.type_into("#id_budget_requested", "18000")
    keys.type_into("#id_personnel_share", "25")
    keys.press_on("button[value=next]")

    expect(page.get_by_role("heading", name="Attachments", exact=True)).to_be_visible()
    keys.press_on("#id_budget", " ")  # opens the file chooser, answered above
    expect(page.locator("#id_budget")).to_have_value(re.compile(r"budget\.pdf$"))
    keys.press_on("button[value=next]")

    expect(page.get_by_role("heading", name="Review and submit")).to_be_visible()
    expect(page.locator("#missing")).to_have_count(0)
    keys.press_on("#id_declares_accuracy", " ")
    keys.press_on("#id_declares_consent", " ")
    keys.press_on("form.mt-4 button[type=submit]")

    expect(page).to_have_url(re.compile(r"/receipt/$"))
    expect(page.get_by_text("KMF21-0001").first).to_be_visible()
    eoi = ExpressionOfInterest.objects.get(owner=applicant)
    assert eoi.status == ExpressionOfInterest.Status.SUBMITTED
    assert [country.code for country in eoi.countries] == ["ML"]
    assert keys.unseen_focus == []
    assert page.console_errors == []
    context.close()


def test_a_refused_step_lists_each_problem_with_a_link_to_its_field(live_server, phone):
    call = CallFactory(max_duration_months=9)
    eoi = EOIFactory(call=call)
    sign_in(phone.context, live_server.url, eoi.owner)
    phone.goto(f"{live_server.url}/eois/{eoi.uuid}/project/")

    phone.locator("#id_duration_months").fill("99")
    phone.locator("button[value=next]").click()

    summary = phone.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_have_attribute("role", "alert")
    link = summary.get_by_role("link", name="Duration (months)")
    expect(link).to_have_attribute("href", "#id_duration_months")
    phone.keyboard.press("Tab")
    expect(link).to_be_focused()
    phone.keyboard.press("Enter")
    field = phone.locator("#id_duration_months")
    expect(field).to_be_focused()
    expect(field).to_have_value("99")  # nothing typed is lost
    expect(field).to_have_attribute("aria-invalid", "true")
    described_by = field.get_attribute("aria-describedby").split()
    assert "id_duration_months_error" in described_by
    expect(phone.locator("#id_duration_months_error")).to_contain_text("at most 9 months")
    # Every field says what it is, and its help text is tied to it (the countries' select is
    # hidden behind its searchable text box, which has the label).
    assert phone.evaluate(
        """() => [...document.querySelectorAll(
            "main input:not([type=hidden]), main select:not([hidden]), main textarea"
        )].every(field => field.labels.length > 0)"""
    )
    assert "id_summary_helptext" in phone.locator("#id_summary").get_attribute("aria-describedby")


def test_the_countdown_follows_the_clock_in_the_visitors_language(live_server, browser):
    call = CallFactory(closes_at=timezone.now() + timedelta(days=3, hours=5, minutes=30))
    for language, before, after in (
        ("en", "3 days, 5 hours left", "3 days, 4 hours left"),
        ("fr", "il reste 3 jours, 5 heures", "il reste 3 jours, 4 heures"),
    ):
        context = browser.new_context(locale=language)
        page = context.new_page()
        page.clock.install()
        page.goto(live_server.url + call.get_absolute_url())
        expect(page.locator(".deadline")).to_contain_text(before)
        page.clock.run_for("01:00:00")
        expect(page.locator(".deadline")).to_contain_text(after)
        context.close()


def test_the_countdown_keeps_to_the_servers_clock_when_the_phones_is_wrong(live_server, browser):
    call = CallFactory(closes_at=timezone.now() + timedelta(days=3, hours=5, minutes=30))
    context = browser.new_context(locale="en")
    page = context.new_page()
    # The phone believes it is two days later than it is.
    page.clock.install(time=timezone.now() + timedelta(days=2))
    page.goto(live_server.url + call.get_absolute_url())

    page.clock.run_for("01:00:00")

    expect(page.locator(".deadline")).to_contain_text("3 days, 4 hours left")
    context.close()
