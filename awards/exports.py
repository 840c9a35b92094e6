"""The call's grants as a table: CSV or XLSX, written by core.tables while read."""

from django.utils.translation import gettext as _

from review.exports import streamed

from . import selectors


def grant_rows(call):
    """The header and one row per EOI recommended or awarded, with its grant if recorded."""
    yield [
        _("Reference"),
        _("Lead organisation"),
        _("Title"),
        _("Status"),
        _("Amount requested (€)"),
        _("Amount granted (€)"),
        _("Conditions"),
        _("Letter issued at"),
    ]
    labels = dict(selectors.Status.choices)
    rows = selectors.candidates(call).values_list(
        "reference",
        "organisation_name",
        "title",
        "status",
        "budget_requested",
        "grant__amount",
        "grant__conditions",
        "grant__letter_issued_at",
    )
    for reference, organisation, title, status, asked, amount, conditions, issued in streamed(rows):
        yield [
            reference,
            organisation,
            title,
            str(labels.get(status, status)),
            asked,
            amount,
            conditions,
            issued.isoformat() if issued else "",
        ]
