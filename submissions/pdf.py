"""The EOI as a PDF file, in the reader's language, with every answer."""

import io
from html import escape
from pathlib import Path

import reportlab
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

# Bitstream Vera ships with ReportLab and covers French and the typographic quotes.
FONTS = Path(reportlab.__file__).parent / "fonts"
pdfmetrics.registerFont(TTFont("Vera", FONTS / "Vera.ttf"))
pdfmetrics.registerFont(TTFont("Vera-Bold", FONTS / "VeraBd.ttf"))

STYLES = getSampleStyleSheet()
TITLE = ParagraphStyle("title", STYLES["Title"], fontName="Vera-Bold", fontSize=16, leading=20)
HEADING = ParagraphStyle("heading", STYLES["Heading2"], fontName="Vera-Bold", fontSize=12)
LABEL = ParagraphStyle("label", STYLES["Normal"], fontName="Vera-Bold", fontSize=9, spaceBefore=4)
TEXT = ParagraphStyle("text", STYLES["Normal"], fontName="Vera", fontSize=10, leading=14)


def _text(value):
    """Plain text made safe for ReportLab's markup, with the applicant's line breaks."""
    return escape(str(value) if value not in (None, "") else "—").replace("\n", "<br/>")


def _answers(eoi):
    for part in eoi.readable_answers():
        rows = []
        for item in part["items"]:
            question = item["question"]
            if question.is_file:
                value = "\n".join(a.original_name for a in item["files"])
            elif question.is_rows:
                value = "\n".join(item["rows"])
            else:
                value = item["text"]
            rows.append((question.label, value))
        yield part["step"].title, rows


def eoi_pdf(eoi):
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=eoi.reference or eoi.title,
        author=eoi.owner.name or eoi.owner.email,
    )
    story = [
        Paragraph(_text(f"{eoi.call.title}: {eoi.call.headline}"), TEXT),
        Paragraph(_text(eoi.title or _("Untitled expression of interest")), TITLE),
        Paragraph(
            _text(
                f"{_('Status')}: {eoi.get_status_display()} · {_('Reference')}: "
                f"{eoi.reference or '—'}"
            ),
            TEXT,
        ),
    ]
    if eoi.submitted_at:
        submitted = timezone.localtime(eoi.submitted_at, eoi.call.zone)
        story.append(
            Paragraph(
                _text(f"{_('Submitted')}: {formats.date_format(submitted, 'j F Y, H:i T')}"), TEXT
            )
        )
    for heading, rows in _answers(eoi):
        story.append(Paragraph(_text(heading), HEADING))
        for label, value in rows:
            story.append(Paragraph(_text(label), LABEL))
            story.append(Paragraph(_text(value), TEXT))
        story.append(Spacer(1, 4 * mm))
    document.build(story)
    return buffer.getvalue()
