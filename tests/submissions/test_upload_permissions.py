"""Uploaded files are readable by the site's own user and group, never by every account on the
machine: whether Django wrote them from memory or moved them from a temporary file."""

import stat
from pathlib import Path

import pytest
from django.conf import settings

from tests.files import attach, pdf_bytes, upload

pytestmark = pytest.mark.django_db


def mode(path):
    return stat.S_IMODE(Path(path).stat().st_mode)


@pytest.mark.parametrize(
    "size",
    [
        pytest.param(len(pdf_bytes()), id="small, written from memory"),
        # Above FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB): Django moves its temporary file instead.
        pytest.param(settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1024, id="large, moved from /tmp"),
    ],
)
def test_an_uploaded_file_and_its_folders_are_not_world_readable(
    applicant_client, eoi, media_root, size
):
    content = pdf_bytes().ljust(size, b"\n")

    response = attach(applicant_client, eoi, budget=upload("budget.pdf", content))

    assert response.status_code == 302
    stored = Path(eoi.attachments.get().file.path)
    assert stored.read_bytes() == content
    assert oct(mode(stored)) == oct(0o640)
    assert oct(mode(stored.parent)) == oct(0o750)  # eoi-attachments/
    assert oct(mode(media_root)) == oct(0o750)
