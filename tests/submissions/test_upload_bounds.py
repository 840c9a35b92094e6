"""Office documents are ZIP archives: what the site reads inside one is bounded, and an archive
it cannot read within bounds is refused with a message on the form, never a 500."""

import random
import tracemalloc
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError

from submissions.uploads import SUPPORTING_TYPES, sniff
from tests.files import (
    Member,
    attach,
    deflated,
    handmade_zip,
    ods_bytes,
    office_bytes,
    ole2_bytes,
    spaces_after,
    upload,
)

pytestmark = pytest.mark.django_db

ODS_TYPE = b"application/vnd.oasis.opendocument.spreadsheet"
XLSX_MEMBERS = (
    deflated("[Content_Types].xml", b"<Types/>"),
    deflated("xl/workbook.xml", b"<workbook/>"),
)


def refusal_on_page(response):
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'")


def peak_memory_of(work):
    tracemalloc.start()
    try:
        result = work()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("mimetype", "refusal"),
    [
        # The audit's file: a valid type, then 256 MiB of spaces that strip() used to remove.
        (
            spaces_after("mimetype", ODS_TYPE, 256),
            "“budget.ods” would unpack to far more than its size, as no office document does. "
            "Please save it again from your office program, or as a PDF.",
        ),
        # The same, claiming to be 46 bytes long: it is taken for the damaged file it is.
        (
            Member("mimetype", spaces_after("-", ODS_TYPE, 256).packed, zlib.crc32(ODS_TYPE), 46),
            "“budget.ods” is not one of the accepted file types",
        ),
    ],
    ids=["declared", "hidden"],
)
def test_a_member_that_unpacks_to_256_mib_is_refused_without_unpacking_it(
    applicant_client, eoi, mimetype, refusal
):
    bomb = handmade_zip(mimetype, deflated("content.xml", b"<office:document-content/>"))
    assert len(bomb) < 300 * 1024
    # The page's first rendering (imports, templates) is not what is measured.
    attach(applicant_client, eoi, budget=upload("budget.ods", b"not a spreadsheet"))

    response, peak = peak_memory_of(
        lambda: attach(applicant_client, eoi, budget=upload("budget.ods", bomb))
    )

    assert refusal in refusal_on_page(response)
    assert not eoi.attachments.exists()
    # The request read its file and built its page: a few MiB, not the 256 MiB inside.
    assert peak < 8 * 1024 * 1024, f"{peak / 2**20:.0f} MiB"


@pytest.mark.parametrize(
    ("name", "members"),
    [
        ("budget.ods", (deflated("mimetype", ODS_TYPE, flags=1), deflated("content.xml", b"<x/>"))),
        ("budget.xlsx", (XLSX_MEMBERS[0], deflated("xl/workbook.xml", b"<w/>", flags=1))),
    ],
    ids=["ods", "xlsx"],
)
def test_a_password_protected_member_is_refused_with_a_message(
    applicant_client, eoi, name, members
):
    page = refusal_on_page(
        attach(applicant_client, eoi, budget=upload(name, handmade_zip(*members)))
    )

    assert (
        f"“{name}” is protected by a password. Please upload a copy without one, so that "
        "reviewers can open it."
    ) in page
    assert not eoi.attachments.exists()


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA, 99, 95, 20])
@pytest.mark.parametrize("name", ["budget.ods", "budget.xlsx"])
def test_an_unknown_compression_method_is_refused_with_a_message(
    applicant_client, eoi, method, name
):
    if name.endswith(".ods"):
        members = (deflated("mimetype", ODS_TYPE, method=method), deflated("content.xml", b"<x/>"))
    else:
        members = (XLSX_MEMBERS[0], deflated("xl/workbook.xml", b"<w/>", method=method))

    page = refusal_on_page(
        attach(applicant_client, eoi, budget=upload(name, handmade_zip(*members)))
    )

    assert f"“{name}” is compressed in a way we cannot read." in page
    assert not eoi.attachments.exists()


def test_an_archive_of_too_many_members_is_refused_before_it_is_read(applicant_client, eoi):
    empty = deflated("", b"")
    members = [Member(f"xl/{n}.xml", empty.packed, empty.crc, 0) for n in range(5001)]
    archive = handmade_zip(*XLSX_MEMBERS, *members)

    page = refusal_on_page(attach(applicant_client, eoi, budget=upload("budget.xlsx", archive)))

    assert "“budget.xlsx” is made of more than 5000 parts, more than an office document has." in (
        page
    )


def test_documents_encrypted_by_their_office_program_are_refused_with_a_message(
    applicant_client, eoi
):
    # Excel and Word wrap a password-protected document in the old OLE2 container.
    encrypted_xlsx = upload("budget.xlsx", ole2_bytes("EncryptedPackage"))
    # LibreOffice encrypts the parts and says so in the manifest.
    manifest = b'<manifest:file-entry><manifest:encryption-data manifest:checksum="x"/>'
    encrypted_ods = upload("plan.ods", ods_bytes(deflated("META-INF/manifest.xml", manifest)))

    page = refusal_on_page(
        attach(applicant_client, eoi, budget=encrypted_xlsx, supporting=[encrypted_ods])
    )

    assert "“budget.xlsx” is protected by a password." in page
    assert "“plan.ods” is protected by a password." in page
    assert not eoi.attachments.exists()


def test_ordinary_office_documents_are_still_accepted(applicant_client, eoi):
    manifest = b'<manifest:file-entry manifest:full-path="/"/>'
    files = [
        upload("plan.ods", ods_bytes(deflated("META-INF/manifest.xml", manifest))),
        upload("letter.docx", office_bytes("docx")),
        upload("sheet.xlsx", handmade_zip(*XLSX_MEMBERS)),
    ]

    response = attach(applicant_client, eoi, supporting=files)

    assert response.status_code == 302
    assert eoi.attachments.count() == 3


def test_any_damage_to_a_document_gives_an_answer_never_an_error():
    """Documents damaged at random, byte by byte, as a disk or a hostile sender would: each is
    accepted or refused with a message (the starting code let a few in a hundred through as
    NotImplementedError, RuntimeError or EOFError, each a 500)."""
    originals = [office_bytes("ods"), office_bytes("xlsx"), office_bytes("docx")]
    chance = random.Random(13)
    refused = 0
    for attempt in range(600):
        damaged = bytearray(chance.choice(originals))
        for _ in range(chance.randint(1, 6)):
            damaged[chance.randrange(len(damaged))] = chance.randrange(256)
        try:
            sniff(upload(f"damaged-{attempt}.ods", bytes(damaged)), SUPPORTING_TYPES, 10 << 20)
        except ValidationError:
            refused += 1
    assert refused > 100  # the damage reached what is checked
