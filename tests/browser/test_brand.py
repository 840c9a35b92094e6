"""The brand colour as the browser applies it: links, the main buttons and the focus ring are
the Fund's teal, and each reads at WCAG AA against what it stands on (4.5:1 for text, 3:1 for
the focus ring), measured on the computed styles, not on a number copied into the test."""

import re

import pytest

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


def rgb(css_colour):
    """(r, g, b) of a computed colour ("rgb(0, 95, 115)") or of a hex value ("#005f73")."""
    if css_colour.startswith("#"):
        return tuple(int(css_colour[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(int(part) for part in re.findall(r"\d+", css_colour)[:3])


def luminance(colour):
    def channel(value):
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in colour)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one, other):
    """WCAG 2.1's contrast ratio, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def style(locator, prop):
    return locator.evaluate("(e, prop) => getComputedStyle(e)[prop]", prop)


def test_the_formula():
    assert contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21)
    assert contrast((118, 118, 118), (255, 255, 255)) == pytest.approx(4.54, abs=0.01)


def test_links_buttons_and_focus_wear_the_brand_at_aa_contrast(live_server, browser):
    # Reduced motion: Bootstrap then changes colours at once, without a transition to wait out.
    context = browser.new_context(viewport={"width": 1200, "height": 800}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    brand = rgb(page.evaluate("getComputedStyle(document.body).getPropertyValue('--kmf-brand')"))
    white = rgb(style(page.locator("body"), "backgroundColor"))
    assert white == (255, 255, 255)

    link = page.locator("main a[href$='/accounts/signup/']").first
    header_link = page.locator(".site-header").get_by_role("link", name="Calls")
    header = rgb(style(page.locator(".site-header"), "backgroundColor"))
    assert rgb(style(link, "color")) == rgb(style(header_link, "color")) == brand
    assert contrast(brand, white) >= 4.5
    assert contrast(brand, header) >= 4.5
    assert rgb(style(page.locator(".site-name"), "color")) == brand  # the wordmark

    button = page.locator("main button.btn-primary").first
    assert rgb(style(button, "backgroundColor")) == brand
    assert contrast(rgb(style(button, "color")), brand) >= 4.5
    button.hover()
    hovered = rgb(style(button, "backgroundColor"))
    assert hovered != brand  # a darker shade, still readable
    assert contrast(rgb(style(button, "color")), hovered) >= 4.5
    page.mouse.move(0, 700)
    link.hover()
    assert contrast(rgb(style(link, "color")), white) >= 4.5

    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus shown as by keyboard
    assert rgb(style(link, "outlineColor")) == brand
    assert contrast(brand, white) >= 3
    context.close()
