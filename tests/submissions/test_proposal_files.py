"""A full proposal's files (issue 15, item 2): uploaded, listed, removed, counted, printed and
downloaded through the EOI's own upload code, and read only by who reads the proposal."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.privacy import apply_retention
from accounts.roles import SECRETARIAT
from audit import wording
from audit.models import AuditEntry
from review.models import Assignment
from submissions import coapplicants, proposals
from submissions.domain import NotAllowed
from submissions.models import Attachment, Proposal, Stage
from tests.factories import ApplicantFactory, EOIFactory, give_role
from tests.files import attach, attach_budget, budget_pdf, pdf_bytes, upload
from tests.submissions.proposal_helpers import (
    COMPLETE,
    DECLARED,
    add_proposal_stage,
    invite,
    proposal_questionnaire,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(applicant):
    """The signed-in applicant's draft full proposal, answered in full but for its files."""
    return open_proposal(EOIFactory(owner=applicant))


def open_proposal(eoi):
    add_proposal_stage(eoi.call, questionnaire=proposal_questionnaire(recap=False, files=True))
    invite(eoi)
    proposal = Proposal.objects.get(eoi=eoi)
    Proposal.objects.filter(pk=proposal.pk).update(answers=COMPLETE)
    proposal.refresh_from_db()
    return proposal


def files_url(proposal):
    return reverse("submissions:proposal_step", args=[proposal.eoi.uuid, "documents"])


def attach_to(client, proposal, **files):
    return client.post(files_url(proposal), {"go": "stay", **files})


def download_url(attachment):
    return reverse("submissions:proposal_attachment", args=[attachment.eoi.uuid, attachment.pk])


def delete_url(attachment):
    return reverse(
        "submissions:proposal_attachment_delete", args=[attachment.eoi.uuid, attachment.pk]
    )


def test_a_file_is_stored_for_the_proposal_listed_and_counted(applicant_client, proposal):
    assert [str(item.message) for item in proposals.missing_items(proposal)] == [
        "Registration certificate"
    ]

    response = attach_to(applicant_client, proposal, registration=budget_pdf("statutes.pdf"))

    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.proposal, attachment.eoi) == (proposal, proposal.eoi)
    assert attachment.question == "registration"
    assert attachment.file.name.startswith("eoi-attachments/")
    assert "statutes" not in attachment.file.name
    # The EOI's own files are not its proposal's.
    assert not proposal.eoi.own_attachments().exists()
    assert proposals.missing_items(proposal) == []
    page = applicant_client.get(files_url(proposal)).content.decode()
    assert "statutes.pdf" in page
    assert download_url(attachment) in page
    assert delete_url(attachment) in page
    proposal.refresh_from_db()
    assert proposal.version == 2  # a change of files is a new version, as on the EOI


def test_the_same_checks_as_the_eois_refuse_a_disguised_or_large_file(
    applicant_client, proposal, settings
):
    disguised = upload("accounts.pdf", b"MZ\x90\x00 a Windows program pretending to be a PDF")
    response = attach_to(applicant_client, proposal, registration=disguised)

    assert response.status_code == 200
    assert "“accounts.pdf” is not one of the accepted file types: DOCX, ODS, PDF, XLS, XLSX." in (
        response.content.decode()
    )

    settings.KMF_MAX_UPLOAD_MB = 1
    big = upload("big.pdf", pdf_bytes() + b"0" * (1024 * 1024))
    response = attach_to(applicant_client, proposal, accounts=big)

    assert "“big.pdf” is larger than 1 MB." in response.content.decode()
    assert not Attachment.objects.exists()


def test_at_most_ten_files_and_a_new_single_file_replaces_the_old(applicant_client, proposal):
    attach_to(applicant_client, proposal, accounts=[budget_pdf(f"y{n}.pdf") for n in range(9)])
    response = attach_to(
        applicant_client, proposal, accounts=[budget_pdf("y9.pdf"), budget_pdf("y10.pdf")]
    )
    assert "Audited accounts (optional): at most 10 files, please." in response.content.decode()

    attach_to(applicant_client, proposal, registration=budget_pdf("old.pdf"))
    attach_to(applicant_client, proposal, registration=budget_pdf("new.pdf"))

    assert list(
        proposal.attachments.filter(question="registration").values_list("original_name", flat=True)
    ) == ["new.pdf"]
    assert proposal.attachments.filter(question="accounts").count() == 9


def test_who_downloads_a_proposals_file(client, applicant):
    eoi = attach_budget(EOIFactory(owner=applicant))
    proposal = open_proposal(eoi)
    client.force_login(applicant)
    attach_to(client, proposal, registration=budget_pdf("statutes.pdf"))
    attachment = proposal.attachments.get()
    url = download_url(attachment)

    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    partner = ApplicantFactory()
    coapplicants.accept(coapplicants.invite(eoi, applicant, partner.email, []), partner)
    staff = give_role(ApplicantFactory(), SECRETARIAT)
    for person in (partner, staff):
        client.force_login(person)
        assert client.get(url).status_code == 200, person

    # The EOI's cleared reviewer reads the EOI's files, not the proposal's: its review is to
    # come. Nor does the EOI's own address serve the proposal's file.
    reviewer = ApplicantFactory()
    Assignment.objects.create(
        eoi=eoi,
        reviewer=reviewer,
        due_at=timezone.now(),
        declaration=Assignment.Declaration.NO_CONFLICT,
        declared_at=timezone.now(),
    )
    client.force_login(reviewer)
    eoi_budget = eoi.own_attachments().get()
    assert (
        client.get(reverse("submissions:attachment", args=[eoi.uuid, eoi_budget.pk])).status_code
        == 200
    )
    eoi_file_url = reverse("submissions:attachment", args=[eoi.uuid, attachment.pk])
    for person in (reviewer, ApplicantFactory()):
        client.force_login(person)
        assert client.get(url).status_code == 404
        assert client.get(eoi_file_url).status_code == 404
    client.force_login(staff)
    assert client.get(eoi_file_url).status_code == 404


def test_the_lead_removes_a_file_while_the_proposal_is_open(
    client, proposal, applicant, django_capture_on_commit_callbacks
):
    client.force_login(applicant)
    attach_to(client, proposal, accounts=budget_pdf("2023.pdf"))
    attachment = Attachment.objects.get()
    stored = Path(attachment.file.path)

    client.force_login(give_role(ApplicantFactory(), SECRETARIAT))
    assert client.post(delete_url(attachment)).status_code == 404
    client.force_login(applicant)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(delete_url(attachment))

    assert response.url == files_url(proposal)
    assert not Attachment.objects.exists()
    assert not stored.exists()


def test_after_the_deadline_the_files_stay(applicant_client, proposal):
    attach_to(applicant_client, proposal, accounts=budget_pdf("2023.pdf"))
    attachment = Attachment.objects.get()

    Stage.objects.filter(pk=proposal.stage_id).update(
        closes_at=timezone.now() - timedelta(minutes=1)
    )

    assert applicant_client.post(delete_url(attachment)).status_code == 404
    response = attach_to(applicant_client, proposal, registration=budget_pdf())

    assert response.status_code == 302  # to the proposal's page: it can no longer be changed
    assert list(Attachment.objects.all()) == [attachment]


def test_a_submitted_proposal_keeps_its_required_file_and_audits_its_changes(
    applicant_client, proposal, applicant
):
    attach_to(applicant_client, proposal, registration=budget_pdf("statutes.pdf"))
    proposals.submit(proposal, applicant, DECLARED)
    registration = Attachment.objects.get()

    response = applicant_client.post(delete_url(registration), follow=True)

    assert (
        "A submitted full proposal keeps its “Registration certificate”: upload a new file to "
        "replace it." in response.content.decode()
    )
    attach_to(applicant_client, proposal, registration=budget_pdf("statutes-2024.pdf"))
    entry = AuditEntry.objects.get(action="proposal.attachments_added")
    assert entry.details["files"] == ["statutes-2024.pdf"]
    assert wording.sentence(entry) == f"{applicant.name} added statutes-2024.pdf."


def test_the_pages_the_pdf_and_the_data_download_name_the_files(applicant_client, proposal):
    attach_to(applicant_client, proposal, registration=budget_pdf("statutes.pdf"))
    attachment = Attachment.objects.get()
    uuid = proposal.eoi.uuid

    detail = applicant_client.get(reverse("submissions:proposal_detail", args=[uuid]))
    printed = applicant_client.get(reverse("submissions:proposal_print", args=[uuid]))
    pdf = applicant_client.get(reverse("submissions:proposal_pdf", args=[uuid]))
    export = applicant_client.get(reverse("accounts:data_export"))

    assert download_url(attachment) in detail.content.decode()
    assert "statutes.pdf" in printed.content.decode()
    assert pdf.content.startswith(b"%PDF-")
    (eoi,) = json.loads(export.content)["expressions_of_interest"]
    (exported,) = eoi["proposals"]
    answers = {answer["question"]: answer["answer"] for answer in exported["answers"]}
    assert answers["Registration certificate"] == ["statutes.pdf"]
    # The EOI's answers do not take the proposal's file as theirs.
    assert "Registration certificate" not in {answer["question"] for answer in eoi["answers"]}


def test_retention_deletes_the_proposals_files_with_its_application(
    applicant_client, proposal, django_capture_on_commit_callbacks
):
    attach_to(applicant_client, proposal, registration=budget_pdf("statutes.pdf"))
    stored = Path(Attachment.objects.get().file.path)

    with (
        time_machine.travel(timezone.now() + timedelta(days=5 * 365 + 31)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        apply_retention()

    assert not Proposal.objects.exists()
    assert not Attachment.objects.exists()
    assert not stored.exists()


def test_a_file_question_of_the_eoi_is_not_filled_from_the_proposal(applicant_client, applicant):
    """The EOI's steps list and count the EOI's files alone."""
    eoi = EOIFactory(owner=applicant)
    attach(applicant_client, eoi, budget=budget_pdf("eoi-budget.pdf"))
    add_proposal_stage(eoi.call, questionnaire=proposal_questionnaire(recap=False, files=True))
    invite(eoi)
    proposal = Proposal.objects.get(eoi=eoi)

    attach_to(applicant_client, proposal, registration=budget_pdf("statutes.pdf"))

    assert [a.original_name for a in eoi.own_attachments()] == ["eoi-budget.pdf"]
    assert [a.original_name for a in proposal.own_attachments()] == ["statutes.pdf"]
    eoi_page = applicant_client.get(eoi.get_absolute_url()).content.decode()
    assert "eoi-budget.pdf" in eoi_page
    assert "statutes.pdf" not in eoi_page


def test_a_coapplicant_adds_and_removes_files_only_where_the_proposal_is_opened_to_them(
    client, proposal, applicant
):
    opened, closed = ApplicantFactory(), ApplicantFactory()
    for person, parts in (
        (opened, coapplicants.as_proposal_parts(["step:documents"])),
        (closed, coapplicants.as_proposal_parts(["step:recap"])),
    ):
        link = coapplicants.invite(proposal.eoi, applicant, person.email, parts)
        coapplicants.accept(link, person)

    client.force_login(closed)
    attach_to(client, proposal, accounts=budget_pdf("2023.pdf"))
    assert not Attachment.objects.exists()

    client.force_login(opened)
    attach_to(client, proposal, accounts=budget_pdf("2023.pdf"))
    attachment = Attachment.objects.get()
    assert attachment.proposal == proposal

    with pytest.raises(NotAllowed):
        proposals.remove_attachment(attachment, closed)
    client.force_login(opened)
    client.post(delete_url(attachment))
    assert not Attachment.objects.exists()
