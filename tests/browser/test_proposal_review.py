"""The second round of review on a 360-px phone, in English and French: the reviewer's conflict
check and scoring of a full proposal, the Secretariat's list, automatic assignment and the
Review Board's page (axe-core, no sideways scrolling, as tests/browser/test_every_page.py)."""

import pytest

from accounts.roles import REVIEWERS, SECRETARIAT
from review import domain as review_domain
from review.models import BoardMeeting, Criterion
from submissions import proposals
from submissions.models import Proposal, Stage
from tests.browser.pages import sign_in
from tests.browser.test_every_page import LANGUAGES, Walk
from tests.factories import ApplicantFactory, give_role
from tests.submissions.proposal_helpers import COMPLETE, DECLARED, invited_eoi

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_proposal_review_pages(site, browser, language):
    secretariat = give_role(ApplicantFactory(preferred_language=language), SECRETARIAT)
    reviewer = give_role(ApplicantFactory(preferred_language=language), REVIEWERS)
    eoi = invited_eoi()
    stage = eoi.stage
    Stage.objects.filter(pk=stage.pk).update(reviewed=True)
    stage.refresh_from_db()
    for position, (title, weight) in enumerate([("Plan", 70), ("Budget", 30)], start=1):
        Criterion.objects.create(
            call=eoi.call, stage=stage, position=position, title=title, weight=weight
        )
    proposal = Proposal.objects.get(eoi=eoi)
    Proposal.objects.filter(pk=proposal.pk).update(answers={**proposal.answers, **COMPLETE})
    proposals.submit(Proposal.objects.get(pk=proposal.pk), eoi.owner, DECLARED)
    (assignment,) = review_domain.assign([eoi], reviewer, secretariat, stage=stage)
    BoardMeeting.objects.create(
        stage=stage, held_on="2026-12-01", notes="The Board met. " * 30, recorded_by=secretariat
    )
    call = eoi.call

    walk = Walk(browser, site, language, weigh=False)
    sign_in(walk.context, site.url, reviewer)
    walk.visit("/review/", "reviewer-proposal-assignments")
    walk.visit(f"/review/eois/{eoi.uuid}/stages/{stage.pk}/", "review-proposal-conflict-check")
    walk.page.locator("button[name=declaration][value=no_conflict]").click()
    walk.page.locator("[data-running-total]").wait_for()
    walk.check("review-proposal-scoring")
    walk.context.clear_cookies()
    sign_in(walk.context, site.url, secretariat)
    walk.visit(f"/review/calls/{call.slug}/proposals/", "secretariat-proposals")
    walk.visit(
        f"/review/calls/{call.slug}/stages/{stage.pk}/auto-assign/", "secretariat-auto-assign-stage"
    )
    review_domain.save_review(
        assignment, reviewer, dict.fromkeys(stage.criteria.all(), (4, "")), "invite", "", "", True
    )
    walk.visit(f"/review/calls/{call.slug}/stages/{stage.pk}/board/", "secretariat-board")
    walk.finish()
