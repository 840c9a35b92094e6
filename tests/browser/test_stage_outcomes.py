"""A later stage's outcome in a real browser, on a 360-px phone: the Secretariat releases the
full proposal's decision from the EOI's page through the page that says who will hear what, and
the applicant reads every released outcome, in order, with its feedback, on their own page. No
serious axe violation and no sideways scrolling on either side."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import SECRETARIAT
from notifications.models import OutboundEmail
from review import domain
from review.models import Decision
from submissions.models import Call, ExpressionOfInterest, Stage
from tests.browser.pages import inspect, record, sign_in
from tests.factories import ApplicantFactory, CallFactory, EOIFactory, give_role

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}}
Status = ExpressionOfInterest.Status


def test_the_secretariat_releases_the_proposals_outcome_and_the_applicant_reads_it(site, browser):
    call = CallFactory(reference_prefix="KMF21")
    Stage.objects.create(call=call, order=1, kind=Stage.Kind.EXPRESSION_OF_INTEREST)
    # The full proposal's deadline has just passed: its outcome can be decided.
    Stage.objects.create(
        call=call,
        order=2,
        kind=Stage.Kind.FULL_PROPOSAL,
        closes_at=timezone.now() - timedelta(seconds=30),
    )
    Stage.objects.create(call=call, order=3, kind=Stage.Kind.INTERVIEW)
    applicant = ApplicantFactory(name="Awa Traoré")
    eoi = EOIFactory(call=call, owner=applicant, status=Status.UNDER_REVIEW, reference="KMF21-0001")
    secretariat = give_role(ApplicantFactory(name="Sanne Bakker"), SECRETARIAT)
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    eoi.refresh_from_db()
    domain.decide(eoi, Status.INVITED, secretariat, feedback="Strong local lead.")
    domain.release(Decision.objects.filter(eoi=eoi), secretariat)
    eoi.refresh_from_db()
    domain.decide(eoi, Status.SHORTLISTED, secretariat, feedback="A clear plan for uptake.")
    problems = []

    desk_context = browser.new_context(**PHONE)
    sign_in(desk_context, site.url, secretariat)
    desk = record(desk_context.new_page())
    desk.goto(site.url + reverse("review:secretariat_eoi", args=[eoi.uuid]))
    expect(desk.get_by_role("heading", name="Decision · Full proposal")).to_be_visible()
    desk.get_by_role("button", name="Release this decision to the applicant").click()
    who = desk.get_by_role("region", name="Who will hear what")
    expect(who).to_contain_text("Full proposal · Shortlisted for interview")
    expect(who).to_contain_text("Awa Traoré")
    problems += inspect(desk, "release-confirmation-360", origin=site.url)
    assert not OutboundEmail.objects.filter(event="proposal_decision").exists()
    desk.get_by_role("button", name="Apply to 1 expression of interest").click()
    expect(desk.get_by_text("1 decision released.")).to_be_visible()
    desk_context.close()

    eoi.refresh_from_db()
    assert eoi.status == Status.SHORTLISTED
    assert eoi.stage.kind == Stage.Kind.INTERVIEW
    assert OutboundEmail.objects.filter(event="proposal_decision", to=applicant.email).count() == 1

    phone_context = browser.new_context(**PHONE)
    sign_in(phone_context, site.url, applicant)
    phone = record(phone_context.new_page())
    phone.goto(site.url + reverse("submissions:eoi_detail", args=[eoi.uuid]))
    outcomes = phone.get_by_role("region", name="Outcomes")
    expect(outcomes.get_by_role("listitem")).to_have_count(2)
    expect(outcomes.get_by_role("listitem").first).to_contain_text(
        "Expression of interest: Invited to full proposal"
    )
    expect(outcomes.get_by_role("listitem").last).to_contain_text(
        "Full proposal: Shortlisted for interview"
    )
    expect(outcomes).to_contain_text("A clear plan for uptake.")
    problems += inspect(phone, "applicant-outcomes-360", origin=site.url)
    phone_context.close()

    assert problems == []
