"""Small real files of the kinds applicants upload, made in memory."""

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile


def pdf_bytes():
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def office_bytes(kind):
    """A minimal XLSX, DOCX or ODS container, with the parts that identify it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if kind == "ods":
            archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
            archive.writestr("content.xml", "<office:document-content/>")
        else:
            archive.writestr("[Content_Types].xml", "<Types/>")
            part = {"xlsx": "xl/workbook.xml", "docx": "word/document.xml"}[kind]
            archive.writestr(part, "<root/>")
    return buffer.getvalue()


@dataclass(frozen=True)
class Member:
    """One member of a hand-made ZIP archive: its packed bytes and what it claims to be."""

    name: str
    packed: bytes
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0


def deflated(name, content, **claims):
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed = packer.compress(content) + packer.flush()
    return Member(name, packed, zlib.crc32(content), len(content), **claims)


def spaces_after(name, head, megabytes):
    """A member of `head` then `megabytes` MiB of spaces, packed without ever holding it: one
    packed mebibyte of spaces, repeated (each ends on a full flush, so it stands alone)."""
    mebibyte = b" " * (1024 * 1024)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    packed_head = packer.compress(head) + packer.flush(zlib.Z_FULL_FLUSH)
    packed_mebibyte = packer.compress(mebibyte) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(head)
    for _ in range(megabytes):
        crc = zlib.crc32(mebibyte, crc)
    packed = packed_head + packed_mebibyte * megabytes + packer.flush()
    return Member(name, packed, crc, len(head) + megabytes * len(mebibyte))


def handmade_zip(*members):
    """A ZIP archive written byte by byte, so that a member can claim what zipfile never
    writes: an encryption flag, an unknown compression method, an enormous unpacked size."""
    local_header = struct.Struct("<4s2B4HL2L2H")
    central_header = struct.Struct("<4s4B4HL2L5H2L")
    body, directory = b"", b""
    for member in members:
        name = member.name.encode()
        fields = (member.flags, member.method, 0, 33, member.crc, len(member.packed), member.size)
        directory += central_header.pack(
            b"PK\x01\x02", 20, 3, 20, 0, *fields, len(name), 0, 0, 0, 0, 0, len(body)
        )
        directory += name
        body += local_header.pack(b"PK\x03\x04", 20, 0, *fields, len(name), 0) + name
        body += member.packed
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0
    )
    return body + directory + end


def ods_bytes(*extra_members):
    """A minimal ODS, hand-made, with any members added."""
    return handmade_zip(
        deflated("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        deflated("content.xml", b"<office:document-content/>"),
        *extra_members,
    )


def ole2_bytes(stream_name):
    """A minimal OLE2 compound file (the container of .xls and .doc) with one 4 KB stream."""
    free, end, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    # directory sectors, FAT sectors, first directory sector, transaction, mini cutoff,
    # first mini FAT sector, mini FAT sectors, first DIFAT sector, DIFAT sectors
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108  # the FAT is sector 0
    fat = [fat_sector, end, *range(3, 10), end]
    fat_sector_bytes = struct.pack(f"<{len(fat)}I", *fat) + struct.pack("<I", free) * (
        128 - len(fat)
    )

    def entry(name, kind, child, start, size):
        encoded = (name + "\0").encode("utf-16-le")
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", no_stream, no_stream, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, size)
        )

    directory = entry("Root Entry", 5, 1, end, 0) + entry(stream_name, 2, no_stream, 2, 4096)
    directory = directory.ljust(512, b"\0")
    return header + fat_sector_bytes + directory + bytes(4096)


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def budget_pdf(name="budget.pdf"):
    return upload(name, pdf_bytes(), "application/pdf")


def attach_budget(eoi):
    """Give an EOI its budget file, as the attachments step does."""
    from submissions import domain
    from submissions.uploads import BUDGET_TYPES, sniff

    budget = budget_pdf()
    budget.sniffed = sniff(budget, BUDGET_TYPES, 10 * 1024 * 1024)
    domain.add_attachments(eoi, eoi.owner, {"budget": [budget]})
    return eoi


def add_document(call, upload_file=None, **fields):
    """A document of `call` made of a file (a PDF unless given), as the admin stores it."""
    from submissions import documents

    fields.setdefault("key", "guidance")
    fields.setdefault("title", "Guidance for applicants")
    return documents.add_file(call, upload_file or budget_pdf("guidance.pdf"), **fields)


def attach(client, eoi, **files):
    """Post files to the attachments step, as the applicant's browser does."""
    from django.urls import reverse

    url = reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": "attachments"})
    return client.post(url, {"go": "stay", **files})
