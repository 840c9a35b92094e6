"""The full proposal (issue 15, item 2): opened by the invitation, prefilled from the EOI,
filled in through the EOI's own steps, submitted before the stage's deadline with a receipt."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from submissions import proposals
from submissions.models import Extension, Proposal, Stage
from tests.factories import ApplicantFactory, EOIFactory
from tests.submissions.proposal_helpers import (
    COMPLETE,
    DECLARED,
    add_proposal_stage,
    invite,
    invited_eoi,
    proposal_questionnaire,
)

pytestmark = pytest.mark.django_db


def step_url(eoi, step):
    return reverse("submissions:proposal_step", args=[eoi.uuid, step])


def complete(proposal):
    Proposal.objects.filter(pk=proposal.pk).update(
        answers={**proposal.answers, **COMPLETE, "summary": "A summary.", "countries": ["ML"]}
    )
    proposal.refresh_from_db()
    return proposal


def test_the_invitation_opens_a_draft_prefilled_by_key_and_kind_with_its_audit_entry():
    eoi = invited_eoi()

    proposal = Proposal.objects.get(eoi=eoi)
    assert proposal.status == Proposal.Status.DRAFT
    assert proposal.stage.kind == Stage.Kind.FULL_PROPOSAL
    assert proposal.questionnaire_id == proposal.stage.questionnaire_id
    # The summary and the countries are asked again in the same kinds; the amount is asked
    # as text, another kind, so it is not copied.
    assert proposal.answers == {"summary": eoi.answers["summary"], "countries": ["ML", "BF"]}
    entry = AuditEntry.objects.get(action="proposal.opened")
    assert entry.details["prefilled"] == ["countries", "summary"]


def test_a_call_without_a_proposal_stage_opens_nothing():
    eoi = invite(EOIFactory())

    assert eoi.status == "invited"
    assert not Proposal.objects.exists()


def test_prefilled_rows_keep_the_columns_the_proposal_asks_in_the_same_kind():
    source = proposals.definitions.definition(EOIFactory().questionnaire_id)
    target_data = proposals.definitions.as_dict(source)
    target = proposals.definitions.from_dict(target_data)
    partners = [{"name": "AFM", "country": "ML", "role": "Hosts", "not_named": False}]

    assert proposals.prefilled(source, {"partners": partners}, target)["partners"] == partners
    assert proposals.prefilled(source, {"partners": "not rows"}, target) == {}


def test_the_applicant_writes_and_submits_it_with_a_reference_and_a_receipt(
    client, django_capture_on_commit_callbacks
):
    eoi = invited_eoi()
    client.force_login(eoi.owner)
    mail.outbox.clear()

    page = client.get(step_url(eoi, "recap"))
    assert page.status_code == 200
    assert "Your full proposal" in page.content.decode()
    proposal = Proposal.objects.get(eoi=eoi)
    response = client.post(
        step_url(eoi, "description"),
        {"version": proposal.version, "description": COMPLETE["description"], "go": "next"},
    )
    assert response.status_code == 302
    assert response["Location"] == step_url(eoi, "activities")
    proposal.refresh_from_db()
    assert proposal.answers["description"] == COMPLETE["description"]
    assert proposal.last_saved_by == eoi.owner
    complete(proposal)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            step_url(eoi, "submit"), {"declares_accuracy": "on", "declares_consent": "on"}
        )

    assert response["Location"] == reverse("submissions:proposal_receipt", args=[eoi.uuid])
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.reference == f"{eoi.reference}-P"
    receipt = client.get(response["Location"]).content.decode()
    assert "we received your full proposal" in receipt
    assert f"{eoi.reference}-P" in receipt
    assert [m.to for m in mail.outbox] == [[eoi.owner.email]]
    assert f"{eoi.reference}-P" in mail.outbox[0].subject
    assert COMPLETE["risks"] in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="proposal.submitted").count() == 1
    # The EOI's own status is untouched: the proposal has its own.
    eoi.refresh_from_db()
    assert eoi.status == "invited"


def test_an_incomplete_proposal_is_refused_with_what_it_lacks(client):
    eoi = invited_eoi()
    client.force_login(eoi.owner)

    response = client.post(
        step_url(eoi, "submit"), {"declares_accuracy": "on", "declares_consent": "on"}
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "Some answers are still missing." in text
    assert "Project description" in text
    assert Proposal.objects.get(eoi=eoi).status == Proposal.Status.DRAFT


def test_autosave_saves_a_step_and_refuses_an_old_version(client):
    eoi = invited_eoi()
    client.force_login(eoi.owner)
    proposal = Proposal.objects.get(eoi=eoi)
    url = reverse("submissions:proposal_autosave", args=[eoi.uuid, "risks"])

    saved = client.post(url, {"version": proposal.version, "risks": "Roads.", "do_no_harm": ""})
    stale = client.post(url, {"version": proposal.version, "risks": "Other.", "do_no_harm": ""})

    assert saved.status_code == 200
    assert saved.json()["version"] == proposal.version + 1
    assert stale.status_code == 409
    proposal.refresh_from_db()
    assert proposal.answers["risks"] == "Roads."


def test_word_limits_are_the_questionnaires(client):
    eoi = invited_eoi()
    client.force_login(eoi.owner)
    proposal = Proposal.objects.get(eoi=eoi)

    response = client.post(
        step_url(eoi, "risks"),
        {"version": proposal.version, "risks": "word " * 401, "do_no_harm": "", "go": "stay"},
    )

    assert response.status_code == 200
    assert "At most 400 words." in response.content.decode()
    proposal.refresh_from_db()
    assert "risks" not in proposal.answers


def test_after_the_deadline_it_is_closed_and_submitting_is_refused(client):
    eoi = invited_eoi()
    proposal = complete(Proposal.objects.get(eoi=eoi))
    Stage.objects.filter(pk=proposal.stage_id).update(
        opens_at=timezone.now() - timedelta(days=3), closes_at=timezone.now() - timedelta(hours=1)
    )
    proposal.refresh_from_db()
    client.force_login(eoi.owner)

    with pytest.raises(proposals.OutOfTime, match="the deadline has passed"):
        proposals.submit(proposal, eoi.owner, DECLARED)
    response = client.get(step_url(eoi, "description"))

    assert response.status_code == 302
    assert response["Location"] == reverse("submissions:proposal_detail", args=[eoi.uuid])


def test_an_extension_in_the_call_extends_the_proposal_deadline_too():
    eoi = invited_eoi()
    proposal = complete(Proposal.objects.get(eoi=eoi))
    Stage.objects.filter(pk=proposal.stage_id).update(
        opens_at=timezone.now() - timedelta(days=3), closes_at=timezone.now() - timedelta(hours=1)
    )
    until = timezone.now() + timedelta(days=2)
    Extension.objects.create(call=eoi.call, applicant=eoi.owner, until=until)
    proposal = Proposal.objects.get(pk=proposal.pk)

    assert proposals.deadline_for(proposal) == until
    assert proposals.submit(proposal, eoi.owner, DECLARED).status == Proposal.Status.SUBMITTED


def test_a_deadline_not_announced_lets_the_draft_be_written_but_not_submitted(client):
    eoi = invited_eoi(closes_at=None)
    proposal = complete(Proposal.objects.get(eoi=eoi))
    client.force_login(eoi.owner)

    page = client.get(step_url(eoi, "description")).content.decode()
    with pytest.raises(proposals.OutOfTime, match="not announced yet"):
        proposals.submit(proposal, eoi.owner, DECLARED)

    assert "The deadline is not announced yet" in page


def test_the_applicant_sees_the_invitation_on_the_dashboard_and_the_eoi_page(
    client, django_assert_max_num_queries
):
    eoi = invited_eoi()
    client.force_login(eoi.owner)
    link = reverse("submissions:proposal_detail", args=[eoi.uuid])

    dashboard = client.get(reverse("submissions:dashboard")).content.decode()
    detail = client.get(eoi.get_absolute_url()).content.decode()
    proposal_page = client.get(link).content.decode()

    assert "You are invited to submit a full proposal." in dashboard
    assert link in dashboard
    assert link in detail
    assert reverse("submissions:proposal_continue", args=[eoi.uuid]) in proposal_page
    continued = client.get(reverse("submissions:proposal_continue", args=[eoi.uuid]))
    assert continued["Location"] == step_url(eoi, "recap")


def test_a_coapplicant_and_the_secretariat_read_it_and_write_only_what_is_opened(client):
    from submissions import coapplicants
    from tests.submissions.proposal_helpers import secretariat_member

    eoi = EOIFactory()
    add_proposal_stage(eoi.call)
    partner = ApplicantFactory()
    link = coapplicants.invite(eoi, eoi.owner, partner.email, ["step:project"])
    coapplicants.accept(link, partner)
    eoi = invite(eoi)
    staff = secretariat_member()

    for reader in (partner, staff):
        client.force_login(reader)
        assert (
            client.get(reverse("submissions:proposal_detail", args=[eoi.uuid])).status_code == 200
        )
        assert client.get(reverse("submissions:proposal_print", args=[eoi.uuid])).status_code == 200
        assert client.get(step_url(eoi, "description")).status_code == 404
    # The EOI's "project" step opened to the co-applicant asks the summary and the countries,
    # which the proposal's recap asks again: those carry over (test_proposal_coapplicants).
    client.force_login(partner)
    assert client.get(step_url(eoi, "recap")).status_code == 200
    client.force_login(staff)
    assert client.get(step_url(eoi, "recap")).status_code == 404


def test_another_applicants_proposal_is_a_404(client):
    eoi = invited_eoi()
    client.force_login(ApplicantFactory())

    for name, args in [
        ("submissions:proposal_detail", [eoi.uuid]),
        ("submissions:proposal_step", [eoi.uuid, "description"]),
        ("submissions:proposal_print", [eoi.uuid]),
        ("submissions:proposal_pdf", [eoi.uuid]),
        ("submissions:proposal_receipt", [eoi.uuid]),
        ("submissions:proposal_continue", [eoi.uuid]),
    ]:
        assert client.get(reverse(name, args=args)).status_code == 404, name
    autosave = reverse("submissions:proposal_autosave", args=[eoi.uuid, "risks"])
    assert client.post(autosave, {"version": 1, "risks": "Mine."}).status_code == 404
    assert "risks" not in Proposal.objects.get(eoi=eoi).answers


def test_the_pdf_is_the_proposals(client):
    eoi = invited_eoi()
    proposal = complete(Proposal.objects.get(eoi=eoi))
    proposals.submit(proposal, eoi.owner, DECLARED)
    client.force_login(eoi.owner)

    response = client.get(reverse("submissions:proposal_pdf", args=[eoi.uuid]))
    printed = client.get(reverse("submissions:proposal_print", args=[eoi.uuid])).content.decode()

    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{eoi.reference}-P.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    assert COMPLETE["do_no_harm"] in printed
    assert "Back to the full proposal" in printed


def test_a_new_questionnaire_version_is_what_a_draft_is_filled_in():
    eoi = invited_eoi()
    proposal = Proposal.objects.get(eoi=eoi)
    newer = proposal_questionnaire(recap=False)
    Stage.objects.filter(pk=proposal.stage_id).update(questionnaire=newer)
    proposal = Proposal.objects.select_related("stage").get(pk=proposal.pk)

    assert proposals.edited_in(proposal).pk == newer.pk
    saved = proposals.save_step(proposal, eoi.owner, proposal.version, {"risks": "Roads."})
    assert saved.questionnaire_id == newer.pk


def test_drafts_are_reminded_once_before_the_proposal_deadline_submitted_ones_not(
    django_capture_on_commit_callbacks,
):
    from submissions import jobs

    drafted = invited_eoi(closes_at=timezone.now() + timedelta(hours=20))
    done = invited_eoi(closes_at=timezone.now() + timedelta(hours=20))
    proposals.submit(complete(Proposal.objects.get(eoi=done)), done.owner, DECLARED)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        first = jobs._remind_proposals(timezone.now())
        again = jobs._remind_proposals(timezone.now())

    assert (first, again) == (1, 0)
    assert [m.to for m in mail.outbox] == [[drafted.owner.email]]
    assert "left to submit your full proposal" in mail.outbox[0].subject
    assert reverse("submissions:proposal_detail", args=[drafted.uuid]) in mail.outbox[0].body


def test_a_draft_far_from_its_deadline_or_past_it_is_not_reminded():
    invited_eoi(closes_at=timezone.now() + timedelta(days=20))
    eoi = invited_eoi()
    Stage.objects.filter(call=eoi.call).exclude(closes_at=None).update(
        opens_at=timezone.now() - timedelta(days=3), closes_at=timezone.now() - timedelta(hours=1)
    )
    from submissions import jobs

    assert jobs._remind_proposals(timezone.now()) == 0


def test_the_applicants_data_download_holds_their_proposal(client):
    import json

    eoi = invited_eoi()
    proposal = Proposal.objects.get(eoi=eoi)
    proposals.save_step(proposal, eoi.owner, proposal.version, {"risks": "Roads."})
    client.force_login(eoi.owner)

    data = json.loads(client.get(reverse("accounts:data_export")).content)

    (kept,) = data["expressions_of_interest"][0]["proposals"]
    answers = {answer["question"]: answer["answer"] for answer in kept["answers"]}
    assert kept["status"] == "draft"
    assert answers["Risks and how you will manage them"] == "Roads."
