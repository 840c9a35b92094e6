"""Each stage is decided and released on its own (issue 15, item 6): one decision per EOI and
stage, released after the stage's deadline (at once for a stage without dates), with the mail
of its stage to the lead and each active co-applicant, after a confirmation page that says who
hears what. The applicant's page and data download show every released outcome, in order, and
never one still internal."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from audit import trail
from audit.models import AuditEntry
from audit.wording import sentence
from awards import domain as awards_domain
from notifications.models import OutboundEmail
from review import domain
from review.models import Decision, current_decision
from review.selectors import decisions_of
from submissions import coapplicants
from submissions.lifecycle import DomainError
from submissions.models import ExpressionOfInterest, Stage
from submissions.selectors import released_outcomes
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db
Status = ExpressionOfInterest.Status
EOI, PROPOSAL, INTERVIEW, AWARD = Stage.Kind


def add_stages(call, *kinds, dated=(PROPOSAL,)):
    """The call's stages after the EOI; those in `dated` run from 2 to 10 days after the EOI
    deadline, the others are "to be announced"."""
    stages = {EOI: Stage.objects.create(call=call, order=1, kind=EOI)}
    for order, kind in enumerate(kinds, start=2):
        dates = {}
        if kind in dated:
            dates = {
                "opens_at": call.closes_at + timedelta(days=2),
                "closes_at": call.closes_at + timedelta(days=10),
            }
        stages[kind] = Stage.objects.create(call=call, order=order, kind=kind, **dates)
    return stages


def client_of(person):
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def partner(db):
    return ApplicantFactory(email="partner@example.org", name="Awa Traoré")


@pytest.fixture
def staged(rubric_call, make_eoi, partner):
    """A submitted EOI with an accepted co-applicant (and a revoked one), in a call with every
    stage, the full proposal dated."""
    stages = add_stages(rubric_call, PROPOSAL, INTERVIEW, AWARD)
    eoi = make_eoi(title="Forums in Mopti")
    invitation = coapplicants.invite(eoi, eoi.owner, partner.email, ["step:project"])
    coapplicants.accept(invitation, partner)
    gone = coapplicants.invite(eoi, eoi.owner, "gone@example.org", ["step:project"])
    coapplicants.accept(gone, ApplicantFactory(email="gone@example.org", name="Gone Person"))
    coapplicants.revoke(gone, eoi.owner)
    return eoi, stages


def decide_and_release(eoi, outcome, secretariat, feedback, now):
    domain.decide(eoi, outcome, secretariat, feedback=feedback, now=now)
    domain.release(Decision.objects.filter(eoi=eoi), secretariat, now=now)
    return ExpressionOfInterest.objects.select_related("stage").get(pk=eoi.pk)


def mails(eoi):
    """The decisions' mails about the EOI (the co-applicants' invitations aside)."""
    told = OutboundEmail.objects.filter(eoi=eoi, event__endswith="decision")
    return sorted(told.values_list("event", "to"))


def test_each_stage_is_decided_and_released_in_turn_with_its_mail(staged, secretariat, partner):
    eoi, stages = staged
    after_eoi = eoi.call.closes_at + timedelta(days=1)
    lead = eoi.owner.email

    eoi = decide_and_release(eoi, Status.INVITED, secretariat, "Strong local lead.", after_eoi)
    assert (eoi.status, eoi.stage) == (Status.INVITED, stages[PROPOSAL])
    assert mails(eoi) == sorted([("decision", lead), ("decision", partner.email)])
    assert current_decision(eoi) is None  # the proposal's: not decided yet

    # The proposal stage has dates: it is decided after it closes, not before.
    with pytest.raises(DomainError, match="decide after that"):
        domain.decide(eoi, Status.SHORTLISTED, secretariat, now=after_eoi)
    after_proposal = stages[PROPOSAL].closes_at + timedelta(minutes=1)
    eoi = decide_and_release(eoi, Status.SHORTLISTED, secretariat, "Clear plan.", after_proposal)
    assert (eoi.status, eoi.stage) == (Status.SHORTLISTED, stages[INTERVIEW])
    proposal_mails = OutboundEmail.objects.filter(eoi=eoi, event="proposal_decision")
    assert sorted(proposal_mails.values_list("to", flat=True)) == sorted([lead, partner.email])
    assert all("Clear plan." in mail.body_text for mail in proposal_mails)
    assert all("Shortlisted for interview" in mail.body_text for mail in proposal_mails)

    # The interview has no dates: its decision may be released as soon as the EOI is in it.
    eoi = decide_and_release(eoi, Status.RECOMMENDED, secretariat, "Convincing.", after_proposal)
    assert (eoi.status, eoi.stage) == (Status.RECOMMENDED, stages[AWARD])
    awards_domain.record_grant(eoi, Decimal("15000"), "", secretariat)  # an award needs one
    eoi = decide_and_release(eoi, Status.AWARDED, secretariat, "Congratulations.", after_proposal)
    assert (eoi.status, eoi.stage) == (Status.AWARDED, stages[AWARD])

    assert list(
        Decision.objects.filter(eoi=eoi)
        .order_by("released_at", "pk")
        .values_list("stage__kind", "outcome")
    ) == [
        (None, Status.INVITED),
        (PROPOSAL, Status.SHORTLISTED),
        (INTERVIEW, Status.RECOMMENDED),
        (AWARD, Status.AWARDED),
    ]
    assert [event for event, _to in mails(eoi) if _to == lead] == [
        "award_decision",
        "decision",
        "interview_decision",
        "proposal_decision",
    ]
    made = (
        AuditEntry.objects.filter(action="decision.made")
        .order_by("pk")
        .values_list("details", flat=True)
    )
    assert [entry["stage"] for entry in made] == ["eoi", "proposal", "interview", "award"]
    released = AuditEntry.objects.filter(action="decision.released").order_by("pk")
    assert [sentence(entry) for entry in released] == [
        f"{secretariat} released the decision of the stage “Expression of interest”: "
        "Invited to full proposal.",
        f"{secretariat} released the decision of the stage “Full proposal”: "
        "Shortlisted for interview.",
        f"{secretariat} released the decision of the stage “Interview”: Recommended for an award.",
        f"{secretariat} released the decision of the stage “Award”: Awarded a grant.",
    ]
    # Released, a stage is decided: no second decision, and nothing released twice.
    with pytest.raises(DomainError, match="not up for a decision"):
        domain.decide(eoi, Status.NOT_SELECTED, secretariat, now=after_proposal)
    assert domain.release(Decision.objects.filter(eoi=eoi), secretariat, now=after_proposal) == 0


def test_a_release_recorded_before_stages_were_named_still_reads(make_eoi, secretariat):
    eoi = make_eoi()
    entry = trail.record(
        secretariat, "decision.released", eoi, previous_status="under_review", status="invited"
    )

    assert sentence(entry) == f"{secretariat} released the decision: Invited to full proposal."


def test_a_call_that_skips_kinds_goes_to_the_next_stages_outcomes(
    rubric_call, make_eoi, secretariat
):
    stages = add_stages(rubric_call, AWARD, dated=())
    eoi = make_eoi()
    after = rubric_call.closes_at + timedelta(days=1)

    eoi = decide_and_release(eoi, Status.INVITED, secretariat, "", after)
    assert eoi.stage == stages[AWARD]
    with pytest.raises(DomainError, match="not an outcome of the award stage"):
        domain.decide(eoi, Status.SHORTLISTED, secretariat, now=after)
    # Invited, and in the award stage (the call skips the proposal and interview): it holds a
    # grant there, which its award needs.
    awards_domain.record_grant(eoi, Decimal("9000"), "", secretariat)
    eoi = decide_and_release(eoi, Status.AWARDED, secretariat, "", after)

    assert eoi.status == Status.AWARDED
    assert OutboundEmail.objects.filter(eoi=eoi, event="award_decision").count() == 1


def test_an_eoi_only_call_keeps_its_one_decision(make_eoi, secretariat):
    eoi = make_eoi()
    after = eoi.call.closes_at + timedelta(days=1)

    eoi = decide_and_release(eoi, Status.INVITED, secretariat, "", after)

    assert (eoi.status, eoi.stage) == (Status.INVITED, None)
    with pytest.raises(DomainError, match="not up for a decision"):
        domain.decide(eoi, Status.WAITLISTED, secretariat, now=after)
    assert Decision.objects.get(eoi=eoi).outcome == Status.INVITED


def test_eois_of_different_stages_are_refused_together(
    client, staged, make_eoi, secretariat, after_the_deadline
):
    invited, stages = staged
    ExpressionOfInterest.objects.filter(pk=invited.pk).update(stage=stages[INTERVIEW])
    other = make_eoi()

    with pytest.raises(DomainError, match="in different stages"):
        domain.decide_all([invited, other], Status.NOT_SELECTED, secretariat)
    client.force_login(secretariat)
    response = client.post(
        reverse("review:bulk_action", args=[other.call.slug]),
        {"action": "decide", "outcome": "not_selected", "eoi": [invited.uuid, other.uuid]},
        follow=True,
    )

    page = response.content.decode()
    assert "in different stages (Interview, Expression of interest)" in page
    assert not Decision.objects.exists()


def test_the_bulk_menu_offers_each_stages_outcomes(client, rubric_call, make_eoi, secretariat):
    make_eoi()
    client.force_login(secretariat)
    url = reverse("review:eoi_list", args=[rubric_call.slug])

    alone = client.get(url).content.decode()
    add_stages(rubric_call, PROPOSAL, INTERVIEW)
    staged = client.get(url).content.decode()

    menu = alone[alone.index('name="outcome"') : alone.index("</select>", alone.index('"outcome"'))]
    assert menu.count("<optgroup") == 1
    assert 'optgroup label="Expression of interest"' in menu
    assert "Shortlisted" not in menu
    menu = staged[
        staged.index('name="outcome"') : staged.index("</select>", staged.index('"outcome"'))
    ]
    assert menu.count("<optgroup") == 3
    assert '<optgroup label="Full proposal"><option value="shortlisted">' in menu
    assert '<optgroup label="Interview"><option value="recommended">' in menu


def test_the_release_confirmation_says_who_hears_what(
    client, staged, make_eoi, secretariat, partner, after_the_deadline
):
    eoi, _stages = staged
    other = make_eoi(title="Paralegals in Gao")
    domain.decide(eoi, Status.INVITED, secretariat, feedback="Strong.")
    domain.decide(other, Status.NOT_SELECTED, secretariat)
    client.force_login(secretariat)

    # The EOI's own page asks first too: its button shows the confirmation, nothing released.
    page = client.get(reverse("review:secretariat_eoi", args=[eoi.uuid])).content.decode()
    single = page[page.index('value="release"') - 300 : page.index('value="release"') + 300]
    assert 'name="confirmed"' not in single
    shown = client.post(
        reverse("review:bulk_action", args=[eoi.call.slug]),
        {"action": "release", "eoi": [eoi.uuid], "next": f"/review/eois/{eoi.uuid}/"},
    ).content.decode()
    assert "Who will hear what" in shown
    assert (
        "Expression of interest · Invited to full proposal</strong>: "
        f"2 people ({eoi.owner}, {partner})" in shown
    )
    assert "Gone Person" not in shown
    assert Decision.objects.filter(released_at__isnull=False).count() == 0

    both = client.post(
        reverse("review:bulk_action", args=[eoi.call.slug]),
        {"action": "release", "eoi": [eoi.uuid, other.uuid]},
    ).content.decode()
    assert "Invited to full proposal</strong>: 2 people" in both
    assert f"Not selected</strong>: 1 person ({other.owner})" in both
    assert OutboundEmail.objects.filter(event="decision").count() == 0


def test_the_applicant_reads_released_outcomes_only(staged, secretariat, partner):
    eoi, stages = staged
    after_eoi = eoi.call.closes_at + timedelta(days=1)
    page_url = reverse("submissions:eoi_detail", args=[eoi.uuid])
    download = reverse("accounts:data_export")

    domain.decide(
        eoi, Status.INVITED, secretariat, feedback="Internal draft of feedback.", now=after_eoi
    )
    for person in (eoi.owner, partner):
        assert "Internal draft of feedback." not in client_of(person).get(page_url).content.decode()
        assert "Internal draft" not in client_of(person).get(download).content.decode()
    assert not OutboundEmail.objects.filter(event="decision").exists()

    with time_machine.travel(after_eoi, tick=False):
        domain.decide(eoi, Status.INVITED, secretariat, feedback="Strong local lead.")
        domain.release(Decision.objects.filter(eoi=eoi), secretariat)
    after_proposal = stages[PROPOSAL].closes_at + timedelta(days=1)
    with time_machine.travel(after_proposal, tick=False):
        eoi.refresh_from_db()
        domain.decide(eoi, Status.SHORTLISTED, secretariat, feedback="Clear plan.")
        domain.release(Decision.objects.filter(eoi=eoi), secretariat)
        eoi.refresh_from_db()
        domain.decide(eoi, Status.RECOMMENDED, secretariat, feedback="Not yet told.")

    for person in (eoi.owner, partner):
        page = client_of(person).get(page_url).content.decode()
        outcomes = page[page.index('id="outcomes"') :]
        assert outcomes.index("Expression of interest: Invited to full proposal") < outcomes.index(
            "Full proposal: Shortlisted for interview"
        )
        assert "Strong local lead." in outcomes
        assert "Clear plan." in outcomes
        assert "Not yet told." not in page
        assert "Internal draft" not in page
    lead_data = json.loads(client_of(eoi.owner).get(download).content)
    (mine,) = lead_data["expressions_of_interest"]
    assert [(o["stage"], o["outcome"], o["feedback"]) for o in mine["outcomes"]] == [
        ("eoi", "invited", "Strong local lead."),
        ("proposal", "shortlisted", "Clear plan."),
    ]
    partner_data = client_of(partner).get(download).content.decode()
    assert "Clear plan." in partner_data
    assert "Not yet told." not in partner_data
    assert not OutboundEmail.objects.filter(event="interview_decision").exists()


def test_the_secretariats_page_reads_the_decisions_once_for_both_of_its_lists(
    client, staged, secretariat, django_assert_num_queries
):
    """review.selectors.decisions_of answers what current_decision and released_outcomes
    answer, from one query: two released decisions, the current stage's not yet released."""
    eoi, stages = staged
    after_eoi = eoi.call.closes_at + timedelta(days=1)
    after_proposal = stages[PROPOSAL].closes_at + timedelta(minutes=1)
    eoi = decide_and_release(eoi, Status.INVITED, secretariat, "Strong local lead.", after_eoi)
    eoi = decide_and_release(eoi, Status.SHORTLISTED, secretariat, "Clear plan.", after_proposal)
    domain.decide(
        eoi, Status.RECOMMENDED, secretariat, feedback="Not yet told.", now=after_proposal
    )
    eoi = ExpressionOfInterest.objects.get(pk=eoi.pk)

    with django_assert_num_queries(1):
        current, released = decisions_of(eoi)
        assert [(d.stage and d.stage.kind) for d in released] == [None, PROPOSAL]
    assert current == current_decision(eoi)
    assert current.outcome == Status.RECOMMENDED
    assert released == list(released_outcomes(eoi))

    client.force_login(secretariat)
    page = client.get(reverse("review:secretariat_eoi", args=[eoi.uuid])).content.decode()
    assert page.index("Expression of interest: Invited to full proposal") < page.index(
        "Full proposal: Shortlisted for interview"
    )


def test_a_refused_decision_leaves_the_released_outcome_on_the_page_as_it_was(
    client, make_eoi, secretariat
):
    """A decision posted from a page opened before the release: the refusal is said, and the
    page still says what was released, not what was typed (the form validates onto a copy of
    the decision)."""
    eoi = make_eoi()
    after = eoi.call.closes_at + timedelta(days=1)
    eoi = decide_and_release(eoi, Status.INVITED, secretariat, "Strong local lead.", after)
    client.force_login(secretariat)

    response = client.post(
        reverse("review:secretariat_eoi", args=[eoi.uuid]),
        {"outcome": Status.WAITLISTED, "feedback": "Changed my mind."},
    )

    page = response.content.decode()
    assert "not up for a decision" in page
    assert "Expression of interest: Invited to full proposal" in page
    assert "Expression of interest: Waitlisted" not in page
    assert Decision.objects.get(eoi=eoi).outcome == Status.INVITED
