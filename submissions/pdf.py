"""The EOI as a document: its printable page and its PDF are one template, eoi_document.html.

The PDF is that page drawn by xhtml2pdf, in pure Python on ReportLab. Every answer in it is
escaped by the template, so an applicant's text never becomes markup; and whatever the markup
names, the renderer may read the four Bitstream Vera files that ship with ReportLab and nothing
else: no URL, no other file.
"""

import io
import logging
from pathlib import Path

import reportlab
from django.template.loader import render_to_string
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from core.timezones import local_moment

log = logging.getLogger(__name__)
# xhtml2pdf warns once per character no font can draw, quoting the applicant's text around it:
# thousands of lines of personal data for one answer in another script. Its errors still show.
logging.getLogger("xhtml2pdf").setLevel(logging.ERROR)

TEMPLATE = "submissions/eoi_document.html"
# Bitstream Vera covers French and the typographic quotes.
FONTS = (Path(reportlab.__file__).parent / "fonts").resolve()
FONT_FILES = frozenset({"Vera.ttf", "VeraBd.ttf", "VeraIt.ttf", "VeraBI.ttf"})
FONT_SCHEME = "font:"
# What a refused address becomes: an empty resource. (Returning nothing would not refuse it:
# xhtml2pdf then reads the address as given.)
NOTHING = "data:,"
# The second lock, in xhtml2pdf's own fetcher: no network, local reads inside the fonts folder.
POLICY = ResourceAccessPolicy.server(base_dir=FONTS, allow_remote=False)


def local_font(uri, rel=None):
    """xhtml2pdf's link_callback: "font:Vera.ttf" is ReportLab's font file; anything else,
    a URL, a path, a file name with a folder in it, is refused."""
    name = str(uri).removeprefix(FONT_SCHEME)
    if str(uri).startswith(FONT_SCHEME) and name in FONT_FILES:
        return str(FONTS / name)
    log.warning("The EOI document asked for %.200r, which is not one of its fonts", str(uri))
    return NOTHING


def document_context(eoi, kind="eoi"):
    """What eoi_document.html shows, the same for the page and the PDF: of an EOI, or of a
    full proposal (`kind` "proposal"), which answers the same names."""
    return {
        "eoi": eoi,
        "kind": kind,
        "call": eoi.call,
        "answers": eoi.readable_answers(),
        "submitted": local_moment(eoi.submitted_at, eoi.call.zone) if eoi.submitted_at else "",
    }


def eoi_pdf(eoi, kind="eoi"):
    """The EOI (or full proposal) as PDF bytes, in the active language."""
    return html_to_pdf(render_to_string(TEMPLATE, {**document_context(eoi, kind), "pdf": True}))


def html_to_pdf(html):
    """PDF bytes drawn from an HTML document that may read the fonts above and nothing else."""
    output = io.BytesIO()
    status = pisa.CreatePDF(
        html, dest=output, encoding="utf-8", link_callback=local_font, resource_policy=POLICY
    )
    if status.err:
        raise RuntimeError(f"xhtml2pdf could not draw the document: {status.err} errors")
    return output.getvalue()
