"""Attachments: checked by content, stored under random names, served only to who may see them."""

import pytest
from django.urls import reverse

from accounts.roles import SECRETARIAT
from submissions.models import Attachment
from tests.factories import ApplicantFactory, give_role
from tests.files import attach, budget_pdf, office_bytes, ole2_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("budget.pdf", pdf_bytes(), "pdf"),
        ("KMF budget template.xlsx", office_bytes("xlsx"), "xlsx"),
        ("budget.ods", office_bytes("ods"), "ods"),
        ("budget.docx", office_bytes("docx"), "docx"),
        ("budget.xls", ole2_bytes("Workbook"), "xls"),
    ],
)
def test_each_accepted_budget_type_is_stored_under_a_random_name(
    applicant_client, eoi, name, content, extension
):
    response = attach(applicant_client, eoi, budget=upload(name, content))

    attachment = eoi.attachments.get()
    assert response.status_code == 302
    assert attachment.question == "budget"
    assert attachment.original_name.endswith(f".{extension}")
    assert attachment.file.name.startswith("eoi-attachments/")
    assert attachment.file.name.endswith(f".{extension}")
    assert name.split(".")[0].split(" ")[0] not in attachment.file.name


def test_the_type_is_judged_by_content_not_by_name(applicant_client, eoi):
    disguised = upload("budget.pdf", b"MZ\x90\x00 a Windows program pretending to be a PDF")

    response = attach(applicant_client, eoi, budget=disguised)

    assert response.status_code == 200
    assert "“budget.pdf” is not one of the accepted file types: DOCX, ODS, PDF, XLS, XLSX." in (
        response.content.decode()
    )
    assert not eoi.attachments.exists()


def test_an_old_word_file_in_excels_container_is_not_a_spreadsheet(applicant_client, eoi):
    response = attach(
        applicant_client, eoi, budget=upload("letter.xls", ole2_bytes("WordDocument"))
    )

    assert "“letter.xls” is not one of the accepted file types" in response.content.decode()
    assert not eoi.attachments.exists()


def test_at_most_ten_supporting_documents(applicant_client, eoi):
    attach(applicant_client, eoi, supporting=[budget_pdf(f"annex-{n}.pdf") for n in range(8)])

    response = attach(
        applicant_client, eoi, supporting=[budget_pdf(f"more-{n}.pdf") for n in range(3)]
    )

    assert "Supporting documents (optional): at most 10 files, please." in response.content.decode()
    assert eoi.attachments.count() == 8


def test_files_of_an_upload_that_fails_are_not_left_behind(applicant, eoi, media_root):
    from unittest import mock

    from submissions import domain
    from submissions.uploads import BUDGET_TYPES, sniff

    budget = budget_pdf()
    budget.sniffed = sniff(budget, BUDGET_TYPES, 10 * 1024 * 1024)
    with (
        mock.patch.object(Attachment, "save", side_effect=RuntimeError("database gone")),
        pytest.raises(RuntimeError),
    ):
        domain.add_attachments(eoi, applicant, {"budget": [budget]})

    assert not list(media_root.rglob("*.pdf"))


def test_a_zip_that_is_not_an_office_document_is_refused(applicant_client, eoi):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.js", "alert(1)")

    response = attach(applicant_client, eoi, budget=upload("budget.xlsx", buffer.getvalue()))

    assert "is not one of the accepted file types" in response.content.decode()


def test_files_over_the_size_limit_are_refused(applicant_client, eoi, settings):
    settings.KMF_MAX_UPLOAD_MB = 1
    big = upload("budget.pdf", pdf_bytes() + b"0" * (1024 * 1024))

    response = attach(applicant_client, eoi, budget=big)

    assert "“budget.pdf” is larger than 1 MB." in response.content.decode()
    assert not eoi.attachments.exists()


def test_a_new_budget_file_replaces_the_old_one_and_supporting_files_add_up(
    applicant_client, eoi, media_root, django_capture_on_commit_callbacks
):
    attach(applicant_client, eoi, budget=budget_pdf("first.pdf"))
    first = eoi.attachments.get()
    assert (media_root / first.file.name).exists()
    # The old file is deleted from storage once the replacement is committed.
    with django_capture_on_commit_callbacks(execute=True):
        attach(
            applicant_client,
            eoi,
            budget=budget_pdf("second.pdf"),
            supporting=[budget_pdf("letter.pdf"), upload("map.docx", office_bytes("docx"))],
        )

    names = sorted(eoi.attachments.values_list("original_name", flat=True))
    assert names == ["letter.pdf", "map.docx", "second.pdf"]
    assert not (media_root / first.file.name).exists()


def test_downloads_are_attachments_that_browsers_do_not_sniff(applicant_client, eoi):
    attach(applicant_client, eoi, budget=budget_pdf("Budget (final).pdf"))
    attachment = eoi.attachments.get()

    response = applicant_client.get(
        reverse("submissions:attachment", kwargs={"uuid": eoi.uuid, "pk": attachment.pk})
    )

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Budget_final.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == pdf_bytes()


def test_a_file_gone_from_storage_is_a_404_and_a_log_line_not_a_500(
    applicant_client, eoi, media_root, caplog
):
    attach(applicant_client, eoi, budget=budget_pdf())
    attachment = eoi.attachments.get()
    (media_root / attachment.file.name).unlink()  # a restore that missed the file

    response = applicant_client.get(
        reverse("submissions:attachment", kwargs={"uuid": eoi.uuid, "pk": attachment.pk})
    )

    assert response.status_code == 404
    assert attachment.file.name in caplog.text


def test_another_applicant_gets_404_and_the_secretariat_may_download(client, applicant_client, eoi):

    attach(applicant_client, eoi, budget=budget_pdf())
    attachment = eoi.attachments.get()
    download = reverse("submissions:attachment", kwargs={"uuid": eoi.uuid, "pk": attachment.pk})
    delete = reverse(
        "submissions:attachment_delete", kwargs={"uuid": eoi.uuid, "pk": attachment.pk}
    )

    client.force_login(ApplicantFactory())
    assert client.get(download).status_code == 404
    assert client.post(delete).status_code == 404

    staff = ApplicantFactory()
    give_role(staff, SECRETARIAT)
    client.force_login(staff)
    assert client.get(download).status_code == 200
    assert client.post(delete).status_code == 404
    assert eoi.attachments.exists()


def test_the_owner_removes_an_attachment(applicant_client, eoi, media_root):
    attach(applicant_client, eoi, budget=budget_pdf())
    attachment = eoi.attachments.get()

    applicant_client.post(
        reverse("submissions:attachment_delete", kwargs={"uuid": eoi.uuid, "pk": attachment.pk})
    )

    assert not eoi.attachments.exists()


def test_a_submitted_eoi_keeps_its_budget_file_unless_replaced(applicant_client, eoi):
    attach(applicant_client, eoi, budget=budget_pdf("first.pdf"))
    eoi.status = "submitted"
    eoi.save()
    budget = eoi.attachments.get()

    response = applicant_client.post(
        reverse("submissions:attachment_delete", kwargs={"uuid": eoi.uuid, "pk": budget.pk}),
        follow=True,
    )
    assert (
        "keeps its “Budget on the KMF template”: upload a new file to replace it"
        in response.content.decode()
    )
    assert eoi.attachments.get() == budget

    attach(applicant_client, eoi, budget=budget_pdf("second.pdf"))
    assert eoi.attachments.get().original_name == "second.pdf"
