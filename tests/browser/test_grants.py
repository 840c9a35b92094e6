"""Recording a grant on a phone: over the limit it is refused with the limit named and what was
typed kept; within it, it is saved; the grant page and the list pass every page's checks."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.roles import SECRETARIAT
from awards import domain
from submissions.models import Stage
from tests.browser.pages import inspect, record, sign_in
from tests.factories import ApplicantFactory, CallFactory, EOIFactory, give_role

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("language", "amount_label", "save", "refusal"),
    [
        ("en", "Amount granted (€)", "Record the grant", "€8,000.00 left"),
        ("fr", "Montant accordé (€)", "Enregistrer la subvention", "8\u202f000,00"),
    ],
)
def test_a_grant_over_the_funds_left_is_refused_then_one_within_them_saved(
    live_server, browser, language, amount_label, save, refusal
):
    call = CallFactory(budget_available=Decimal("30000"), reference_prefix="KMF21")
    secretariat = ApplicantFactory(is_staff=True, preferred_language=language)
    give_role(secretariat, SECRETARIAT)
    award = Stage.objects.create(call=call, order=2, kind=Stage.Kind.AWARD)
    earlier = EOIFactory(call=call, status="recommended", stage=award, reference="KMF21-0001")
    domain.record_grant(earlier, Decimal("18000"), "", secretariat)
    # Funds left: €12,000; now another grant of €4,000 takes them to €8,000.
    other = EOIFactory(call=call, status="recommended", stage=award, reference="KMF21-0002")
    domain.record_grant(other, Decimal("4000"), "", secretariat)
    eoi = EOIFactory(call=call, status="recommended", stage=award, reference="KMF21-0003")
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale=language)
    page = record(context.new_page())
    sign_in(context, live_server.url, secretariat)

    page.goto(f"{live_server.url}/awards/eois/{eoi.uuid}/")
    page.get_by_label(amount_label).fill("9000")
    page.locator("textarea").fill("A final report.")
    page.get_by_role("button", name=save).click()

    expect(page.get_by_text(refusal).first).to_be_visible()
    expect(page.get_by_label(amount_label)).to_have_value("9000")
    expect(page.locator("textarea")).to_have_value("A final report.")
    assert inspect(page, f"{language}-grant-refused", origin=live_server.url) == []

    page.get_by_label(amount_label).fill("8000")
    page.get_by_role("button", name=save).click()

    expect(page.locator(".alert-success")).to_be_visible()
    eoi.grant.refresh_from_db()
    assert eoi.grant.amount == Decimal("8000")
    assert inspect(page, f"{language}-grant-saved", origin=live_server.url) == []
    page.goto(f"{live_server.url}/awards/calls/{call.slug}/")
    expect(page.get_by_role("link", name="KMF21-0003")).to_be_visible()
    assert inspect(page, f"{language}-grant-list", origin=live_server.url) == []
    context.close()
