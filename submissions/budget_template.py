"""The KMF budget template: an XLSX workbook made for a call, in English or in French.

Its Budget sheet holds the budget lines (a category, what is paid for, the organisation that
spends it, an amount for each month of the project and the line's total) and, under them, a
summary by category, the personnel share checked against the cap and the total checked against
the call's maximum grant, all as formulas, so they stay right as the applicant types. Its
Instructions sheet says how to fill it in. There is no overheads category: the Fund pays none.
"""

import io
from decimal import Decimal

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from core.money import euros

# The first category is the one the cap on personnel costs applies to.
CATEGORIES = [
    (
        gettext_lazy("Personnel"),
        gettext_lazy("Salaries and fees of the people who work on the project."),
    ),
    (
        gettext_lazy("Travel and accommodation"),
        gettext_lazy("Tickets, visas, lodging and daily allowances."),
    ),
    (
        gettext_lazy("Activities and events"),
        gettext_lazy("Meetings, workshops and forums: venues, catering, interpretation."),
    ),
    (
        gettext_lazy("Research and publications"),
        gettext_lazy("Fieldwork, data collection, editing, translation and printing."),
    ),
    (
        gettext_lazy("Equipment and materials"),
        gettext_lazy("What is bought for the project and used for it."),
    ),
    (
        gettext_lazy("Communication and knowledge uptake"),
        gettext_lazy("Websites, videos, podcasts and sharing the results."),
    ),
    (
        gettext_lazy("Other direct costs"),
        gettext_lazy("Any other cost of the project itself: say what it is."),
    ),
]
LINES_PER_CATEGORY = 5
DEFAULT_PERSONNEL_CAP = Decimal("30")
# A call of more months than this gets a column per month still, but the sheet gets wide.
MAX_MONTHS = 36

HEADINGS_ROW = 7
FIRST_LINE = HEADINGS_ROW + 1
MONTH_COLUMN = 4  # D: after the category, the line and the partner

HEADING = Font(bold=True, color="FFFFFF")
HEADING_FILL = PatternFill("solid", fgColor="1F4E79")
CALCULATED = PatternFill("solid", fgColor="E7E6E6")
BOLD = Font(bold=True)
ALERT = PatternFill("solid", fgColor="F4CCCC")
MONEY = "#,##0.00"
PERCENT = "0.0%"


def _text(cell, value, font=None):
    """A text, never a formula, whatever it starts with (a call's title is the Secretariat's)."""
    cell.value = str(value)
    cell.data_type = "s"
    if font:
        cell.font = font
    return cell


def _said(text):
    """A text inside a formula's quotes."""
    return '"' + str(text).replace('"', '""') + '"'


def build(call, language, personnel_cap=DEFAULT_PERSONNEL_CAP):
    """The template for `call` in `language` ("en" or "fr"), as the bytes of an XLSX file."""
    with translation.override(language):
        workbook = Workbook()
        budget = workbook.active
        budget.title = _("Budget")
        names = _budget_sheet(budget, call, personnel_cap)
        _instructions_sheet(workbook.create_sheet(_("Instructions")), call, personnel_cap)
        for name, cell in names.items():
            reference = f"{quote_sheetname(budget.title)}!{cell}"
            workbook.defined_names[name] = DefinedName(name, attr_text=reference)
        workbook.properties.title = _("KMF budget template")
        workbook.properties.creator = "KMF Grants"
        workbook.properties.language = language
        output = io.BytesIO()
        workbook.save(output)
    return output.getvalue()


def _budget_sheet(sheet, call, personnel_cap):
    months = max(1, min(call.max_duration_months, MAX_MONTHS))
    total_column = MONTH_COLUMN + months
    total_letter = get_column_letter(total_column)
    last_line = FIRST_LINE + LINES_PER_CATEGORY * len(CATEGORIES) - 1
    total_row = last_line + 1

    _text(sheet["A1"], _("KMF budget template"), Font(bold=True, size=14))
    _text(sheet["A2"], f"{call.title}: {call.headline}")
    _text(
        sheet["A3"],
        _(
            "Fill in the white cells; the grey ones are calculated. The Instructions sheet "
            "explains each column."
        ),
    )
    _text(sheet["A4"], _("Name of the project"), BOLD)
    _text(sheet["A5"], _("Lead organisation"), BOLD)

    headings = [
        _("Category"),
        _("Budget line (what is paid for)"),
        _("Organisation spending it"),
        *(_("Month %(number)d (€)") % {"number": n} for n in range(1, months + 1)),
        _("Total (€)"),
    ]
    for column, heading in enumerate(headings, start=1):
        cell = _text(sheet.cell(HEADINGS_ROW, column), heading, HEADING)
        cell.fill = HEADING_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")

    row = FIRST_LINE
    for category, _description in CATEGORIES:
        for _line in range(LINES_PER_CATEGORY):
            _text(sheet.cell(row, 1), category)
            first, last = get_column_letter(MONTH_COLUMN), get_column_letter(total_column - 1)
            total = sheet.cell(row, total_column, f"=SUM({first}{row}:{last}{row})")
            total.number_format, total.fill = MONEY, CALCULATED
            for column in range(MONTH_COLUMN, total_column):
                sheet.cell(row, column).number_format = MONEY
            row += 1

    _text(sheet.cell(total_row, 1), _("Total"), BOLD)
    for column in range(MONTH_COLUMN, total_column + 1):
        letter = get_column_letter(column)
        cell = sheet.cell(total_row, column, f"=SUM({letter}{FIRST_LINE}:{letter}{last_line})")
        cell.number_format, cell.fill, cell.font = MONEY, CALCULATED, BOLD

    # The summary, under the lines: by category, then the checks.
    summary_row = total_row + 2
    _text(sheet.cell(summary_row, 1), _("Totals by category"), Font(bold=True, size=12))
    for column, heading in enumerate(
        [_("Category"), _("Total (€)"), _("Share of the budget")], start=1
    ):
        _text(sheet.cell(summary_row + 1, column), heading, HEADING).fill = HEADING_FILL
    first_category = summary_row + 2
    last_category = first_category + len(CATEGORIES) - 1
    budget_total = f"$B${last_category + 1}"
    lines = f"$A${FIRST_LINE}:$A${last_line}"
    amounts = f"${total_letter}${FIRST_LINE}:${total_letter}${last_line}"
    for offset, (category, _description) in enumerate(CATEGORIES):
        row = first_category + offset
        _text(sheet.cell(row, 1), category)
        total = sheet.cell(row, 2, f"=SUMIF({lines},A{row},{amounts})")
        share = sheet.cell(row, 3, f"=IF({budget_total}=0,0,B{row}/{budget_total})")
        total.number_format, share.number_format = MONEY, PERCENT
        total.fill = share.fill = CALCULATED

    row = last_category + 1
    _text(sheet.cell(row, 1), _("Total budget"), BOLD)
    cell = sheet.cell(row, 2, f"={total_letter}{total_row}")
    cell.number_format, cell.fill, cell.font = MONEY, CALCULATED, BOLD
    _text(sheet.cell(row + 1, 1), _("Every line has a category from the list"))
    yes, no = _said(_("Yes")), _said(_("No: choose a category for each line"))
    category_check = sheet.cell(
        row + 1,
        2,
        f"=IF(ABS({budget_total}-SUM(B{first_category}:B{last_category}))<0.005,{yes},{no})",
    )
    category_check.fill = CALCULATED

    personnel, share, cap, check, maximum, grant_check = range(row + 3, row + 9)
    _text(sheet.cell(personnel, 1), _("Personnel costs"))
    sheet.cell(personnel, 2, f"=B{first_category}").number_format = MONEY
    _text(sheet.cell(share, 1), _("Personnel share"), BOLD)
    sheet.cell(share, 2, f"=IF({budget_total}=0,0,B{personnel}/{budget_total})")
    sheet.cell(share, 2).number_format = PERCENT
    _text(sheet.cell(cap, 1), _("Cap on personnel costs"))
    sheet.cell(cap, 2, float(personnel_cap / 100)).number_format = PERCENT
    _text(sheet.cell(check, 1), _("Personnel check"), BOLD)
    within, above = _said(_("Within the cap")), _said(_("Above the cap: lower the personnel costs"))
    sheet.cell(check, 2, f"=IF(B{share}<=B{cap},{within},{above})")
    _text(sheet.cell(maximum, 1), _("Maximum grant (€)"))
    sheet.cell(maximum, 2, float(call.max_amount)).number_format = MONEY
    _text(sheet.cell(grant_check, 1), _("Grant check"), BOLD)
    within = _said(_("Within the maximum grant"))
    above = _said(_("Above the maximum grant: lower the total"))
    sheet.cell(grant_check, 2, f"=IF({budget_total}<=B{maximum},{within},{above})")
    _text(sheet.cell(grant_check + 1, 1), _("Overheads"))
    _text(sheet.cell(grant_check + 1, 2), _("Not funded: no line for them."))
    for calculated in (personnel, share, check, grant_check):
        sheet.cell(calculated, 2).fill = CALCULATED
    # A check that fails turns red.
    for cell, failing in [
        (f"B{check}", f"$B${share}>$B${cap}"),
        (f"B{grant_check}", f"{budget_total}>$B${maximum}"),
        (f"B{row + 1}", f"$B${row + 1}<>{yes}"),
    ]:
        sheet.conditional_formatting.add(cell, FormulaRule(formula=[failing], fill=ALERT))

    # A line's category comes from the summary's list (its total is counted there).
    choice = DataValidation(
        type="list",
        formula1=f"$A${first_category}:$A${last_category}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Category"),
        error=_("Choose one of the categories of the list."),
    )
    sheet.add_data_validation(choice)
    choice.add(f"A{FIRST_LINE}:A{last_line}")

    sheet.freeze_panes = sheet.cell(FIRST_LINE, MONTH_COLUMN)
    sheet.row_dimensions[HEADINGS_ROW].height = 32
    for column, width in [("A", 34), ("B", 40), ("C", 30)]:
        sheet.column_dimensions[column].width = width
    for column in range(MONTH_COLUMN, total_column + 1):
        sheet.column_dimensions[get_column_letter(column)].width = 13
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    return {
        "BudgetTotal": budget_total,
        "PersonnelShare": f"$B${share}",
        "PersonnelCap": f"$B${cap}",
        "PersonnelCheck": f"$B${check}",
        "MaximumGrant": f"$B${maximum}",
        "GrantCheck": f"$B${grant_check}",
    }


def _instructions_sheet(sheet, call, personnel_cap):
    months = max(1, min(call.max_duration_months, MAX_MONTHS))
    lines = [
        (_("How to fill in this budget"), Font(bold=True, size=14)),
        (
            _(
                "Put each cost on a line of its category: what is paid for, the organisation "
                "that spends it (yours or a partner's) and the amount in euros in each month "
                "of the project. The line's total is calculated."
            ),
            None,
        ),
        (
            ngettext(
                "The project lasts at most %(months)d month: leave the months after yours empty.",
                "The project lasts at most %(months)d months: leave the months after yours empty.",
                months,
            )
            % {"months": months},
            None,
        ),
        (
            _(
                "More lines? Insert rows inside the table, above its Total row, so that the "
                "totals count them, and choose each line's category from the list."
            ),
            None,
        ),
        (
            _(
                "Personnel costs (the salaries and fees of the people who work on the project) "
                "may be at most %(cap)d%% of the total budget. Under the table, the totals by "
                "category show your personnel share and whether it is within the cap."
            )
            % {"cap": int(personnel_cap)},
            None,
        ),
        (
            _(
                "Overheads are not funded: no indirect costs, no percentage for the "
                "organisation, no share of its running costs. Every line is a cost of the "
                "project itself."
            ),
            None,
        ),
        (
            _("The total may be at most %(amount)s, the call's maximum grant.")
            % {"amount": euros(call.max_amount)},
            None,
        ),
        (
            _(
                "Keep the sheet names and the column headings: the Secretariat reads every "
                "budget the same way, and the site checks that your file is on this template."
            ),
            None,
        ),
        (
            _(
                "Upload the completed file, as XLSX, with your expression of interest, where "
                "the form asks for the budget."
            ),
            None,
        ),
        ("", None),
        (_("The categories"), Font(bold=True, size=12)),
        *((f"{category}: {description}", None) for category, description in CATEGORIES),
    ]
    for row, (text, font) in enumerate(lines, start=1):
        cell = _text(sheet.cell(row, 1), text, font)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 110
