"""Reading inside ZIP archives (XLSX, DOCX, ODS and ODT are ZIP archives), within bounds.

A file of a few megabytes can list a hundred thousand members, declare a member that unpacks to
gigabytes, or use encryption or a compression method nobody reviewing it could open. Each of
these is refused with a message before anything is unpacked: the directory is measured from the
archive's end record before it is parsed, every member's flags, method and declared size are
checked from the directory, and a member is read in bounded chunks, never past what was asked.
"""

import struct
import zipfile
import zlib
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# An office document has tens or hundreds of members; a workbook with many sheets and pictures
# a few thousand at most.
MAX_MEMBERS = 5000
MAX_DIRECTORY_BYTES = 1024 * 1024
# XML unpacks to ten or twenty times its packed size, pictures to about theirs; a zip bomb to
# hundreds or thousands of times.
MAX_RATIO = 100
# A small document is never refused for its ratio: a page of blank cells packs very well.
ALWAYS_ALLOWED_UNPACKED = 10 * 1024 * 1024
READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
# General-purpose flag bits: 0 encrypted, 5 compressed patched data, 6 strong encryption.
ENCRYPTED = 0x1
UNREADABLE_FLAGS = 0x20 | 0x40
# What a damaged or hostile archive raises from the standard library while it is read.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, struct.error)

END_RECORD = struct.Struct("<4s4H2LH")
END_RECORD_SIGNATURE = b"PK\x05\x06"
ZIP64_LOCATOR = struct.Struct("<4sLQL")
ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
ZIP64_END_RECORD = struct.Struct("<4sQ2H2L4Q")
ZIP64_END_RECORD_SIGNATURE = b"PK\x06\x06"


def _refusal(message, code, upload, **params):
    return ValidationError(message, code=code, params={"name": upload.name, **params})


def too_many_members(upload):
    return _refusal(
        _(
            "“%(name)s” is made of more than %(limit)d parts, more than an office document "
            "has. Please save it again from your office program, or as a PDF."
        ),
        "too_many_members",
        upload,
        limit=MAX_MEMBERS,
    )


def unpacks_too_large(upload):
    return _refusal(
        _(
            "“%(name)s” would unpack to far more than its size, as no office document does. "
            "Please save it again from your office program, or as a PDF."
        ),
        "unpacks_too_large",
        upload,
    )


def password_protected(upload):
    return _refusal(
        _(
            "“%(name)s” is protected by a password. Please upload a copy without one, so that "
            "reviewers can open it."
        ),
        "password_protected",
        upload,
    )


def unreadable_compression(upload):
    return _refusal(
        _(
            "“%(name)s” is compressed in a way we cannot read. Please save it again from your "
            "office program, or as a PDF."
        ),
        "unreadable_compression",
        upload,
    )


def _directory_extent(upload):
    """(members, bytes) of the central directory as the end record declares them, found as
    zipfile finds it (at the very end, else after a comment); None when there is none."""
    upload.seek(0, 2)
    size = upload.tell()
    tail_size = min(size, END_RECORD.size + 0xFFFF)
    upload.seek(size - tail_size)
    tail = upload.read(tail_size)
    at = len(tail) - END_RECORD.size
    if not (tail[at:].startswith(END_RECORD_SIGNATURE) and tail.endswith(b"\0\0")):
        at = tail.rfind(END_RECORD_SIGNATURE)
        if at < 0 or len(tail) - at < END_RECORD.size:
            return None
    *_head, members, directory_bytes, _offset, _comment = END_RECORD.unpack_from(tail, at)
    locator_at = size - tail_size + at - ZIP64_LOCATOR.size
    if locator_at - ZIP64_END_RECORD.size >= 0:
        upload.seek(locator_at)
        if upload.read(4) == ZIP64_LOCATOR_SIGNATURE:
            upload.seek(locator_at - ZIP64_END_RECORD.size)
            record = upload.read(ZIP64_END_RECORD.size)
            if record.startswith(ZIP64_END_RECORD_SIGNATURE):
                *_head, members, directory_bytes, _offset = ZIP64_END_RECORD.unpack(record)
    return members, directory_bytes


@contextmanager
def opened(upload):
    """The upload as a ZipFile whose every member may be read; a ValidationError otherwise.

    Raises zipfile.BadZipFile (or another of DAMAGED) when it is no archive at all."""
    extent = _directory_extent(upload)
    if extent is None:
        raise zipfile.BadZipFile("no end of central directory record")
    members, directory_bytes = extent
    if members > MAX_MEMBERS or directory_bytes > MAX_DIRECTORY_BYTES:
        raise too_many_members(upload)
    upload.seek(0)
    try:
        archive = zipfile.ZipFile(upload)
    except NotImplementedError as error:  # a ZIP version newer than the standard library's
        raise unreadable_compression(upload) from error
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise too_many_members(upload)
        for info in infos:
            if info.flag_bits & ENCRYPTED:
                raise password_protected(upload)
            if info.compress_type not in READABLE_METHODS or info.flag_bits & UNREADABLE_FLAGS:
                raise unreadable_compression(upload)
            # Deflate never packs data into much more than its size: this member hides some.
            if info.compress_size > info.file_size + info.file_size // 100 + 1024:
                raise zipfile.BadZipFile(f"{info.filename} holds more than it declares")
        unpacked = sum(info.file_size for info in infos)
        if unpacked > max(ALWAYS_ALLOWED_UNPACKED, MAX_RATIO * upload.size):
            raise unpacks_too_large(upload)
        yield archive
    upload.seek(0)


def read_member(archive, name, limit):
    """At most `limit` bytes of a member, unpacked a chunk at a time; None when it is longer."""
    info = archive.getinfo(name)
    if info.file_size > limit:
        return None
    with archive.open(info) as member:
        # ZipExtFile unpacks no more than it is asked for, and stops at the declared size.
        content = member.read(limit + 1)
    return content if len(content) <= limit else None
