"""Checks every page of the site must pass in a real browser: WCAG 2.1 AA by axe-core, a
360-px screen without sideways scrolling, a light first load, and nothing fetched from
another origin.

`inspect(page, name)` runs all of them on the page in front of it and returns the problems
found, so that one test can walk through many pages and report all that is wrong at once.
"""

import re
from pathlib import Path

from django.conf import settings
from playwright.sync_api import expect

from tests.clients import Client
from tests.totp import fresh_code

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-results" / "screenshots"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
# Bytes of a first visit to an applicant page, both as sent (compressed where the browser
# accepts it) and once decoded: a proxy or an old browser may not take compression.
PAGE_BUDGET = 200 * 1024


def record(page):
    """Keeps, on the page, every URL it requests and every error it meets."""
    page.requested_urls = []
    page.console_errors = []
    page.weights = {}
    page.on("request", lambda request: page.requested_urls.append(request.url))
    page.on(
        "response",
        lambda response: (
            response.status >= 400
            # The 404 page itself is a page to check; a missing script or style is an error.
            and not (response.status == 404 and response.request.is_navigation_request())
            and page.console_errors.append(f"{response.status} {response.url}")
        ),
    )
    # Content-Security-Policy violations and script errors show up here.
    page.on(
        "console",
        lambda message: (
            message.type == "error"
            and not message.text.startswith("Failed to load resource")  # reported with its URL
            and page.console_errors.append(message.text)
        ),
    )
    return page


def axe_source():
    if not AXE.exists():
        # A missing checker must not pass for an accessible site.
        raise FileNotFoundError(f"axe-core is missing at {AXE}: run `make install-dev` (npm ci).")
    return AXE.read_text()


def axe_violations(page):
    """Serious and critical WCAG 2.1 A/AA violations on the page, one readable line each.

    axe is evaluated through the DevTools protocol, which the site's Content-Security-Policy
    does not govern, so the policy stays as strict as it is for visitors."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source())
    violations = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}}).then(
            result => result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            })))""",
        WCAG_21_AA,
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['targets'])}"
        for v in violations
        if v["impact"] in BLOCKING
    ]


def first_load_bytes(page):
    """Bytes received for the document and everything it loaded (headers included), and the
    same bodies uncompressed, as the browser's Resource Timing reports them: a pair
    (sent, uncompressed), meaningful with the cache off (`no_cache`)."""
    return page.evaluate(
        """() => performance.getEntriesByType("navigation")
            .concat(performance.getEntriesByType("resource"))
            .reduce(([sent, whole], entry) => [
                sent + entry.transferSize, whole + entry.decodedBodySize], [0, 0])"""
    )


def no_cache(page):
    """Every navigation of this page fetches everything again, as on a first visit."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send("Network.setCacheDisabled", {"cacheDisabled": True})


def menu(page):
    """The main menu's links and language buttons: behind the Menu button on a phone (opened
    here, as a person would), in a row on a wider screen."""
    button = page.locator(".site-menu > summary")
    if button.is_visible() and page.locator(".site-menu").get_attribute("open") is None:
        button.click()
    return page.locator(".site-menu-body")


def screenshot(page, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def inspect(page, name, *, origin, weigh=False):
    """Everything wrong with the page now shown, as lines starting with `name`."""
    # A page reached by a form's redirect has its text before its stylesheets: axe measured a
    # half-styled header once (CI, under load). Inspect the page as it is shown.
    page.wait_for_load_state("load")
    problems = [f"{name}: {line}" for line in axe_violations(page)]
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.scrollingElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"{name}: {scroll_width} px wide on a {width}-px screen")
    if weigh:
        sent, uncompressed = page.weights[name] = first_load_bytes(page)
        if sent > PAGE_BUDGET:
            problems.append(f"{name}: {sent / 1024:.0f} KB sent on first load (budget 200 KB)")
        if uncompressed > PAGE_BUDGET:
            problems.append(
                f"{name}: {uncompressed / 1024:.0f} KB uncompressed on first load (budget 200 KB)"
            )
    foreign = [url for url in page.requested_urls if not url.startswith(origin)]
    if foreign:
        problems.append(f"{name}: requests left the site: {foreign}")
    if page.console_errors:
        problems.append(f"{name}: errors: {page.console_errors}")
    page.requested_urls.clear()
    page.console_errors.clear()
    screenshot(page, name)
    return problems


def sign_in(context, base_url, user):
    """Signs `user` in by handing the browser a session cookie (the sign-in pages have
    journeys of their own)."""
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


def enter_authenticator_code(page, secret):
    """Answers the second-factor form in front of the page with a fresh code for `secret`.

    The code is made once the form is shown, so that the sign-in before it does not eat into
    the code's period."""
    code = page.get_by_label("Code")
    code.wait_for()
    code.fill(fresh_code(secret))
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/accounts/2fa/"))


def autosave_answer(page, text):
    """Use as `with autosave_answer(page, text) as answer:` around typing: waits for the answer
    to the page's autosave that carried `text` (`answer.value`, a Playwright Response).

    Waiting for the answer, not for the row: on SQLite the test shares the live server's
    connection and sees a save before it is committed, and the status line reads "Saved at"
    from the start."""
    return page.expect_response(
        lambda response: (
            response.url.endswith("/autosave/") and text in (response.request.post_data or "")
        )
    )


def choose_country(page, label, name):
    """Picks a country in a searchable countries list (static/js/country-picker.js) as a
    person would: types its name, then Enter on the first match."""
    search = page.get_by_role("combobox", name=label)
    search.fill(name)
    search.press("Enter")
    expect(page.locator(".country-chips").get_by_role("button", name=name)).to_have_count(1)
