"""Every applicant page and the main review pages, in English and French, on a 360-px phone:
no serious or critical WCAG 2.1 AA violation (axe-core), no sideways scrolling, applicant pages
under 200 KB on a first visit (as sent, and uncompressed too), and no request to another origin.
Full-page screenshots land in test-results/screenshots/."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core import mail as django_mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import REVIEWERS, SECRETARIAT
from notifications.models import OutboundEmail
from review import domain as review_domain
from review.models import Assignment, eoi_rubric
from submissions import domain as submissions_domain
from submissions.kmf2021 import load_2021_call
from submissions.models import ExpressionOfInterest
from tests.browser.pages import inspect, no_cache, record, sign_in
from tests.factories import ApplicantFactory, EOIFactory, answer_everything, give_role
from tests.files import attach_budget

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["en", "fr"]
PASSWORD = "correct horse battery"  # the factories'
PHONE = {"viewport": {"width": 360, "height": 740}, "timezone_id": "Africa/Bamako"}


class Walk:
    """Goes from page to page on one phone, collecting what is wrong with each."""

    def __init__(self, browser, site, language, *, weigh):
        self.context = browser.new_context(**PHONE, locale=language)
        self.page = record(self.context.new_page())
        no_cache(self.page)
        self.site, self.language, self.weigh = site, language, weigh
        self.problems = []

    def check(self, name):
        self.problems += inspect(
            self.page, f"{self.language}-{name}", origin=self.site.url, weigh=self.weigh
        )

    def visit(self, path, name, status=200):
        response = self.page.goto(self.site.url + path)
        assert response.status == status, f"{path}: {response.status}"
        self.check(name)

    def finish(self):
        self.context.close()
        weights = ", ".join(
            f"{name} {sent / 1024:.0f}/{whole / 1024:.0f} KB"
            for name, (sent, whole) in self.page.weights.items()
        )
        print(f"\nFirst-load weights (sent/uncompressed): {weights}")
        assert self.problems == [], "\n" + "\n".join(self.problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_applicant_pages(site, browser, language):
    call, _ = load_2021_call()
    walk = Walk(browser, site, language, weigh=True)
    page = walk.page

    walk.visit("/", "home")
    walk.visit(call.get_absolute_url(), "call")
    walk.visit("/accounts/signup/", "signup")
    page.locator("#id_email").fill("amina@example.org")
    page.locator("#id_name").fill("Amina Diallo")
    page.locator("#id_country").select_option("ML")
    page.locator("#id_password1").fill("short")
    page.locator("#id_password2").fill("different")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_focused()
    walk.check("signup-errors")
    walk.visit("/accounts/login/", "login")
    walk.visit("/accounts/password/reset/", "password-reset")
    walk.visit("/accounts/confirm-email/", "verification-sent")
    walk.visit("/accounts/privacy/", "privacy")
    walk.visit("/help/", "help")
    walk.visit("/timezone/", "time-zone")
    walk.visit("/no-such-page/", "not-found", status=404)

    applicant = ApplicantFactory(preferred_language=language)
    sign_in(walk.context, site.url, applicant)
    walk.visit("/eois/", "dashboard-empty")
    walk.visit("/accounts/profile/", "profile")
    walk.visit(call.get_absolute_url(), "call-signed-in")
    page.locator("form[action$='/apply/'] button").click()
    expect(page.locator("[aria-current=step]")).to_have_count(1)
    walk.check("step-1-organisation")

    eoi = ExpressionOfInterest.objects.get(owner=applicant)
    steps = f"/eois/{eoi.uuid}/"
    walk.visit(steps + "project/", "step-2-project")
    page.locator("input[name=duration_months]").fill("99")  # the call allows 9 months
    page.locator("button[value=stay]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    walk.check("step-2-project-errors")
    walk.visit(steps + "challenges/", "step-3-challenges")
    walk.visit(steps + "budget/", "step-4-budget")
    walk.visit(steps + "attachments/", "step-5-attachments")
    walk.visit(steps + "submit/", "step-6-submit-incomplete")

    # The rest of the answers, as if typed in.
    answer_everything(eoi)
    attach_budget(eoi)

    walk.visit(steps + "attachments/", "step-5-attachments-with-file")
    walk.visit(steps + "submit/", "step-6-submit")
    for box in page.locator("form input[type=checkbox]").all():
        box.check()
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_text("KMF21-0001").first).to_be_visible()
    walk.check("receipt")
    walk.visit("/eois/", "dashboard")
    walk.visit(steps, "eoi-detail")
    page.locator(f"a[href$='/{eoi.uuid}/withdraw/']").click()
    walk.check("withdraw-confirmation")
    page.locator("main form a.btn").click()  # "No, keep it"
    expect(page).to_have_url(site.url + steps)
    eoi.refresh_from_db()
    assert eoi.status == ExpressionOfInterest.Status.SUBMITTED
    page.locator(f"a[href$='/{eoi.uuid}/withdraw/']").click()
    page.locator("main form button[type=submit]").click()  # "Yes, withdraw it"
    expect(page).to_have_url(site.url + "/eois/")
    eoi.refresh_from_db()
    assert eoi.status == ExpressionOfInterest.Status.WITHDRAWN
    walk.check("after-withdrawal")
    walk.finish()


@pytest.mark.parametrize("language", LANGUAGES)
def test_coapplicant_pages(site, browser, language):
    """The lead's page of co-applicants, filled in by keyboard; the invitation's pages; and
    the co-applicant's list, EOI and step with questions the lead keeps."""
    from submissions import coapplicants

    call, _ = load_2021_call()
    lead = ApplicantFactory(preferred_language=language)
    partner_row = {"country": "ML", "role": "Forums", "budget_share": "20", "not_named": False}
    eoi = EOIFactory(
        call=call,
        owner=lead,
        challenges=list(call.challenges.all()[:1]),
        partners=[
            {**partner_row, "name": "Université de Bamako", "email": "prof@example.org"},
            {**partner_row, "name": "Voix des Femmes", "email": "second@example.org"},
        ],
    )
    walk = Walk(browser, site, language, weigh=False)
    page = walk.page
    sign_in(walk.context, site.url, lead)
    walk.visit(f"/eois/{eoi.uuid}/co-applicants/", "coapplicants-empty")
    # By keyboard: the address, a step's box, the button.
    page.locator("#id_email").focus()
    page.keyboard.type("not an address")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("input[name=parts]").first).to_be_checked()
    page.locator("main form button[type=submit]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#error-summary")).to_be_visible()
    walk.check("coapplicants-errors")
    page.locator("#id_email").fill("partner@example.org")
    page.locator("input[value='question:budget_requested']").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main li").first).to_contain_text("partner@example.org")
    walk.check("coapplicants-invited")
    page.locator(f"a[href*='/{eoi.uuid}/co-applicants/']").first.click()
    expect(page.locator("input[value='question:budget_requested']")).to_be_checked()
    walk.check("coapplicant-parts")
    invitation = coapplicants.invite(eoi, lead, "second@example.org", ["step:project"])
    url = f"/invitations/{invitation.token}/"

    visitor = Walk(browser, site, language, weigh=False)
    visitor.visit(url, "invitation-sign-in")
    visitor.visit("/invitations/forged/", "invitation-invalid", status=404)
    stranger = ApplicantFactory(preferred_language=language)
    sign_in(visitor.context, site.url, stranger)
    visitor.visit(url, "invitation-other-address")
    partner = ApplicantFactory(email="second@example.org", preferred_language=language)
    sign_in(visitor.context, site.url, partner)
    visitor.visit(url, "invitation")
    visitor.page.locator("main form button[type=submit]").click()
    expect(visitor.page).to_have_url(site.url + eoi.get_absolute_url())
    visitor.check("eoi-detail-coapplicant")
    visitor.visit("/eois/", "dashboard-coapplicant")
    # One question of a step opened beside a whole step: the step says what the lead keeps.
    type(invitation).objects.filter(pk=invitation.pk).update(
        parts=["step:project", "question:budget_requested"]
    )
    visitor.visit(f"/eois/{eoi.uuid}/budget/", "step-coapplicant")
    # Their own partner row only: the lead's rows named, not in the form.
    type(invitation).objects.filter(pk=invitation.pk).update(
        parts=["step:project", coapplicants.OWN_PARTNER_ROW]
    )
    visitor.visit(f"/eois/{eoi.uuid}/budget/", "step-coapplicant-own-row")
    expect(visitor.page.locator("[name=partners-own-role]")).to_have_value("Forums")
    visitor.finish()
    walk.finish()


@pytest.mark.parametrize("language", LANGUAGES)
def test_review_pages(site, browser, language):
    call, _ = load_2021_call()
    secretariat = give_role(ApplicantFactory(preferred_language=language), SECRETARIAT)
    reviewer = give_role(ApplicantFactory(preferred_language=language), REVIEWERS)

    walk = Walk(browser, site, language, weigh=False)
    sign_in(walk.context, site.url, reviewer)
    walk.visit("/review/", "reviewer-no-assignments")
    walk.context.clear_cookies()
    sign_in(walk.context, site.url, secretariat)
    walk.visit(f"/review/calls/{call.slug}/eois/", "secretariat-list-empty")
    walk.visit(f"/review/calls/{call.slug}/reviews/", "secretariat-reviews-empty")
    walk.visit(f"/review/calls/{call.slug}/assignments/", "secretariat-assignments-empty")

    eoi = EOIFactory(
        call=call,
        status="under_review",
        reference="KMF21-0001",
        challenges=[call.challenges.first()],
        # The provider reported a bounce: the page warns the Secretariat (checked like the rest).
        owner__mail_problem="bounced",
        owner__mail_problem_at=timezone.now(),
    )
    review_domain.assign([eoi], reviewer, secretariat)
    walk.visit("/review/", "secretariat-home")
    walk.visit(f"/review/calls/{call.slug}/", "secretariat-dashboard")
    walk.visit(f"/review/calls/{call.slug}/eois/", "secretariat-list")
    walk.visit(f"/review/calls/{call.slug}/assignments/", "secretariat-assignments")
    walk.visit(f"/review/secretariat/eois/{eoi.uuid}/", "secretariat-eoi")
    bounced = {"en": "bounces", "fr": "revient"}[language]
    expect(walk.page.get_by_role("status").filter(has_text=bounced)).to_be_visible()
    walk.visit(f"/review/calls/{call.slug}/auto-assign/", "secretariat-auto-assign")

    walk.context.clear_cookies()
    sign_in(walk.context, site.url, reviewer)
    walk.visit("/review/", "reviewer-assignments")
    walk.visit("/review/expertise/", "reviewer-expertise")
    walk.visit(f"/review/eois/{eoi.uuid}/", "review-conflict-check")
    walk.page.locator("button[name=declaration][value=no_conflict]").click()
    walk.page.locator("[data-running-total]").wait_for()
    walk.check("review-scoring")
    walk.page.locator("button[type=submit][name=submit]").click()  # nothing scored yet
    walk.check("review-scoring-errors")
    walk.visit(f"/review/eois/{eoi.uuid}/conflict/", "review-conflict")

    # Once their review is in: the other reviews and the discussion, on both sides.
    other = give_role(ApplicantFactory(name="Awa Traoré"), REVIEWERS)
    (other_assignment,) = review_domain.assign([eoi], other, secretariat)
    review_domain.declare_no_conflict(other_assignment, other)
    for person, assignment in (
        (reviewer, Assignment.objects.get(eoi=eoi, reviewer=reviewer)),
        (other, other_assignment),
    ):
        review_domain.save_review(
            assignment,
            person,
            dict.fromkeys(eoi_rubric(call), (3, "A score note. " * 20)),
            "invite",
            "An internal comment that runs long enough to wrap on a phone. " * 5,
            "Feedback for the applicant.",
            submit=True,
        )
    review_domain.post_comment(eoi, other, "https://example.org/" + "a-very-long-address" * 8)
    walk.visit(f"/review/eois/{eoi.uuid}/", "review-discussion")
    walk.context.clear_cookies()
    sign_in(walk.context, site.url, secretariat)
    walk.visit(f"/review/secretariat/eois/{eoi.uuid}/", "secretariat-eoi-discussion")
    walk.visit(f"/review/calls/{call.slug}/reviews/", "secretariat-reviews")
    # The outbox: the mails the assignments and the comment queued, and a failed account mail.
    OutboundEmail.objects.create(
        key="walk-failed",
        event="account",
        to="someone-with-a-rather-long-address@example.org",
        language=language,
        subject="[KMF] Password reset",
        status=OutboundEmail.Status.FAILED,
        attempts=5,
        last_error="SMTPServerDisconnected: Connection unexpectedly closed " * 3,
    )
    walk.visit("/review/outbox/", "secretariat-outbox")
    walk.visit("/review/outbox/?status=sending&columns=status", "secretariat-outbox-no-match")
    walk.finish()


@pytest.mark.parametrize("language", LANGUAGES)
def test_account_pages(site, browser, language):
    """allauth's other pages, as the site words them: the email addresses, the password, signing
    out, confirming it is you, and the two-factor pages (setting up, recovery codes, turning
    off)."""
    walk = Walk(browser, site, language, weigh=False)
    page = walk.page

    def confirm_it_is_me(name):
        walk.visit(reverse("account_reauthenticate"), name)
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").click()
        expect(page).not_to_have_url(re.compile("reauthenticate"))

    walk.visit(reverse("account_inactive"), "account-inactive")
    walk.visit(reverse("account_confirm_email", args=["no-such-key"]), "email-confirm-dead-link")
    applicant = ApplicantFactory(preferred_language=language)
    second = EmailAddress.objects.create(user=applicant, email="second@example.org", verified=False)
    sign_in(walk.context, site.url, applicant)
    walk.visit(reverse("account_email"), "email-addresses")
    second.delete()  # an address not confirmed bars setting up an authenticator
    walk.visit(reverse("account_change_password"), "password-change")
    walk.visit(reverse("account_logout"), "sign-out")
    walk.visit(reverse("mfa_index"), "two-factor-off")
    confirm_it_is_me("reauthenticate")
    walk.visit(reverse("mfa_activate_totp"), "two-factor-set-up")
    expect(page.locator("#authenticator_secret")).to_be_visible()

    reviewer = give_role(ApplicantFactory(preferred_language=language), REVIEWERS)
    RecoveryCodes.activate(reviewer)
    walk.context.clear_cookies()
    sign_in(walk.context, site.url, reviewer)
    walk.visit(reverse("mfa_index"), "two-factor-on")
    walk.visit(reverse("mfa_reauthenticate"), "two-factor-reauthenticate")
    confirm_it_is_me("reauthenticate-with-alternatives")
    walk.visit(reverse("mfa_view_recovery_codes"), "recovery-codes")
    walk.visit(reverse("mfa_generate_recovery_codes"), "recovery-codes-new")
    walk.visit(reverse("mfa_deactivate_totp"), "two-factor-turn-off")
    walk.finish()


@pytest.mark.parametrize("language", LANGUAGES)
def test_partner_pages(site, browser, language):
    """A partner's confirmation, by its link without an account and from an account, and the
    applicant's page that shows the partners and asks them."""
    call, _ = load_2021_call()
    applicant = ApplicantFactory(preferred_language=language)
    eoi = attach_budget(
        EOIFactory(call=call, owner=applicant, challenges=[call.challenges.first()])
    )
    partners = [
        {"name": "Femmes de Mopti", "country": "ML", "role": "Hosts the forums",
         "budget_share": 30, "locally_led": True, "email": "fm@example.org", "not_named": True},
        {"name": "Lawyers Abroad", "country": "FR", "role": "Training", "budget_share": 10,
         "locally_led": False, "email": "la@example.org", "not_named": False},
    ]  # fmt: skip
    eoi.refresh_from_db()
    submissions_domain.save_step(eoi, applicant, eoi.version, {"partners": partners})
    walk = Walk(browser, site, language, weigh=False)
    page = walk.page

    sign_in(walk.context, site.url, applicant)
    walk.visit(eoi.get_absolute_url(), "eoi-detail-partners")
    page.locator("#ask-partners button[type=submit]").click()
    expect(page.locator("#partners")).to_be_visible()
    walk.check("eoi-detail-partners-asked")
    # The link is read from the mail as sent: the outbox forgets a sent link's body.
    (sent,) = [message for message in django_mail.outbox if message.to == ["fm@example.org"]]
    link = re.search(r"/partners/confirm/[^/\s]+/", sent.body).group(0)

    walk.context.clear_cookies()
    walk.visit(link, "partner-confirm")
    page.locator("main form button[type=submit]").click()  # no answer chosen
    walk.check("partner-confirm-errors")
    page.locator("input[value=confirm]").check()
    page.locator("main form button[type=submit]").click()
    expect(page.locator("h1")).to_have_count(1)
    walk.check("partner-answered")
    walk.visit(link, "partner-link-gone", status=404)

    person = ApplicantFactory(email="la@example.org", preferred_language=language)
    sign_in(walk.context, site.url, person)
    walk.visit("/partners/", "my-partnerships")
    page.locator("main a.btn").first.click()
    walk.check("partner-answer-from-account")
    walk.finish()
