"""An applicant fills in and submits an EOI in a real browser, on a phone-sized screen."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from submissions.kmf2021 import load_2021_call
from submissions.models import ExpressionOfInterest
from tests.browser import pages
from tests.browser.pages import autosave_answer
from tests.conftest import wait_for
from tests.factories import ApplicantFactory, CallFactory
from tests.files import pdf_bytes

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url, user):
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/eois/$"))


def continue_to(page, heading):
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()


def test_steps_autosave_and_submit(live_server, phone, tmp_path):
    call, _ = load_2021_call()
    applicant = ApplicantFactory()
    sign_in(phone, live_server.url, applicant)

    phone.goto(live_server.url + call.get_absolute_url())
    phone.get_by_role("button", name="Start your expression of interest").click()
    expect(phone.get_by_role("heading", name="Organisation", exact=True)).to_be_visible()
    phone.get_by_label("Type of organisation").select_option("local_cso")
    continue_to(phone, "Project")

    # Typing saves by itself, and the word count follows the text.
    phone.get_by_label("Project title").fill("Community justice forums")
    summary = phone.get_by_label("Summary")
    with autosave_answer(phone, "Local forums decide what matters") as saved:
        summary.press_sequentially("Local forums decide what matters", delay=20)
    expect(phone.locator("#id_summary-count")).to_contain_text("5 / 200 words")
    answer = saved.value.json()
    assert saved.value.ok
    assert answer["errors"] == {}
    expect(phone.locator("[data-save-status]")).to_have_text(answer["message"])
    expect(phone.locator("[data-save-status]")).to_contain_text("Saved at")
    eoi = ExpressionOfInterest.objects.get(owner=applicant)
    assert eoi.answers.get("summary", "") == "Local forums decide what matters"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    phone.get_by_label("Problem and context").fill("Donor priorities crowd out local ones.")
    phone.get_by_label("Activities and timeline").fill("Forums, then exchanges.")
    phone.get_by_label("Expected outcomes and knowledge uptake").fill("A playbook for donors.")
    pages.choose_country(phone, "Countries of focus", "Mali")
    phone.get_by_label("Duration (months)").fill("9")
    continue_to(phone, "Challenges and asymmetry")

    phone.get_by_label("3. Devolving power").check()
    phone.get_by_label("How the initiative addresses asymmetric power and shifts it").fill(
        "Budget decisions move to the forums."
    )
    continue_to(phone, "Partners and budget")

    phone.get_by_label("Budget requested (€)").fill("18000")
    phone.get_by_label("Personnel costs (% of the budget)").fill("25")
    continue_to(phone, "Attachments")

    budget = tmp_path / "budget.pdf"
    budget.write_bytes(pdf_bytes())
    phone.get_by_label("Budget on the KMF template").set_input_files(budget)
    continue_to(phone, "Review and submit")

    expect(phone.locator("#missing")).to_have_count(0)
    phone.get_by_label("The information in this expression of interest is accurate").check()
    phone.get_by_label("I agree that the Secretariat").check()
    phone.get_by_role("button", name="Submit my expression of interest").click()

    expect(phone.get_by_text("KMF21-0001")).to_be_visible()
    eoi.refresh_from_db()
    assert eoi.status == ExpressionOfInterest.Status.SUBMITTED
    assert phone.console_errors == []  # the scripts ran under the site's CSP
    phone.screenshot(path=tmp_path / "receipt.png")


def test_text_typed_just_before_following_a_link_is_saved_first(live_server, phone):
    call, _ = load_2021_call()
    applicant = ApplicantFactory()
    sign_in(phone, live_server.url, applicant)
    phone.goto(live_server.url + call.get_absolute_url())
    phone.get_by_role("button", name="Start your expression of interest").click()
    continue_to(phone, "Project")

    # The autosave waits for a pause in the typing; a step's link followed before it must not
    # drop what was typed.
    phone.get_by_label("Project title").fill("Typed just before leaving")
    phone.get_by_role("link", name="Challenges and asymmetry").click()

    expect(phone.get_by_role("heading", name="Challenges and asymmetry")).to_be_visible()
    assert ExpressionOfInterest.objects.get().title == "Typed just before leaving"
    assert phone.console_errors == []


def test_a_partner_row_typed_halfway_is_saved_when_the_applicant_leaves(live_server, phone):
    call, _ = load_2021_call()
    sign_in(phone, live_server.url, ApplicantFactory())
    phone.goto(live_server.url + call.get_absolute_url())
    phone.get_by_role("button", name="Start your expression of interest").click()
    budget = phone.url.replace("/organisation/", "/budget/")
    phone.goto(budget)

    # Only the partner's name so far: the row is not complete, and is kept as typed.
    phone.locator("#id_partners-0-name").fill("Association des Femmes de Mopti")
    phone.get_by_role("link", name="Project").click()

    expect(phone.get_by_role("heading", name="Project", exact=True)).to_be_visible()
    assert ExpressionOfInterest.objects.get().answers["partners"] == [
        {
            "name": "Association des Femmes de Mopti",
            "budget_share": None,
            "locally_led": False,
            "email": None,
            "not_named": False,
        }
    ]
    phone.goto(budget)
    expect(phone.locator("#id_partners-0-name")).to_have_value("Association des Femmes de Mopti")
    assert phone.console_errors == []


@pytest.mark.parametrize("leaving", ["back button", "another address", "tab closed", "hidden"])
def test_text_typed_just_before_the_page_goes_away_is_saved(
    live_server, browser, leaving, settled_server
):
    call, _ = load_2021_call()
    applicant = ApplicantFactory()
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    sign_in(page, live_server.url, applicant)
    page.goto(live_server.url + call.get_absolute_url())
    page.get_by_role("button", name="Start your expression of interest").click()
    continue_to(page, "Project")

    def saved():  # read between requests: the save may still be on its way
        assert settled_server.settled()
        return ExpressionOfInterest.objects.get().title

    # Typed, then gone at once: no pause for the autosave's timer, no link clicked.
    page.get_by_label("Project title").fill(f"Typed before: {leaving}")
    if leaving == "back button":
        page.go_back()
    elif leaving == "another address":
        page.goto(live_server.url + "/help/")
    elif leaving == "tab closed":
        page.close(run_before_unload=True)
    else:  # the phone put to sleep, another app in front: sent before the typing's timer
        with page.expect_request(lambda request: request.url.endswith("/autosave/"), timeout=1000):
            page.evaluate(
                """() => {
                    Object.defineProperty(document, "visibilityState", {value: "hidden"});
                    document.dispatchEvent(new Event("visibilitychange"));
                }"""
            )

    assert wait_for(lambda: saved() == f"Typed before: {leaving}", seconds=10), saved()
    context.close()


def test_a_link_followed_while_saving_fails_keeps_the_page_until_followed_again(live_server, phone):
    call, _ = load_2021_call()
    sign_in(phone, live_server.url, ApplicantFactory())
    phone.goto(live_server.url + call.get_absolute_url())
    phone.get_by_role("button", name="Start your expression of interest").click()
    continue_to(phone, "Project")
    phone.route("**/autosave/", lambda route: route.abort())  # the network is gone

    phone.get_by_label("Project title").fill("Typed while offline")
    phone.get_by_role("link", name="Challenges and asymmetry").click()

    expect(phone.locator("[data-save-status]")).to_contain_text("Not saved yet")
    expect(phone.get_by_label("Project title")).to_have_value("Typed while offline")
    phone.get_by_role("link", name="Challenges and asymmetry").click()  # leaving, told so
    expect(phone.get_by_role("heading", name="Challenges and asymmetry")).to_be_visible()
    # (As the page goes it tries once more to save: a network that came back keeps the text.)


def test_a_conflicting_save_from_another_tab_is_reported_and_the_text_kept(live_server, browser):
    call, _ = load_2021_call()
    applicant = ApplicantFactory()
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    sign_in(first, live_server.url, applicant)
    first.goto(live_server.url + call.get_absolute_url())
    first.get_by_role("button", name="Start your expression of interest").click()
    project = first.url.replace("/organisation/", "/project/")
    first.goto(project)
    second.goto(project)

    with autosave_answer(first, "From the first tab") as saved:
        first.get_by_label("Project title").fill("From the first tab")
    assert saved.value.ok
    assert ExpressionOfInterest.objects.get().title == "From the first tab"
    second.get_by_label("Project title").fill("From the second tab")

    expect(second.locator("[data-save-status]")).to_contain_text("another tab or window")
    expect(second.get_by_label("Project title")).to_have_value("From the second tab")
    assert ExpressionOfInterest.objects.get().title == "From the first tab"
    context.close()


def test_the_lead_and_a_co_applicant_typing_at_once_never_overwrite_each_other(
    live_server, browser
):
    from submissions import coapplicants

    call, _ = load_2021_call()
    lead = ApplicantFactory(name="Amina Diallo")
    partner = ApplicantFactory(name="Awa Traoré")
    eoi = ExpressionOfInterest.objects.create(call=call, owner=lead)
    invitation = coapplicants.invite(eoi, lead, partner.email, ["step:project"])
    coapplicants.accept(invitation, partner)
    pages_of = []
    for person in (lead, partner):
        context = browser.new_context()
        page = context.new_page()
        sign_in(page, live_server.url, person)
        page.goto(live_server.url + f"/eois/{eoi.uuid}/project/")
        pages_of.append(page)
    at_the_lead, at_the_partner = pages_of

    with autosave_answer(at_the_lead, "Typed by the lead") as saved:
        at_the_lead.get_by_label("Project title").fill("Typed by the lead")
    assert saved.value.ok
    at_the_partner.get_by_label("Project title").fill("Typed by the partner")

    status = at_the_partner.locator("[data-save-status]")
    expect(status).to_contain_text("Amina Diallo saved this expression of interest")
    expect(at_the_partner.get_by_label("Project title")).to_have_value("Typed by the partner")
    assert ExpressionOfInterest.objects.get().title == "Typed by the lead"
    for page in pages_of:
        page.context.close()


def test_the_word_counter_and_the_autosave_speak_french_with_french_plurals(live_server, phone):
    call, _ = load_2021_call()
    applicant = ApplicantFactory(preferred_language="fr")
    pages.sign_in(phone.context, live_server.url, applicant)
    phone.goto(live_server.url + call.get_absolute_url())
    phone.get_by_role("button", name="Commencer votre manifestation d’intérêt").click()
    expect(phone).to_have_url(re.compile(r"/organisation/$"))
    phone.goto(phone.url.replace("/organisation/", "/project/"))
    summary, counter = phone.locator("#id_summary"), phone.locator("#id_summary-count")
    status = phone.locator("[data-save-status]")

    # Words from the JavaScript catalogue, with its plural rule: 0 and 1 are singular in French.
    expect(counter).to_have_text("0 / 200 mots")
    summary.fill("mot " * 201)
    expect(counter).to_have_text("201 / 200 mots · 1 mot de trop")
    summary.fill("mot " * 202)
    expect(counter).to_have_text("202 / 200 mots · 2 mots de trop")

    with autosave_answer(phone, "Des forums locaux") as saved:
        summary.fill("Des forums locaux décident")
    expect(counter).to_have_text("4 / 200 mots")
    expect(status).to_have_text(saved.value.json()["message"])
    expect(status).to_contain_text("Enregistré à")

    phone.route("**/autosave/", lambda route: route.abort())  # the network is gone
    summary.fill("Des forums locaux décident de tout")
    expect(status).to_have_text("Pas encore enregistré\u00a0: nouvel essai dans un instant")
    assert {url for url in phone.requested_urls if "/i18n/js/" in url} == {
        live_server.url + "/i18n/js/fr/"
    }
    assert phone.console_errors == []  # the catalogue and the scripts ran under the CSP


def test_the_countdown_keeps_counting_in_french(live_server, browser):
    call = CallFactory(closes_at=timezone.now() + timedelta(minutes=3, seconds=30))
    context = browser.new_context(locale="fr-FR")
    page = pages.record(context.new_page())
    page.clock.install()
    page.goto(live_server.url + call.get_absolute_url())
    countdown = page.locator("[data-countdown]")
    expect(countdown).to_have_text("3 minutes")  # the server's

    # site.js counts on, with the catalogue's words: French puts 1 and 0 in the singular.
    page.clock.run_for(120_000)
    expect(countdown).to_have_text("1 minute")
    page.clock.run_for(60_000)
    expect(countdown).to_have_text("0 minute")
    assert page.console_errors == []
    context.close()


@pytest.mark.parametrize(
    ("language", "done", "to_do", "problem"),
    [("en", "done", "to do", "has a problem"), ("fr", "fait", "à faire", "à corriger")],
)
def test_the_steps_show_their_state_compactly_on_a_phone(
    live_server, phone, language, done, to_do, problem
):
    call, _ = load_2021_call()
    applicant = ApplicantFactory(preferred_language=language)
    eoi = ExpressionOfInterest.objects.create(
        call=call,
        owner=applicant,
        answers={
            "organisation_name": "Réseau Justice Locale",
            "organisation_type": "local_cso",
            "organisation_country": "ML",
            "title": "Forums",
            "summary": "word " * 201,  # stored before the limit was lowered
        },
    )
    pages.sign_in(phone.context, live_server.url, applicant)
    phone.goto(live_server.url + reverse("submissions:eoi_step", args=[eoi.uuid, "organisation"]))

    steps = phone.locator("ol.steps")
    links = steps.get_by_role("link")
    expect(links).to_have_count(6)
    # A screen reader hears each step's state after its title; the eye sees a mark.
    expect(links.nth(0)).to_have_accessible_name(re.compile(rf" — {done}$"))
    expect(links.nth(1)).to_have_accessible_name(re.compile(rf" — {problem}$"))
    for index in range(2, 6):
        expect(links.nth(index)).to_have_accessible_name(re.compile(rf" — {to_do}$"))
    marks = [m.inner_text() for m in steps.locator(".step-mark").all()]
    assert marks == ["✓", "!", "○", "○", "○", "○"]

    # Compact: the six steps fit the phone's width in at most four short lines, where one
    # step a line would take six and more.
    box = steps.bounding_box()
    lines = {round(li.bounding_box()["y"]) for li in steps.locator("li").all()}
    assert box["x"] + box["width"] <= 360
    assert len(lines) <= 4
    assert box["height"] <= 4 * steps.locator("li").first.bounding_box()["height"] + 16
    assert pages.inspect(phone, f"eoi-steps-{language}", origin=live_server.url) == []
