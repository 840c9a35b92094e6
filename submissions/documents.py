"""The documents the Secretariat attaches to a call, and the check of an applicant's upload
against a template among them (the budget on the KMF budget template)."""

import logging

from django.conf import settings
from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import spreadsheets
from .models import CallDocument
from .uploads import DOCX, ODS, ODT, PDF, XLS, XLSX, sniff

logger = logging.getLogger(__name__)

DOCUMENT_TYPES = {PDF, DOCX, XLSX, ODT, ODS}
# Spreadsheets the site cannot read to compare (openpyxl reads XLSX only): no word on them.
UNCOMPARED = {ODS[0], XLS[0]}


def max_bytes():
    return settings.KMF_MAX_UPLOAD_MB * 1024 * 1024


def describe(document, upload):
    """Check an upload for a document (type by content, size, viruses) and note what it is on
    the document: its safe name, type, size and, for a spreadsheet, its layout. Raises a
    ValidationError for the form."""
    sniffed = sniff(upload, DOCUMENT_TYPES, max_bytes())
    document.original_name = sniffed.safe_name
    document.content_type = sniffed.content_type
    document.extension = sniffed.extension
    document.size = upload.size
    document.layout = spreadsheets.layout_of(upload) if sniffed.extension == ".xlsx" else {}


def forget_file(document):
    """What is noted about a file, once it is cleared for a link."""
    document.original_name = document.content_type = document.extension = ""
    document.size = None
    document.layout = {}


def add_file(call, upload, **fields):
    """A document of the call made of `upload` (a named file), saved; for the seeds."""
    document = CallDocument(call=call, **fields)
    describe(document, upload)
    document.file.save(upload.name, upload, save=False)
    document.full_clean()
    document.save()
    return document


def discard_later(name):
    """Delete a stored file once the transaction that stopped using it commits."""
    storage = CallDocument.file.field.storage
    # A storage fault then is logged and leaves an unused file, never a failed request.
    transaction.on_commit(lambda: storage.delete(name), robust=True)


def templates_by_question(call, keys):
    """{file question key: [its templates]} for those of `keys` that have any."""
    found = {}
    for document in call.documents.filter(template_for__in=keys).exclude(layout={}):
        found.setdefault(document.template_for, []).append(document)
    return found


def template_warnings(call, uploads):
    """What to tell the applicant about each upload that does not look like its question's
    template: `uploads` is {file question key: [uploads]}, as the files step stored them. The
    upload stands either way; a PDF, where the question takes one, is only told so."""
    templates = templates_by_question(call, list(uploads))
    language = (get_language() or "en")[:2]
    warnings = []
    for key, files in uploads.items():
        documents = templates.get(key)
        if not documents:
            continue
        # Named by the template in the reader's language, where there is one.
        named = next((d for d in documents if d.language == language), documents[0])
        for upload in files:
            extension = upload.sniffed.extension.lstrip(".")
            if extension in UNCOMPARED:
                continue
            if extension != XLSX[0]:
                warnings.append(
                    _(
                        "“%(name)s” is uploaded, but it is not a spreadsheet: “%(template)s” "
                        "is the form to use. If you can, please upload that, filled in."
                    )
                    % {"name": upload.sniffed.safe_name, "template": named.title}
                )
            elif not spreadsheets.follows(upload, [d.layout for d in documents]):
                warnings.append(
                    _(
                        "“%(name)s” is uploaded, but it does not look like “%(template)s”: it "
                        "has no sheet “%(sheet)s” with the template's column headings. If it is "
                        "on another form, please copy it onto the template, listed on this "
                        "page, and upload that."
                    )
                    % {
                        "name": upload.sniffed.safe_name,
                        "template": named.title,
                        "sheet": named.layout["sheet"],
                    }
                )
    return warnings
