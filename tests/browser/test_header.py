"""The header: one line on a phone with a Menu button that works without JavaScript and by
keyboard; the links in a row on a wider screen."""

import pytest

from submissions.kmf2021 import load_2021_call

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


def header_height(page):
    return page.locator(".site-header").evaluate(
        "element => element.getBoundingClientRect().height"
    )


@pytest.mark.parametrize("scripts", [True, False])
def test_on_a_phone_the_header_is_one_line_and_the_menu_opens(live_server, browser, scripts):
    load_2021_call()
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=scripts
    )
    page = context.new_page()
    page.goto(live_server.url + "/calls/kmf-2021/")

    assert header_height(page) <= 60  # one line: the name and the button
    sign_in = page.locator(".site-header").get_by_role("link", name="Sign in")
    assert not sign_in.is_visible()

    page.get_by_text("Menu", exact=True).click()

    assert sign_in.is_visible()
    assert page.get_by_role("button", name="Français").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    sign_in.click()
    assert page.url.endswith("/accounts/login/")
    context.close()


def test_the_menu_opens_by_keyboard(live_server, phone):
    load_2021_call()
    phone.goto(live_server.url + "/calls/kmf-2021/")

    for _ in range(3):  # the skip link, the site's name, the Menu button
        phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.textContent.trim()") == "Menu"
    phone.keyboard.press("Enter")
    phone.keyboard.press("Tab")

    assert phone.evaluate("document.activeElement.textContent.trim()") == "Calls"


def test_on_a_wide_screen_the_links_stand_in_a_row_without_a_button(live_server, browser):
    load_2021_call()
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + "/calls/kmf-2021/")

    assert not page.get_by_text("Menu", exact=True).is_visible()
    header = page.locator(".site-header")
    calls = header.get_by_role("link", name="Calls")
    sign_in = header.get_by_role("link", name="Sign in")
    assert calls.is_visible()
    assert sign_in.is_visible()
    assert calls.bounding_box()["y"] == sign_in.bounding_box()["y"]  # in a row
    assert header_height(page) <= 60
    context.close()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_wordmark_names_the_fund_on_one_line_on_a_phone(live_server, browser, language):
    load_2021_call()
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale=language)
    page = context.new_page()
    page.goto(live_server.url + "/")

    wordmark = page.locator(".site-header").get_by_role("link", name="Knowledge Management Fund")
    mark = wordmark.locator("svg")
    assert mark.get_attribute("aria-hidden") == "true"  # the name is the text beside it
    name = wordmark.locator("span").bounding_box()
    drawn = mark.bounding_box()
    button = page.locator(".site-menu > summary").bounding_box()
    assert drawn["width"] == drawn["height"] == 24
    assert name["height"] < 24  # one line of text
    assert drawn["height"] <= button["height"]  # no taller than the header's one line
    assert drawn["y"] <= name["y"] + name["height"] / 2 <= drawn["y"] + drawn["height"]
    assert header_height(page) <= 60
    context.close()
