"""Small real files of the kinds applicants upload, made in memory."""

import io
import zipfile

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


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def budget_pdf(name="budget.pdf"):
    return upload(name, pdf_bytes(), "application/pdf")
