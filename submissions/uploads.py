"""What an uploaded file really is, judged by its content and never by its name."""

import struct
from dataclasses import dataclass
from pathlib import PurePath

import olefile
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from . import antivirus, archives

PDF = ("pdf", "application/pdf")
XLSX = ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DOCX = ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLS = ("xls", "application/vnd.ms-excel")
ODS = ("ods", "application/vnd.oasis.opendocument.spreadsheet")
ODT = ("odt", "application/vnd.oasis.opendocument.text")
PNG = ("png", "image/png")
JPEG = ("jpg", "image/jpeg")

BUDGET_TYPES = {PDF, XLSX, XLS, ODS, DOCX}
SUPPORTING_TYPES = {PDF, XLSX, XLS, ODS, DOCX, ODT, PNG, JPEG}
# What a message between the Secretariat and an applicant may carry.
MESSAGE_TYPES = {PDF, DOCX, XLSX, ODT, ODS}

OLE2_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
# What olefile raises on a damaged or hostile container.
OLE_DAMAGED = (OSError, ValueError, struct.error, IndexError)


@dataclass(frozen=True)
class SniffedFile:
    extension: str
    content_type: str
    safe_name: str


# The longest OpenDocument media type is under 60 characters.
MAX_MIMETYPE_BYTES = 100
MAX_MANIFEST_BYTES = 1024 * 1024


def _zip_kind(upload):
    """ODS, ODT, XLSX or DOCX by the members that identify them; a ValidationError for an
    archive that cannot be read within bounds (archives.opened says which)."""
    try:
        with archives.opened(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return _opendocument_kind(upload, archive)
            if "[Content_Types].xml" in names:
                if any(name.startswith("xl/") for name in names):
                    return XLSX
                if any(name.startswith("word/") for name in names):
                    return DOCX
    except archives.DAMAGED:
        return None
    return None


def _opendocument_kind(upload, archive):
    mimetype = archives.read_member(archive, "mimetype", MAX_MIMETYPE_BYTES) or b""
    kind = {ODS[1]: ODS, ODT[1]: ODT}.get(mimetype.decode("ascii", "replace").strip())
    if kind is None or "META-INF/manifest.xml" not in archive.namelist():
        return kind
    # OpenDocument encrypts inside the document: the manifest says so, not the ZIP flags.
    manifest = archives.read_member(archive, "META-INF/manifest.xml", MAX_MANIFEST_BYTES)
    if manifest is None:
        return None
    if b"encryption-data" in manifest:
        raise archives.password_protected(upload)
    return kind


def _is_excel_workbook(upload):
    """Old Word, Outlook and installer files share Excel's container; a workbook has its stream.

    A password-protected XLSX or DOCX is this container too, around an encrypted package."""
    try:
        with olefile.OleFileIO(upload) as container:
            if container.exists("EncryptedPackage"):
                raise archives.password_protected(upload)
            return container.exists("Workbook") or container.exists("Book")
    except OLE_DAMAGED:
        return False
    finally:
        upload.seek(0)


def detect_kind(upload):
    """(extension, content type) of a PDF, office document or image; None for anything else."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(upload)
    elif head == OLE2_SIGNATURE:
        kind = XLS if _is_excel_workbook(upload) else None
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    else:
        kind = None
    upload.seek(0)
    return kind


def sniff(upload, allowed, max_bytes):
    """Check an upload's size and type; returns what it is, or raises a ValidationError."""
    if upload.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB."),
            params={"name": upload.name, "limit": max_bytes // (1024 * 1024)},
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty."), params={"name": upload.name}, code="empty")
    kind = detect_kind(upload)
    if kind not in allowed:
        names = ", ".join(sorted(extension.upper() for extension, _type in allowed))
        raise ValidationError(
            _("“%(name)s” is not one of the accepted file types: %(types)s."),
            params={"name": upload.name, "types": names},
            code="file_type",
        )
    antivirus.check(upload)
    extension, content_type = kind
    try:
        stem = get_valid_filename(PurePath(upload.name).stem)[:100]
    except SuspiciousFileOperation:
        stem = "file"
    return SniffedFile(
        extension=f".{extension}", content_type=content_type, safe_name=f"{stem}.{extension}"
    )
