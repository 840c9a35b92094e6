"""Proof that a call is configured, not coded: the Secretariat makes "KMF 2022" in the admin,
with its own headline and questions (one new, one removed, another word limit), and opens it; an
applicant applies to it, a reviewer scores it, and its export has its own columns. No code
knows about 2022."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import REVIEWERS, SECRETARIAT
from questionnaires.models import Questionnaire
from review.models import Review, eoi_rubric
from submissions.kmf2021 import load_2021_call
from submissions.models import Call, ExpressionOfInterest
from tests.browser import pages
from tests.browser.test_journeys import PHONE, Sittings, sign_in, staff
from tests.files import pdf_bytes

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

NEW_QUESTION = "How does the project include women and young people?"
REMOVED_QUESTION = "Expected outcomes and knowledge uptake"
HEADLINE = "Local Knowledge, Shared Power"


@pytest.fixture
def sitting(browser, live_server):
    sittings = Sittings(browser, live_server.url)
    yield sittings
    sittings.close()


def inline_prefix(page, key):
    """The form prefix of the questionnaire's inline question whose key is `key`."""
    name = page.locator(f"input[name^='questions-'][name$='-key'][value='{key}']").get_attribute(
        "name"
    )
    return name.removesuffix("-key")


def build_the_2022_questionnaire(desk, base_url, tmp_path):
    """Export the 2021 questionnaire, import it as the start of 2022's, and change it."""
    desk.goto(base_url + "/admin/questionnaires/questionnaire/")
    desk.get_by_role("link", name=re.compile("KMF 2021: expression of interest")).click()
    with desk.expect_download() as download:
        desk.get_by_role("link", name="Export").click()
    exported = tmp_path / "kmf-2021.json"
    download.value.save_as(exported)

    desk.goto(base_url + "/admin/questionnaires/questionnaire/import/")
    desk.locator("input[type=file]").set_input_files(exported)
    desk.get_by_role("button", name=re.compile("Import")).click()
    expect(desk.locator("#id_name")).to_be_visible()
    desk.locator("#id_name").fill("KMF 2022: expression of interest")

    # One question removed, one word limit changed, one question added to the project step.
    desk.locator(f"input[name='{inline_prefix(desk, 'outcomes_uptake')}-DELETE']").check()
    desk.locator(f"input[name='{inline_prefix(desk, 'summary')}-word_limit']").fill("150")
    desk.get_by_text("Add another Question", exact=True).click()
    total = int(desk.locator("input[name='questions-TOTAL_FORMS']").input_value())
    new = f"questions-{total - 1}"
    desk.locator(f"input[name='{new}-position']").fill("7")
    desk.locator(f"select[name='{new}-step']").select_option(label="Project")
    desk.locator(f"input[name='{new}-key']").fill("inclusion")
    desk.locator(f"select[name='{new}-kind']").select_option("long_text")
    desk.locator(f"input[name='{new}-label_en']").fill(NEW_QUESTION)
    desk.locator(f"input[name='{new}-label_fr']").fill(
        "Comment le projet inclut-il les femmes et les jeunes ?"
    )
    desk.locator(f"input[name='{new}-word_limit']").fill("250")
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("was changed successfully")
    return Questionnaire.objects.get(name="KMF 2022: expression of interest")


def open_the_2022_call(desk, base_url, questionnaire):
    now = timezone.localtime(timezone.now() - timedelta(days=1))
    closes = now + timedelta(days=30)
    desk.goto(base_url + "/admin/submissions/call/add/")
    desk.locator("#id_title_en").fill("Knowledge Management Fund 2022")
    desk.locator("#id_slug").fill("kmf-2022")
    desk.locator("#id_headline_en").fill(HEADLINE)
    desk.locator("#id_body_en").fill("A call about **who holds knowledge**.")
    desk.locator("#id_opens_at_0").fill(now.strftime("%Y-%m-%d"))
    desk.locator("#id_opens_at_1").fill(now.strftime("%H:%M:%S"))
    desk.locator("#id_closes_at_0").fill(closes.strftime("%Y-%m-%d"))
    desk.locator("#id_closes_at_1").fill("23:59:00")
    desk.locator("#id_reference_prefix").fill("KMF22")
    desk.locator("#id_questionnaire").select_option(value=str(questionnaire.pk))
    desk.get_by_text("Add another Challenge", exact=True).click()
    desk.locator("input[name='challenges-0-number']").fill("1")
    desk.locator("input[name='challenges-0-title_en']").fill("Knowledge held locally")
    desk.locator("textarea[name='challenges-0-description_en']").fill("Who decides what is known.")
    desk.get_by_text("Add another Criterion", exact=True).click()
    desk.locator("input[name='criteria-0-title_en']").fill("Local ownership")
    desk.locator("input[name='criteria-0-weight']").fill("100")
    desk.locator("textarea[name='criteria-0-description_en']").fill("Led from where it happens.")
    desk.locator("textarea[name='criteria-0-descriptors']").fill(
        '["Weak", "Fair", "Good", "Very good", "Excellent"]'
    )
    desk.get_by_role("button", name="Save", exact=True).click()
    expect(desk.locator(".messagelist")).to_contain_text("was added successfully")
    return Call.objects.get(reference_prefix="KMF22")


def apply_to_it(phone, base_url, call, tmp_path):
    phone.goto(base_url + "/")
    phone.get_by_role("link", name=re.compile(HEADLINE)).first.click()
    phone.get_by_role("button", name="Start your expression of interest").click()
    phone.get_by_label("Type of organisation").select_option("local_cso")
    phone.get_by_role("button", name="Save and continue").click()

    expect(phone.get_by_label(REMOVED_QUESTION)).to_have_count(0)
    phone.get_by_label("Project title").fill("Knowledge circles in Gao")
    summary = phone.get_by_label("Summary")
    summary.fill("Circles of elders and students decide what the city knows.")
    expect(summary).to_have_attribute("data-word-limit", "150")
    phone.get_by_label("Problem and context").fill("Research is done about Gao, not in it.")
    phone.get_by_label("Activities and timeline").fill("Circles, then a shared archive.")
    phone.get_by_label(NEW_QUESTION).fill("Half the circles are led by women under 30.")
    pages.choose_country(phone, "Countries of focus", "Mali")
    phone.get_by_label("Duration (months)").fill("8")
    phone.get_by_role("button", name="Save and continue").click()

    phone.get_by_label("1. Knowledge held locally").check()
    phone.get_by_label("How the initiative addresses asymmetric power and shifts it").fill(
        "The archive belongs to the circles."
    )
    phone.get_by_role("button", name="Save and continue").click()
    phone.get_by_label("Budget requested (€)").fill("15000")
    phone.get_by_label("Personnel costs (% of the budget)").fill("20")
    phone.get_by_role("button", name="Save and continue").click()
    budget = tmp_path / "budget.pdf"
    budget.write_bytes(pdf_bytes())
    phone.get_by_label("Budget on the KMF template").set_input_files(budget)
    phone.get_by_role("button", name="Save and continue").click()

    expect(phone.locator("#missing")).to_have_count(0)
    expect(phone.locator(".answers")).to_contain_text(NEW_QUESTION)
    expect(phone.locator(".answers")).not_to_contain_text(REMOVED_QUESTION)
    phone.locator("#id_declares_accuracy").check()
    phone.locator("#id_declares_consent").check()
    phone.get_by_role("button", name="Submit my expression of interest").click()
    expect(phone.get_by_text("KMF22-0001").first).to_be_visible()
    return ExpressionOfInterest.objects.get(call=call)


def test_a_second_call_is_made_in_the_admin_applied_to_reviewed_and_exported(
    live_server, sitting, tmp_path
):
    load_2021_call()
    base_url = live_server.url
    secretariat = staff("Sara Secretariat", SECRETARIAT)
    secretariat.is_staff = True  # the Secretariat works in the admin
    secretariat.save(update_fields=["is_staff"])
    reviewer = staff("Jonas de Vries", REVIEWERS)

    desk = sitting(viewport={"width": 1280, "height": 900})
    sign_in(desk, base_url, secretariat.email, secretariat.totp_secret)
    questionnaire = build_the_2022_questionnaire(desk, base_url, tmp_path)
    call = open_the_2022_call(desk, base_url, questionnaire)

    # The new questionnaire asks what the Secretariat made it ask.
    keys = [q.key for q in questionnaire.questions.filter(row_of=None)]
    assert "inclusion" in keys
    assert "outcomes_uptake" not in keys
    assert questionnaire.questions.get(key="summary").word_limit == 150

    from tests.factories import ApplicantFactory

    applicant = ApplicantFactory(password="Mopti forums, 2021 edition")
    phone = sitting(**PHONE)
    sign_in(phone, base_url, applicant.email)
    eoi = apply_to_it(phone, base_url, call, tmp_path)
    assert eoi.status == ExpressionOfInterest.Status.SUBMITTED
    assert eoi.answers["inclusion"] == "Half the circles are led by women under 30."
    assert "outcomes_uptake" not in eoi.answers
    assert eoi.questionnaire_id == questionnaire.pk

    # The Secretariat assigns the reviewer from the EOI's page; the reviewer scores it.
    desk.goto(f"{base_url}/review/calls/{call.slug}/eois/")
    desk.get_by_role("link", name="KMF22-0001").click()
    desk.get_by_label("Reviewer", exact=True).select_option(value=str(reviewer.pk))
    desk.get_by_role("button", name="Assign").click()
    expect(desk.get_by_text("1 assignment made.")).to_be_visible()

    scoring = sitting(viewport={"width": 1280, "height": 900})
    sign_in(scoring, base_url, reviewer.email, reviewer.totp_secret)
    scoring.goto(base_url + "/review/")
    scoring.get_by_role("link", name=re.compile("KMF22-0001")).click()
    scoring.get_by_role("button", name="No conflict — open the application").click()
    expect(scoring.locator(".answers")).to_contain_text(NEW_QUESTION)
    (criterion,) = eoi_rubric(call)
    scoring.locator(f"input[name=score_{criterion.pk}][value='4']").check()
    scoring.get_by_label("Recommendation").select_option("invite")
    scoring.get_by_role("button", name="Submit review").click()
    expect(scoring.get_by_text("Your review is saved.")).to_be_visible()
    assert Review.objects.get(eoi=eoi).status == Review.Status.SUBMITTED

    # The export has a column per question of 2022's questionnaire, and the review's figures.
    desk.goto(f"{base_url}/review/calls/{call.slug}/eois/")
    with desk.expect_download() as download:
        desk.get_by_role("link", name="CSV").first.click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    header, row = rows[0], rows[1]
    assert NEW_QUESTION in header
    assert REMOVED_QUESTION not in header
    assert row[header.index(NEW_QUESTION)] == "Half the circles are led by women under 30."
    assert row[header.index("mean: Local ownership")] == "4.00"
    assert sitting.errors == []
