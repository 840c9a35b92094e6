"""Co-applicants: the lead invites, the invitee accepts with the invited address, edits only the
parts opened to them; the lead alone submits, withdraws, invites and revokes."""

import json
import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import privacy
from audit.models import AuditEntry
from audit.wording import sentence
from notifications.models import OutboundEmail
from review import domain as review_domain
from submissions import coapplicants, domain
from submissions.models import CoApplicant, ExpressionOfInterest
from tests.factories import ApplicantFactory, EOIFactory, give_role
from tests.files import attach_budget

Status = ExpressionOfInterest.Status


@pytest.fixture
def lead(applicant):
    return applicant


@pytest.fixture
def eoi(lead):
    return EOIFactory(owner=lead)


@pytest.fixture
def partner(db):
    return ApplicantFactory(email="partner@example.org", name="Awa Traoré")


def client_of(person):
    client = Client()
    client.force_login(person)
    return client


def invite(eoi, email="partner@example.org", parts=("step:project",)):
    return coapplicants.invite(eoi, eoi.owner, email, list(parts))


def accepted(eoi, partner, parts=("step:project",)):
    invitation = invite(eoi, partner.email, parts)
    return coapplicants.accept(invitation, partner)


def step_url(eoi, step):
    return reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": step})


def post_step(client, eoi, step, data, version=None):
    eoi.refresh_from_db()
    version = eoi.version if version is None else version
    return client.post(step_url(eoi, step), {"version": version, "go": "stay", **data})


# Inviting


def test_the_lead_invites_from_the_eoi_page_and_the_mail_carries_an_unguessable_link(
    applicant_client, eoi
):
    page = applicant_client.get(eoi.get_absolute_url()).content.decode()
    assert reverse("submissions:coapplicants", args=[eoi.uuid]) in page

    response = applicant_client.post(
        reverse("submissions:coapplicants", args=[eoi.uuid]),
        {"email": "Partner@Example.org", "parts": ["step:project", "question:budget"]},
    )

    assert response.status_code == 302
    invitation = CoApplicant.objects.get()
    assert invitation.parts == ["question:budget", "step:project"]
    mail = OutboundEmail.objects.get(event="coapplicant_invitation")
    assert mail.to == "Partner@Example.org"
    assert mail.recipient is None
    (link,) = re.findall(r"https?://\S+/invitations/(\S+)/", mail.body_text)
    # The link is a random token: no address, no EOI, no name; only its hash is stored.
    assert "partner" not in link.lower()
    assert str(eoi.uuid) not in link
    assert len(link) >= 40
    assert invitation.token_hash == coapplicants.token_hash(link)
    assert link not in json.dumps(list(CoApplicant.objects.values()), default=str)
    page = applicant_client.get(reverse("submissions:coapplicants", args=[eoi.uuid]))
    assert "Partner@Example.org" in page.content.decode()


def test_the_invitation_mail_is_in_the_language_of_the_invitees_account(eoi, partner):
    partner.preferred_language = "fr"
    partner.save()

    invite(eoi)

    mail = OutboundEmail.objects.get(event="coapplicant_invitation")
    assert mail.recipient == partner
    assert mail.language == "fr"
    assert "vous invite" in mail.body_text


def test_invitations_per_eoi_are_limited_and_an_address_is_invited_once(eoi):
    for number in range(coapplicants.MAX_PER_EOI):
        invite(eoi, f"p{number}@example.org")

    with pytest.raises(coapplicants.InvitationRefused, match="at most 10"):
        invite(eoi, "one-more@example.org")
    with pytest.raises(coapplicants.InvitationRefused, match="already invited"):
        invite(eoi, "P0@example.org")


def test_sending_is_rate_limited_per_lead(lead, monkeypatch):
    monkeypatch.setattr(coapplicants, "SENT_PER_HOUR", 3)
    eois = EOIFactory.create_batch(2, owner=lead)
    for number in range(3):
        invite(eois[number % 2], f"p{number}@example.org")

    with pytest.raises(coapplicants.InvitationRefused, match="many invitations"):
        invite(eois[1], "p9@example.org")


def test_a_refused_invitation_keeps_what_was_typed(applicant_client, eoi, lead):
    url = reverse("submissions:coapplicants", args=[eoi.uuid])
    response = applicant_client.post(url, {"email": lead.email, "parts": ["step:budget"]})

    page = response.content.decode()
    assert response.status_code == 200
    assert "You are the lead applicant" in page
    assert f'value="{lead.email}"' in page
    assert 'value="step:budget" id="part-stepbudget" checked' in page
    assert not CoApplicant.objects.exists()


# Accepting


def test_accepting_signed_in_with_the_invited_address_lists_the_eoi_as_co_applied(eoi, partner):
    invitation = invite(eoi)
    client = Client()
    url = reverse("submissions:invitation", args=[invitation.token])

    anonymous = client.get(url)
    assert anonymous.status_code == 200
    assert reverse("account_login") in anonymous.content.decode()
    assert eoi.title not in anonymous.content.decode()  # the link names nothing to a stranger

    client.force_login(partner)
    assert eoi.title in client.get(url).content.decode()
    response = client.post(url)

    assert response.status_code == 302
    assert response.url == eoi.get_absolute_url()
    invitation.refresh_from_db()
    assert invitation.user == partner
    assert invitation.accepted_at
    listed = client.get(reverse("submissions:dashboard")).content.decode()
    assert eoi.title in listed
    assert "Co-applicant" in listed
    assert "Edit your parts" in listed
    detail = client.get(eoi.get_absolute_url()).content.decode()
    assert "Co-applicant" in detail
    assert "Draft" in detail


def test_a_forged_token_is_a_dead_end(client, partner):
    client.force_login(partner)

    response = client.get(reverse("submissions:invitation", args=["forged" * 8]))

    assert response.status_code == 404
    assert "does not work" in response.content.decode()


def test_an_expired_invitation_cannot_be_accepted(eoi, partner):
    invitation = invite(eoi)
    CoApplicant.objects.update(invited_at=timezone.now() - coapplicants.VALID)
    client = client_of(partner)

    response = client.post(reverse("submissions:invitation", args=[invitation.token]))

    assert response.status_code == 404
    assert not CoApplicant.objects.active().exists()


def test_an_invitation_works_once(eoi, partner, db):
    invitation = invite(eoi)
    client = client_of(partner)
    client.post(reverse("submissions:invitation", args=[invitation.token]))
    # The same address on a second account (added and confirmed there) cannot reuse it.
    other = ApplicantFactory()
    EmailAddress.objects.create(user=other, email="PARTNER@example.org", verified=True)

    response = client_of(other).post(reverse("submissions:invitation", args=[invitation.token]))

    assert response.status_code == 404
    assert CoApplicant.objects.get().user == partner
    with pytest.raises(coapplicants.InvitationRefused):
        coapplicants.accept(invitation, other)


def test_an_invitation_accepted_by_another_address_is_refused(eoi, partner):
    invitation = invite(eoi)
    stranger = ApplicantFactory()
    unverified = ApplicantFactory()
    EmailAddress.objects.create(user=unverified, email=partner.email, verified=False)

    for person in (stranger, unverified):
        response = client_of(person).post(
            reverse("submissions:invitation", args=[invitation.token])
        )
        assert response.status_code == 200
        assert "another address" in response.content.decode()

    assert not CoApplicant.objects.active().exists()
    assert client_of(stranger).get(eoi.get_absolute_url()).status_code == 404


def test_a_token_opens_its_own_eoi_only(lead, partner):
    first, second = EOIFactory.create_batch(2, owner=lead)
    accepted(first, partner)

    client = client_of(partner)

    assert client.get(first.get_absolute_url()).status_code == 200
    assert client.get(second.get_absolute_url()).status_code == 404
    assert client.get(step_url(second, "project")).status_code == 404


def test_a_revoked_invitation_cannot_be_accepted(eoi, partner):
    invitation = invite(eoi)
    coapplicants.revoke(invitation, eoi.owner)

    response = client_of(partner).post(reverse("submissions:invitation", args=[invitation.token]))

    assert response.status_code == 404
    assert not CoApplicant.objects.active().exists()


# Editing the opened parts


def test_a_co_applicant_edits_the_opened_step_and_nothing_else(eoi, partner):
    accepted(eoi, partner, parts=["step:project", "question:budget_requested"])
    client = client_of(partner)

    assert client.get(step_url(eoi, "project")).status_code == 200
    assert client.get(step_url(eoi, "organisation")).status_code == 404
    assert client.get(step_url(eoi, "submit")).status_code == 404
    budget_page = client.get(step_url(eoi, "budget")).content.decode()
    assert 'name="budget_requested"' in budget_page
    assert 'name="personnel_share"' not in budget_page
    assert "The lead applicant answers the other questions" in budget_page

    response = post_step(client, eoi, "project", {"title": "Forums written by a partner"})
    assert response.status_code == 302
    eoi.refresh_from_db()
    assert eoi.title == "Forums written by a partner"
    assert eoi.last_saved_by == partner


def test_a_closed_question_slipped_into_a_post_is_not_changed(eoi, partner):
    accepted(eoi, partner, parts=["question:budget_requested"])
    client = client_of(partner)
    before = dict(eoi.answers)

    post_step(
        client,
        eoi,
        "budget",
        {"budget_requested": "19000", "personnel_share": "90", "title": "Hijacked"},
    )
    client.post(
        reverse("submissions:eoi_autosave", args=[eoi.uuid, "budget"]),
        {
            "version": ExpressionOfInterest.objects.get().version,
            "budget_requested": "19000",
            "personnel_share": "80",
        },
    )
    # And the domain itself merges only what is open to them, whatever it is given.
    eoi.refresh_from_db()
    domain.save_step(eoi, partner, eoi.version, {"summary": "Hijacked", "organisation_name": "X"})

    eoi.refresh_from_db()
    assert eoi.answers["budget_requested"] == "19000.00"
    assert eoi.answers["personnel_share"] == before["personnel_share"]
    assert eoi.answers["summary"] == before["summary"]
    assert eoi.title == before["title"]
    assert eoi.organisation_name == before["organisation_name"]


def test_a_co_applicant_uploads_only_to_opened_file_questions_and_downloads_all(eoi, partner):
    from tests.files import budget_pdf

    attach_budget(eoi)
    accepted(eoi, partner, parts=["question:supporting"])
    client = client_of(partner)
    budget = eoi.attachments.get()

    assert (
        client.get(reverse("submissions:attachment", args=[eoi.uuid, budget.pk])).status_code == 200
    )
    client.post(
        step_url(eoi, "attachments"),
        {"budget": budget_pdf("mine.pdf"), "supporting": budget_pdf("letter.pdf"), "go": "stay"},
    )
    assert sorted(eoi.attachments.values_list("original_name", flat=True)) == [
        budget.original_name,
        "letter.pdf",
    ]
    removed = client.post(reverse("submissions:attachment_delete", args=[eoi.uuid, budget.pk]))
    assert removed.status_code == 302
    assert eoi.attachments.filter(pk=budget.pk).exists()  # the budget is the lead's question
    with pytest.raises(domain.NotAllowed):
        domain.add_attachments(eoi, partner, {"budget": [budget_pdf("x.pdf")]})


def test_a_co_applicant_with_nothing_opened_reads_only(eoi, partner):
    accepted(eoi, partner, parts=[])
    client = client_of(partner)

    assert client.get(eoi.get_absolute_url()).status_code == 200
    assert client.get(reverse("submissions:eoi_print", args=[eoi.uuid])).status_code == 200
    assert client.get(step_url(eoi, "project")).status_code == 404
    assert client.get(reverse("submissions:eoi_continue", args=[eoi.uuid])).status_code == 404


def test_revoking_removes_access_at_once(applicant_client, eoi, partner):
    link = accepted(eoi, partner)
    client = client_of(partner)
    assert client.get(step_url(eoi, "project")).status_code == 200

    applicant_client.post(reverse("submissions:coapplicant_revoke", args=[eoi.uuid, link.pk]))

    assert client.get(eoi.get_absolute_url()).status_code == 404
    assert client.get(step_url(eoi, "project")).status_code == 404
    assert eoi.title not in client.get(reverse("submissions:dashboard")).content.decode()
    stale = post_step(client, eoi, "project", {"title": "After revoking"})
    assert stale.status_code == 404


def test_the_lead_changes_what_a_co_applicant_edits_from_their_next_page_on(
    applicant_client, eoi, partner
):
    link = accepted(eoi, partner, parts=["step:project"])
    client = client_of(partner)
    url = reverse("submissions:coapplicant_parts", args=[eoi.uuid, link.pk])
    assert client.get(step_url(eoi, "budget")).status_code == 404
    assert client.get(url).status_code == 404
    assert client.post(url, {"parts": ["step:organisation"]}).status_code == 404

    page = applicant_client.get(url).content.decode()
    assert 'value="step:project" id="part-stepproject" checked' in page
    response = applicant_client.post(url, {"parts": ["question:budget_requested"]})

    assert response.status_code == 302
    assert client.get(step_url(eoi, "budget")).status_code == 200
    assert client.get(step_url(eoi, "project")).status_code == 404
    said = [sentence(entry) for entry in AuditEntry.objects.order_by("pk")]
    assert f"{eoi.owner.name} changed what partner@example.org may edit." in said
    refused = applicant_client.post(url, {"parts": ["step:nonsense"]})
    assert refused.status_code == 200
    assert "nonsense is not one of the available choices" in refused.content.decode()


# Only the lead


def test_a_co_applicant_cannot_submit_withdraw_invite_or_revoke(eoi, partner):
    attach_budget(eoi)
    link = accepted(eoi, partner)
    other = invite(eoi, "third@example.org")
    client = client_of(partner)

    assert client.post(step_url(eoi, "submit"), {"declares_accuracy": "on"}).status_code == 404
    assert client.post(reverse("submissions:eoi_withdraw", args=[eoi.uuid])).status_code == 404
    assert client.get(reverse("submissions:coapplicants", args=[eoi.uuid])).status_code == 404
    assert (
        client.post(
            reverse("submissions:coapplicants", args=[eoi.uuid]), {"email": "x@example.org"}
        ).status_code
        == 404
    )
    for pk in (link.pk, other.pk):
        revoke = reverse("submissions:coapplicant_revoke", args=[eoi.uuid, pk])
        assert client.post(revoke).status_code == 404
    assert CoApplicant.objects.live().count() == 2
    eoi.refresh_from_db()
    assert eoi.status == Status.DRAFT
    with pytest.raises(coapplicants.InvitationRefused):
        coapplicants.invite(eoi, partner, "y@example.org", [])
    with pytest.raises(coapplicants.InvitationRefused):
        coapplicants.revoke(other, partner)


def test_the_messages_stay_between_the_lead_and_the_secretariat(eoi, partner):
    secretariat = give_role(ApplicantFactory(), "Secretariat")
    eoi.status, eoi.reference = Status.SUBMITTED, "T-0001"
    eoi.save()
    domain.post_message(eoi, secretariat, "Is the budget final?")
    accepted(eoi, partner)

    page = client_of(partner).get(eoi.get_absolute_url()).content.decode()

    assert "Is the budget final?" not in page
    assert 'name="text"' not in page
    with pytest.raises(domain.NotAllowed):
        domain.post_message(eoi, partner, "Hello")


# The lock across people


def test_two_people_on_one_version_never_overwrite_each_other(applicant_client, eoi, partner):
    accepted(eoi, partner)
    partner_client = client_of(partner)
    eoi.refresh_from_db()
    version = eoi.version

    post_step(applicant_client, eoi, "project", {"title": "The lead's title"}, version=version)
    response = post_step(
        partner_client, eoi, "project", {"title": "The partner's title"}, version=version
    )

    eoi.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 200
    assert eoi.title == "The lead's title"
    assert f"{eoi.owner.name} saved this expression of interest at" in page
    assert 'value="The partner&#x27;s title"' in page

    autosave = partner_client.post(
        reverse("submissions:eoi_autosave", args=[eoi.uuid, "project"]),
        {"version": version, "summary": "Typed by the partner"},
    )
    assert autosave.status_code == 409
    assert eoi.owner.name in autosave.json()["error"]
    eoi.refresh_from_db()
    assert eoi.answers.get("summary") != "Typed by the partner"


def test_the_lead_is_told_who_saved_when_a_co_applicant_saved_first(applicant_client, eoi, partner):
    accepted(eoi, partner)
    eoi.refresh_from_db()
    version = eoi.version
    post_step(client_of(partner), eoi, "project", {"title": "Partner first"}, version=version)

    autosave = applicant_client.post(
        reverse("submissions:eoi_autosave", args=[eoi.uuid, "project"]),
        {"version": version, "title": "Lead second"},
    )

    assert autosave.status_code == 409
    assert "Awa Traoré saved this expression of interest" in autosave.json()["error"]


# Status, outcome and mail


def test_co_applicants_get_a_copy_of_the_outcome_once_each(eoi, partner):
    accepted(eoi, partner)
    secretariat = give_role(ApplicantFactory(), "Secretariat")
    eoi.status, eoi.reference = Status.UNDER_REVIEW, "T-0002"
    eoi.save()
    eoi.call.opens_at = timezone.now() - timedelta(days=40)
    eoi.call.closes_at = timezone.now() - timedelta(days=1)
    eoi.call.save()
    review_domain.decide(eoi, Status.INVITED, secretariat, feedback="Well argued.")

    review_domain.release(review_domain.Decision.objects.all(), secretariat)
    review_domain.release(review_domain.Decision.objects.all(), secretariat)

    mails = OutboundEmail.objects.filter(event="decision")
    assert sorted(mail.to for mail in mails) == sorted([eoi.owner.email, partner.email])
    copy = mails.get(recipient=partner)
    assert copy.body_text.startswith("Dear Awa,")
    assert "Well argued." in copy.body_text
    listed = client_of(partner).get(reverse("submissions:dashboard")).content.decode()
    assert "Invited to full proposal" in listed


# Audit and privacy


def test_invitations_acceptances_revocations_and_edits_are_in_the_trail(eoi, partner):
    link = accepted(eoi, partner, parts=["step:project"])
    eoi.refresh_from_db()
    domain.save_step(eoi, partner, eoi.version, {"summary": "A partner's summary."})
    coapplicants.revoke(link, eoi.owner)

    said = [sentence(entry) for entry in AuditEntry.objects.order_by("pk")]

    lead = eoi.owner.name
    assert f"{lead} invited partner@example.org to co-apply." in said
    assert "Awa Traoré accepted the invitation to co-apply." in said
    assert "Awa Traoré, a co-applicant, changed Summary." in said
    assert f"{lead} revoked partner@example.org as a co-applicant." in said


def test_the_data_download_has_the_eois_they_co_apply_to(eoi, partner):
    accepted(eoi, partner)

    data = privacy.personal_data(partner)

    (entry,) = data["co_applications"]
    assert entry["call"] == eoi.call.title
    assert entry["parts_opened"] == ["step:project"]
    assert entry["accepted_at"]
    assert entry["answers"]
    assert data["expressions_of_interest"] == []


def test_once_revoked_the_data_download_keeps_the_link_not_the_application(eoi, partner):
    link = accepted(eoi, partner)
    coapplicants.revoke(link, eoi.owner)

    (entry,) = privacy.personal_data(partner)["co_applications"]

    assert entry["revoked_at"]
    assert entry["answers"] is None


def test_deleting_a_co_applicants_account_removes_the_link_not_the_eoi(eoi, partner):
    accepted(eoi, partner)

    privacy.delete_account(partner)

    assert ExpressionOfInterest.objects.filter(pk=eoi.pk).exists()
    assert not CoApplicant.objects.exists()


def test_the_list_of_applications_keeps_its_query_count_with_co_applied_eois(
    partner, django_assert_num_queries
):
    client = client_of(partner)
    accepted(EOIFactory(), partner)
    EOIFactory(owner=partner)
    url = reverse("submissions:dashboard")
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)

    for _number in range(3):
        accepted(EOIFactory(), partner, parts=["question:title"])
    EOIFactory.create_batch(2, owner=partner)
    with django_assert_num_queries(len(first.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("Co-applicant") == 4


# The step page says whose application a co-applicant edits, and what they may edit


def test_a_coapplicants_step_page_says_whose_application_and_which_parts(lead, eoi, partner):
    lead.name = "Fatou Diallo"
    lead.save()
    accepted(eoi, partner, parts=("step:project", "question:title"))

    page = client_of(partner).get(step_url(eoi, "project")).content.decode()

    header = page[page.index('id="coapplying"') :]
    assert "This is Fatou Diallo’s application (Réseau Justice Locale): you co-apply." in header
    assert "You may edit: Project title, The whole step: Project." in header
    assert "The lead applicant submits it." in header
    partner.preferred_language = "fr"
    partner.save()
    page_fr = client_of(partner).get(step_url(eoi, "project")).content.decode()
    header_fr = page_fr[page_fr.index('id="coapplying"') :]
    assert "C’est la candidature de Fatou Diallo (Réseau Justice Locale)" in header_fr
    assert "Vous pouvez modifier" in header_fr


def test_the_lead_sees_no_coapplicant_header(lead, eoi, partner, applicant_client):
    accepted(eoi, partner)
    page = applicant_client.get(step_url(eoi, "project")).content.decode()
    assert 'id="coapplying"' not in page
