"""Whole journeys in a real browser, with the real mail they cause.

An applicant signs up, verifies the address by the link in the mail, fills in an EOI over two
sittings on a phone and submits it, then finds the receipt in the mailbox: in English and in
French. A Secretariat member assigns a reviewer, the reviewer scores, the Secretariat decides
and releases, and the applicant gets the decision in their own language.

Mail goes to a real SMTP server (aiosmtpd). Where REDIS_URL names a broker, a real Celery
worker delivers the outbox, as in production; on the zero-setup default the delivery task runs
in the live server's thread.
"""

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from accounts.models import User
from accounts.roles import REVIEWERS, SECRETARIAT
from review.models import Assignment, Decision, Review, eoi_rubric
from submissions import domain as submissions_domain
from submissions.kmf2021 import load_2021_call, questionnaire_2021
from submissions.models import Call, ExpressionOfInterest
from tests.browser.pages import (
    autosave_answer,
    choose_country,
    enter_authenticator_code,
    menu,
    record,
)
from tests.conftest import wait_for
from tests.factories import ApplicantFactory, EOIFactory, give_role
from tests.files import attach_budget, pdf_bytes

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Mopti forums, 2021 edition"
# The receipt's subject, greeting and the line before the copy of the answers.
RECEIPT = {
    "en": (
        "We received your expression of interest KMF21-0001",
        "Dear Awa",
        "A copy of your answers",
    ),
    "fr": (
        "Nous avons reçu votre manifestation d’intérêt KMF21-0001",
        "Bonjour Awa",
        "Une copie de vos réponses",
    ),
}
# Written out, not looked up: the proof that the pages and mails are in that language.
LITERALLY = {
    "en": {
        "verification": "[KMF] Please confirm your email address",
        "dashboard": "My applications",
        "submit": "Submit my expression of interest",
    },
    "fr": {
        "verification": "[KMF] Confirmez votre adresse e-mail",
        "dashboard": "Mes candidatures",
        "submit": "Soumettre ma manifestation d’intérêt",
    },
}
PHONE = {"viewport": {"width": 360, "height": 740}, "timezone_id": "Africa/Bamako"}


@pytest.fixture
def mailbox(request, smtp_server):
    """The SMTP server that receives the site's mail, with a real worker when there is a
    broker: test settings run tasks eagerly, which would skip the broker and the worker."""
    if django_settings.REDIS_URL:
        request.getfixturevalue("celery_worker")
    return smtp_server


def t(language, text):
    """`text` as the site shows it in `language`."""
    with translation.override(language):
        return gettext(text)


def subject(message):
    # A long encoded subject is folded from its first line ("Subject: \n =?utf-8?..."), which
    # the parser keeps as a leading space; mail clients drop it.
    return message["Subject"].strip()


def mail_to(mailbox, address, subject_start, seconds=20):
    """The one message to `address` whose subject starts so, once it has arrived."""

    def found():
        return [
            message
            for message in mailbox.messages
            if message["To"] == address and subject(message).startswith(subject_start)
        ]

    wait_for(found, seconds)
    found = found()
    assert len(found) == 1, [(m["To"], subject(m)) for m in mailbox.messages]
    return found[0]


def text_of(message):
    return message.get_body(("plain",)).get_content()


class Sittings:
    """Pages, each in a fresh context (no cookies: a new sitting). What goes wrong on any of
    them is in `errors`: a failed response, a script or CSP error, a request off the site."""

    def __init__(self, browser, origin):
        self.browser = browser
        self.origin = origin
        self.contexts = []
        self.pages = []

    def __call__(self, **options):
        context = self.browser.new_context(**options)
        self.contexts.append(context)
        page = record(context.new_page())
        self.pages.append(page)
        return page

    @property
    def errors(self):
        return [
            *(error for page in self.pages for error in page.console_errors),
            *(
                f"left the site: {url}"
                for page in self.pages
                for url in page.requested_urls
                if not url.startswith((self.origin, "data:"))
            ),
        ]

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def sitting(browser, live_server):
    sittings = Sittings(browser, live_server.url)
    yield sittings
    sittings.close()


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth") <= 360


def sign_in(page, base_url, email, totp_secret=None):
    """Sign in through the form, in English (a new sitting has no language chosen yet)."""
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    if totp_secret:
        enter_authenticator_code(page, totp_secret)
    expect(page).not_to_have_url(re.compile(r"/accounts/(login|2fa)/"))


def staff(name, role):
    person = ApplicantFactory(name=name, password=PASSWORD)
    return give_role(person, role)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_applicant_signs_up_fills_in_over_two_sittings_and_gets_the_receipt(
    live_server, sitting, mailbox, tmp_path, language, settings
):
    # Every mail links to SITE_URL, allauth's too, as production's does to the public site.
    settings.SITE_URL = live_server.url
    call, _ = load_2021_call()
    email = f"awa.{language}@example.org"

    def _(text):
        return t(language, text)

    def asked(key):
        """A question's label in the page's language, as the 2021 questionnaire words it."""
        return getattr(questionnaire_2021().by_key[key].label, language)

    def step(key):
        return getattr(questionnaire_2021().step(key).title, language)

    # First sitting: the language, the sign-up form, the link in the mail.
    page = sitting(**PHONE)
    page.goto(live_server.url + "/")
    if language == "fr":
        menu(page).get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", language)
    menu(page).get_by_role("link", name=_("Sign up")).click()
    page.locator("#id_email").fill(email)
    page.locator("#id_name").fill("Awa Traoré")
    page.locator("#id_organisation").fill("Réseau Justice Locale")
    page.locator("#id_country").select_option("ML")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name=_("Create the account")).click()
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))

    verification = mail_to(mailbox, email, LITERALLY[language]["verification"])
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", text_of(verification))
    assert link, text_of(verification)
    page.goto(link.group())
    page.get_by_role("button", name=_("Confirm")).click()
    expect(page).to_have_url(re.compile(r"/eois/$"))  # signed in by confirming
    user = User.objects.get(email=email)
    assert user.emailaddress_set.get().verified
    assert user.preferred_language == language

    page.goto(live_server.url + call.get_absolute_url())
    page.get_by_role("button", name=_("Start your expression of interest")).click()
    expect(page.get_by_role("heading", name=step("organisation"), exact=True)).to_be_visible()
    page.get_by_label(asked("organisation_type")).select_option("local_cso")
    page.get_by_role("button", name=_("Save and continue")).click()
    expect(page.get_by_role("heading", name=step("project"), exact=True)).to_be_visible()
    page.get_by_label(asked("title")).fill("Community justice forums")
    with autosave_answer(page, "Local forums decide what matters.") as saved:
        page.get_by_label(asked("summary")).fill("Local forums decide what matters.")
    assert fits_the_screen(page)
    # Typing is saved by itself: the applicant closes the phone without pressing a button.
    assert saved.value.ok
    assert saved.value.json()["errors"] == {}
    expect(page.locator("[data-save-status]")).not_to_be_empty()
    eoi = ExpressionOfInterest.objects.get(owner=user)
    assert eoi.title == "Community justice forums"
    assert eoi.answers.get("summary", "") == "Local forums decide what matters."
    page.context.close()

    # Second sitting: a new context, signed in again; the draft kept what was typed.
    page = sitting(**PHONE)
    sign_in(page, live_server.url, email)
    expect(page.locator("html")).to_have_attribute("lang", language)  # the account's language
    expect(page.get_by_role("heading", name=LITERALLY[language]["dashboard"])).to_be_visible()
    draft = page.locator("article", has_text="Community justice forums")
    expect(draft).to_contain_text(_("Draft"))
    # "Continue" opens the step the applicant was on, the project.
    draft.get_by_role("link", name=_("Continue")).click()
    expect(page.get_by_role("heading", name=step("project"), exact=True)).to_be_visible()
    expect(page.get_by_label(asked("title"))).to_have_value("Community justice forums")
    expect(page.get_by_label(asked("summary"))).to_have_value("Local forums decide what matters.")
    page.get_by_label(asked("problem_context")).fill("Donor priorities crowd out local ones.")
    page.get_by_label(asked("activities_timeline")).fill("Forums, then exchanges.")
    page.get_by_label(asked("outcomes_uptake")).fill("A playbook for donors.")
    choose_country(page, asked("countries"), "Mali")
    page.get_by_label(asked("duration_months")).fill("9")
    page.get_by_role("button", name=_("Save and continue")).click()

    expect(page.get_by_role("heading", name=step("challenges"))).to_be_visible()
    page.get_by_label(re.compile(r"\b3\. ")).check()
    page.get_by_label(asked("asymmetry")).fill("Budget decisions move to the forums.")
    page.get_by_role("button", name=_("Save and continue")).click()

    expect(page.get_by_role("heading", name=step("budget"))).to_be_visible()
    page.get_by_label(asked("budget_requested")).fill("18000")
    page.get_by_label(asked("personnel_share")).fill("25")
    page.get_by_role("button", name=_("Save and continue")).click()

    expect(page.get_by_role("heading", name=step("attachments"), exact=True)).to_be_visible()
    budget = tmp_path / "budget.pdf"
    budget.write_bytes(pdf_bytes())
    page.get_by_label(asked("budget")).set_input_files(budget)
    page.get_by_role("button", name=_("Save and continue")).click()

    expect(page.get_by_role("heading", name=_("Review and submit"))).to_be_visible()
    expect(page.locator("#missing")).to_have_count(0)
    assert fits_the_screen(page)
    page.locator("#id_declares_accuracy").check()
    page.locator("#id_declares_consent").check()
    page.get_by_role("button", name=LITERALLY[language]["submit"]).click()
    expect(page.get_by_text("KMF21-0001")).to_be_visible()
    eoi.refresh_from_db()
    assert eoi.status == ExpressionOfInterest.Status.SUBMITTED
    assert eoi.reference == "KMF21-0001"

    subject, greeting, copy = RECEIPT[language]
    receipt = mail_to(mailbox, email, subject)
    body = text_of(receipt)
    assert body.startswith(greeting)
    assert copy in body
    colon = "\u00a0:" if language == "fr" else ":"  # French sets a no-break space before it
    assert f"{asked('title')}{colon} Community justice forums" in body
    assert "Budget decisions move to the forums." in body
    assert "- budget.pdf" in body
    assert sitting.errors == []


def test_the_secretariat_assigns_a_reviewer_scores_and_the_decision_is_released(
    live_server, sitting, mailbox
):
    call, _ = load_2021_call()
    applicant = ApplicantFactory(name="Awa Traoré", preferred_language="fr")
    eoi = attach_budget(
        EOIFactory(call=call, owner=applicant, challenges=[call.challenges.first()])
    )
    eoi = submissions_domain.submit_eoi(
        eoi, applicant, {"declares_accuracy": True, "declares_consent": True}
    )
    secretariat = staff("Sara Secretariat", SECRETARIAT)
    reviewer = staff("Jonas de Vries", REVIEWERS)
    desk = sitting(viewport={"width": 1200, "height": 900})
    sign_in(desk, live_server.url, secretariat.email, secretariat.totp_secret)

    # The Secretariat lands on the call's dashboard, finds the EOI in its list and assigns the
    # reviewer.
    expect(desk).to_have_url(re.compile(rf"/review/calls/{call.slug}/$"))
    desk.get_by_role("link", name="All expressions of interest").click()
    desk.get_by_role("link", name="KMF21-0001").click()
    expect(desk.get_by_role("heading", name=re.compile("KMF21-0001"))).to_be_visible()
    desk.get_by_label("Reviewer", exact=True).select_option(value=str(reviewer.pk))
    desk.get_by_role("button", name="Assign").click()
    expect(desk.get_by_text("1 assignment made.")).to_be_visible()  # on the EOI's page still
    expect(desk.locator("li", has_text="Jonas de Vries")).to_contain_text("due")
    assignment = Assignment.objects.get(eoi=eoi)
    assert assignment.reviewer == reviewer
    assignment_mail = text_of(mail_to(mailbox, reviewer.email, "1 expression"))
    assert assignment_mail.startswith("Dear Jonas")
    assert "/review/" in assignment_mail

    # The reviewer, on a phone, scores every criterion with a comment and submits.
    phone = sitting(**PHONE)
    sign_in(phone, live_server.url, reviewer.email, reviewer.totp_secret)
    phone.goto(live_server.url + "/review/")
    phone.get_by_role("link", name=re.compile("KMF21-0001")).click()
    # Who is behind it first; the application opens on declaring no conflict of interest.
    assert fits_the_screen(phone)
    phone.locator("button[name=declaration][value=no_conflict]").click()
    criteria = list(eoi_rubric(call))
    for criterion, value in zip(criteria, [5, 4, 3, 2, 5], strict=True):
        phone.locator(f"input[name=score_{criterion.pk}][value='{value}']").check()
        phone.locator(f"#id_comment_{criterion.pk}").fill(f"On {criterion.title}: {value}.")
    expect(phone.locator("[data-running-total]")).to_have_text("72.50")
    phone.get_by_label("Recommendation").select_option("invite")
    phone.get_by_label("Comment for the Secretariat and the Board").fill("Strong local ownership.")
    phone.get_by_label("Feedback for the applicant").fill("Say more about the exchanges.")
    assert fits_the_screen(phone)
    phone.get_by_role("button", name="Submit review").click()
    expect(phone.get_by_text("Your review is saved.")).to_be_visible()
    review = Review.objects.get(eoi=eoi, reviewer=reviewer)
    assert review.status == Review.Status.SUBMITTED
    assert float(review.total) == 72.5
    assert {(s.criterion_id, s.value, s.comment) for s in review.scores.all()} == {
        (c.pk, v, f"On {c.title}: {v}.") for c, v in zip(criteria, [5, 4, 3, 2, 5], strict=True)
    }
    phone.context.close()

    # The call closes (decisions wait for the deadline); the Secretariat sees the scores,
    # decides with feedback, and releases the decision.
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    desk.reload()
    reviews = desk.locator("table", has_text="Weighted total")
    expect(reviews).to_contain_text("Jonas de Vries")
    expect(reviews).to_contain_text("72.50")
    expect(reviews).to_contain_text(f"On {criteria[0].title}: 5.")
    expect(reviews).to_contain_text("Say more about the exchanges.")
    desk.get_by_label("Outcome").select_option("invited")
    feedback = "The Board liked the forums. Tell us more about uptake."
    desk.get_by_label("Feedback for the applicant").fill(feedback)
    desk.get_by_role("button", name="Save decision").click()
    expect(desk.get_by_text("Decision saved.")).to_be_visible()
    assert not mailbox_has(mailbox, applicant.email, "Le résultat")  # not before release
    desk.get_by_role("button", name="Release this decision to the applicant").click()
    # The page that says who will hear what comes first; nothing is released before it.
    expect(desk.get_by_role("region", name="Who will hear what")).to_contain_text("Awa Traoré")
    assert not mailbox_has(mailbox, applicant.email, "Le résultat")
    desk.get_by_role("button", name="Apply to 1 expression of interest").click()
    expect(desk.get_by_text("1 decision released.")).to_be_visible()
    expect(desk.get_by_text("Invited to full proposal · released")).to_be_visible()
    desk.get_by_role("link", name="All expressions of interest").click()
    row = desk.get_by_role("row", name=re.compile("KMF21-0001"))
    expect(row).to_contain_text("1/1")  # submitted reviews / reviewers
    expect(row).to_contain_text("72.5")
    expect(row).to_contain_text("Invited to full proposal")
    assert Decision.objects.get(eoi=eoi).released_at is not None
    eoi.refresh_from_db()
    assert eoi.status == ExpressionOfInterest.Status.INVITED

    # The applicant chose French: the decision comes in French, with the feedback.
    decision = mail_to(
        mailbox, applicant.email, "Le résultat pour votre manifestation d’intérêt KMF21-0001"
    )
    body = text_of(decision)
    assert body.startswith("Bonjour Awa")
    assert f"La décision\u00a0: {t('fr', 'Invited to full proposal')}." in body
    assert feedback in body
    assert sitting.errors == []


def mailbox_has(mailbox, address, subject_start):
    return any(
        m["To"] == address and subject(m).startswith(subject_start) for m in mailbox.messages
    )
