"""The printable page in a real browser: its one inline style is let through by the site's
Content-Security-Policy (by its nonce), and the page passes the checks every page passes."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.pages import inspect, record, sign_in
from tests.factories import ApplicantFactory, EOIFactory
from tests.files import attach_budget

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("language", "link"), [("en", "Print"), ("fr", "Imprimer")])
def test_the_printable_page_is_styled_accessible_and_fits_a_phone(
    live_server, browser, language, link
):
    applicant = ApplicantFactory(preferred_language=language)
    eoi = EOIFactory(
        owner=applicant,
        summary="Un" + "mot" * 300 + "long\n\nSecond paragraph.",
        partners=[
            {"name": "Forum de Mopti", "country": "ML", "role": "Hosts", "locally_led": True}
        ],
    )
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale=language)
    page = record(context.new_page())
    sign_in(context, live_server.url, applicant)

    page.goto(live_server.url + eoi.get_absolute_url())
    page.get_by_role("link", name=link, exact=True).click()

    expect(page).to_have_url(re.compile(rf"/eois/{eoi.uuid}/print/$"))
    heading = page.locator("h2").first
    assert heading.evaluate("e => getComputedStyle(e).borderBottomStyle") == "solid"
    assert inspect(page, f"{language}-eoi-print", origin=live_server.url) == []
    page.emulate_media(media="print")
    expect(page.locator(".screen")).to_be_hidden()
    context.close()


def test_an_eoi_page_prints_its_answers_without_the_site_around_them(live_server, browser):
    """The site's print stylesheet, on the EOI's own page (not the printable one): the answers
    in black on white, the menu, footer and buttons left off, and a link's address after it."""
    applicant = ApplicantFactory()
    eoi = attach_budget(EOIFactory(owner=applicant, title="Courts that listen"))
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(context, live_server.url, applicant)
    page.goto(live_server.url + eoi.get_absolute_url())
    assert page.locator("footer").is_visible()  # on screen

    page.emulate_media(media="print")

    for chrome in [".site-header", ".site-menu", "footer", "main .btn"]:
        expect(page.locator(chrome).first).to_be_hidden()
    expect(page.get_by_role("heading", name="Courts that listen")).to_be_visible()
    expect(page.locator(".answers dt").first).to_be_visible()
    expect(page.locator(".answers dd").first).to_be_visible()
    link = page.locator(".answers a[href*='/files/']").first
    after = link.evaluate("a => getComputedStyle(a, '::after').content")
    assert after == f'" ({link.get_attribute("href")})"'
    for element in ["body", ".answers dd"]:
        located = page.locator(element).first
        assert located.evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 0)"
    body = page.locator("body").evaluate("e => getComputedStyle(e).backgroundColor")
    assert body == "rgb(255, 255, 255)"
    context.close()
