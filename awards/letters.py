"""The grant letter: an HTML template drawn as PDF by the house's PDF code (submissions.pdf), in
the lead applicant's language, whoever downloads it."""

from django.template.loader import render_to_string
from django.utils import translation

from core.timezones import local_moment
from submissions.pdf import html_to_pdf

TEMPLATE = "awards/grant_letter.pdf.html"


def letter_pdf(grant):
    eoi = grant.eoi
    with translation.override(eoi.owner.preferred_language):
        html = render_to_string(
            TEMPLATE,
            {
                "grant": grant,
                "eoi": eoi,
                "call": eoi.call,
                "issued": local_moment(grant.letter_issued_at, eoi.call.zone)
                if grant.letter_issued_at
                else "",
            },
        )
    return html_to_pdf(html)
