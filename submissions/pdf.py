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

from core.money import euros

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
    field = eoi._meta.get_field
    yield (
        _("Organisation"),
        [
            (field("organisation_name").verbose_name, eoi.organisation_name),
            (field("organisation_type").verbose_name, eoi.get_organisation_type_display()),
            (field("organisation_country").verbose_name, eoi.organisation_country.name),
            (field("organisation_website").verbose_name, eoi.organisation_website),
        ],
    )
    yield (
        _("Project"),
        [
            (field("title").verbose_name, eoi.title),
            (field("summary").verbose_name, eoi.summary),
            (field("problem_context").verbose_name, eoi.problem_context),
            (field("activities_timeline").verbose_name, eoi.activities_timeline),
            (field("outcomes_uptake").verbose_name, eoi.outcomes_uptake),
            (field("countries").verbose_name, ", ".join(c.name for c in eoi.countries)),
            (field("duration_months").verbose_name, eoi.duration_months),
        ],
    )
    yield (
        _("Challenges and asymmetry"),
        [
            (
                field("challenges").verbose_name,
                "; ".join(f"{c.number}. {c.title}" for c in eoi.challenges.all()),
            ),
            (field("asymmetry").verbose_name, eoi.asymmetry),
        ],
    )
    yield (
        _("Partners and budget"),
        [
            (
                field("budget_requested").verbose_name,
                euros(eoi.budget_requested, 2) if eoi.budget_requested is not None else None,
            ),
            (
                field("personnel_share").verbose_name,
                formats.number_format(eoi.personnel_share, 2, use_l10n=True)
                if eoi.personnel_share is not None
                else None,
            ),
            (
                _("Partners"),
                "\n".join(
                    f"{p.name} ({p.country.name}): {p.role}"
                    + (f" · {_('locally led')}" if p.locally_led else "")
                    for p in eoi.partners.all()
                ),
            ),
            (
                _("Attachments"),
                "\n".join(a.original_name for a in eoi.attachments.all()),
            ),
        ],
    )


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
            story.append(Paragraph(_text(str(label).capitalize()), LABEL))
            story.append(Paragraph(_text(value), TEXT))
        story.append(Spacer(1, 4 * mm))
    document.build(story)
    return buffer.getvalue()
