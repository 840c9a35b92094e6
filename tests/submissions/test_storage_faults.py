"""A disk that fails under an upload (full, or a folder that cannot be written) gives the
applicant a message on the step, the operators a log line, and leaves no file and no row.

The faults are real: a folder under a regular file cannot be created, even by root; a file-size
limit (RLIMIT_FSIZE, with SIGXFSZ ignored) makes the kernel refuse a write midway with EFBIG,
as a full disk refuses it with ENOSPC."""

import logging
import resource
import signal
from contextlib import contextmanager, nullcontext

import pytest
from django.urls import reverse

from tests.files import attach, pdf_bytes, upload

pytestmark = pytest.mark.django_db

REFUSAL = (
    "could not be stored: the fault is ours, not your file&#x27;s, and it has been reported. "
    "None of the files you chose were kept: please try again later."
)


@contextmanager
def disk_full_after(limit):
    """Every file this process writes fails once it reaches `limit` bytes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous_handler)


def large_pdf(name):
    return upload(name, pdf_bytes() + b"%" * (300 * 1024), "application/pdf")


def small_pdf(name):
    return upload(name, pdf_bytes(), "application/pdf")


def files_under(folder):
    return sorted(str(path) for path in folder.rglob("*") if path.is_file())


def refused_on_the_step(response, name):
    page = response.content.decode()
    assert response.status_code == 200
    assert f"“{name}” {REFUSAL}" in page
    return page


def logged_for_operators(caplog, eoi):
    """The error lines that name the EOI and carry the fault's traceback."""
    return [
        record
        for record in caplog.records
        if record.levelno == logging.ERROR
        and f"EOI {eoi.pk} " in record.getMessage()
        and (record.exc_info or record.exc_text)  # core.logging moves it to exc_text
    ]


def test_an_unwritable_upload_folder_gives_a_message_and_a_log_line(
    applicant_client, eoi, settings, tmp_path, caplog
):
    not_a_folder = tmp_path / "not-a-folder"
    not_a_folder.write_bytes(b"a regular file")
    settings.MEDIA_ROOT = not_a_folder / "media"

    response = attach(applicant_client, eoi, budget=small_pdf("budget.pdf"))

    refused_on_the_step(response, "budget.pdf")
    assert not eoi.attachments.exists()
    assert files_under(tmp_path) == [str(not_a_folder)]
    assert not_a_folder.read_bytes() == b"a regular file"
    assert logged_for_operators(caplog, eoi)


def test_a_disk_full_midway_leaves_no_part_of_any_file_and_no_row(
    applicant_client, eoi, media_root, caplog
):
    # The small budget is written whole; the large supporting document fails at 64 KiB.
    with disk_full_after(64 * 1024):
        response = attach(
            applicant_client,
            eoi,
            budget=small_pdf("budget.pdf"),
            supporting=[large_pdf("annex.pdf")],
        )

    refused_on_the_step(response, "annex.pdf")
    assert not eoi.attachments.exists()
    assert files_under(media_root) == []
    assert logged_for_operators(caplog, eoi)
    # The same files go through once the disk has room again.
    attach(applicant_client, eoi, budget=small_pdf("budget.pdf"), supporting=[large_pdf("a.pdf")])
    assert eoi.attachments.count() == 2
    assert len(files_under(media_root)) == 2


@pytest.mark.parametrize("fault", ["disk full", "unwritable folder"])
def test_a_failing_disk_under_an_upload_too_large_for_memory_gives_a_message(
    applicant_client, eoi, settings, tmp_path, media_root, caplog, fault
):
    """Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to a temporary file before any
    view runs; a fault there used to answer 500 from the middleware."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    spool = tmp_path / "spool"
    spool.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = spool
    failing_disk = disk_full_after(64 * 1024)
    if fault == "unwritable folder":
        (tmp_path / "not-a-folder").write_bytes(b"")
        settings.FILE_UPLOAD_TEMP_DIR = tmp_path / "not-a-folder" / "spool"
        failing_disk = nullcontext()

    with failing_disk:
        response = attach(applicant_client, eoi, budget=large_pdf("budget.pdf"))

    refused_on_the_step(response, "budget.pdf")
    assert not eoi.attachments.exists()
    assert files_under(spool) == []
    assert files_under(media_root) == []
    assert any(record.name == "core.storage" for record in caplog.records)


def test_a_file_that_cannot_be_deleted_leaves_the_removal_done_and_a_log_line(
    applicant_client, eoi, media_root, caplog, django_capture_on_commit_callbacks
):
    attach(applicant_client, eoi, budget=small_pdf("budget.pdf"), supporting=[small_pdf("a.pdf")])
    annex = eoi.attachments.get(original_name="a.pdf")
    # In place of the file, a folder with something in it: the storage's delete fails.
    stored = media_root / annex.file.name
    stored.unlink()
    stored.mkdir()
    (stored / "in-the-way").write_bytes(b"")

    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(
            reverse("submissions:attachment_delete", args=[eoi.uuid, annex.pk]), follow=True
        )

    assert response.status_code == 200
    assert "“a.pdf” is removed." in response.content.decode()
    assert not eoi.attachments.filter(pk=annex.pk).exists()
    assert any(record.levelno == logging.ERROR for record in caplog.records)
