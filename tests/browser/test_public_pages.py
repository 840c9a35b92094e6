"""The public pages in a real browser, on a phone-sized screen."""

import pytest

from submissions.kmf2021 import load_2021_call
from tests.browser.pages import menu, screenshot

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", ["/", "/calls/kmf-2021/", "/timezone/"])
def test_pages_fit_a_360_px_screen_and_load_nothing_from_elsewhere(live_server, phone, path):
    load_2021_call()

    response = phone.goto(live_server.url + path)

    assert response.status == 200
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert phone.requested_urls
    assert all(url.startswith(live_server.url) for url in phone.requested_urls)
    assert phone.console_errors == []
    screenshot(phone, "360px" + path.replace("/", "_"))


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_the_content(live_server, phone):
    load_2021_call()
    phone.goto(live_server.url + "/calls/kmf-2021/")

    phone.keyboard.press("Tab")
    skip_link = phone.locator(".skip-link")
    assert skip_link.evaluate("element => element === document.activeElement")
    assert skip_link.is_visible()

    phone.keyboard.press("Enter")
    assert phone.evaluate("document.activeElement.id") == "main"


def test_the_browser_shows_the_deadline_in_the_visitors_time_zone(live_server, phone):
    call, _ = load_2021_call()
    phone.goto(live_server.url + call.get_absolute_url())

    local = phone.locator(".deadline [data-local-time]")
    assert "(Africa/Bamako)" in local.inner_text()
    # Each later stage's opening and closing too, in the timeline.
    stages = phone.locator(".timeline [data-local-time]")
    assert stages.count() == 6
    assert all("(Africa/Bamako)" in text for text in stages.all_inner_texts())

    # The browser told the server, so the next page is rendered in that zone without scripts.
    phone.reload()
    assert phone.locator("[data-local-time]").count() == 0
    assert "Africa/Bamako" in phone.locator(".deadline").inner_text()
    assert "Full proposals, by invitation" in phone.locator(".timeline").inner_text()
    assert phone.locator(".timeline").inner_text().count("Africa/Bamako") == 3


def test_the_language_switcher_works_without_javascript(live_server, browser):
    load_2021_call()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/calls/kmf-2021/")

    menu(page).get_by_role("button", name="Français").click()

    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.url == live_server.url + "/calls/kmf-2021/"
    context.close()
