"""The KMF budget template the 2021 call ships, made by the project, and the word an applicant
gets when the budget they upload does not look like it."""

import io
import zipfile
from unittest import mock

import openpyxl
import pytest

from submissions import budget_template, spreadsheets
from submissions.kmf2021 import load_2021_call
from tests.factories import CallFactory, EOIFactory
from tests.files import (
    attach,
    budget_pdf,
    deflated,
    handmade_zip,
    office_bytes,
    spaces_after,
    upload,
)
from tests.submissions.test_public_pages import page_text
from tests.submissions.test_upload_bounds import peak_memory_of

pytestmark = pytest.mark.django_db

CATEGORIES = [
    "Personnel",
    "Travel and accommodation",
    "Activities and events",
    "Research and publications",
    "Equipment and materials",
    "Communication and knowledge uptake",
    "Other direct costs",
]


@pytest.fixture
def call_2021():
    call, _ = load_2021_call()
    return call


def template_bytes(call, key="budget-template"):
    with call.documents.get(key=key).file.open("rb") as stored:
        return stored.read()


def workbook_of(content):
    return openpyxl.load_workbook(io.BytesIO(content))


def cell_of(workbook, name):
    """The cell a defined name points at."""
    ((sheet, reference),) = workbook.defined_names[name].destinations
    return workbook[sheet][reference.replace("$", "")]


# ----- The template -----


def test_the_2021_call_ships_the_template_in_english_and_french_on_its_budget_step(call_2021):
    documents = list(call_2021.documents.all())

    assert [(d.key, d.language, d.step, d.template_for) for d in documents] == [
        ("budget-template", "en", "budget", "budget"),
        ("budget-template-fr", "fr", "budget", "budget"),
    ]
    assert [d.title_en for d in documents] == ["KMF budget template"] * 2
    assert [d.title_fr for d in documents] == ["Modèle de budget du KMF"] * 2
    assert all(d.content_type.endswith("spreadsheetml.sheet") for d in documents)
    assert documents[0].layout["sheet"] == "Budget"
    assert documents[0].layout["headings"][:3] == [
        "Category",
        "Budget line (what is paid for)",
        "Organisation spending it",
    ]


def test_the_budget_sheet_has_its_categories_months_partner_and_no_overheads(call_2021):
    workbook = workbook_of(template_bytes(call_2021))
    sheet = workbook["Budget"]

    assert workbook.sheetnames == ["Budget", "Instructions"]
    headings = [cell.value for cell in sheet[budget_template.HEADINGS_ROW]]
    assert headings == [
        "Category",
        "Budget line (what is paid for)",
        "Organisation spending it",
        *(f"Month {n} (€)" for n in range(1, 10)),
        "Total (€)",
    ]
    lines = [row[0].value for row in sheet.iter_rows(min_row=8, max_row=42)]
    assert lines == [c for c in CATEGORIES for _ in range(budget_template.LINES_PER_CATEGORY)]
    assert sheet["A43"].value == "Total"
    every_text = " ".join(
        str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row
    )
    assert "overhead" not in " ".join(CATEGORIES).casefold()
    assert "Overheads are not funded" in every_text


def test_every_total_is_a_formula(call_2021):
    sheet = workbook_of(template_bytes(call_2021))["Budget"]

    assert sheet["M8"].value == "=SUM(D8:L8)"
    assert sheet["M42"].value == "=SUM(D42:L42)"
    assert sheet["D43"].value == "=SUM(D8:D42)"
    assert sheet["M43"].value == "=SUM(M8:M42)"
    summary = {sheet.cell(row, 1).value: row for row in range(47, 54)}
    assert list(summary) == CATEGORIES
    for category, row in summary.items():
        assert sheet.cell(row, 2).value == f"=SUMIF($A$8:$A$42,A{row},$M$8:$M$42)", category
    # A line's category is chosen from the summary's list.
    (choice,) = sheet.data_validations.dataValidation
    assert (choice.type, choice.formula1, str(choice.sqref)) == ("list", "$A$47:$A$53", "A8:A42")


def test_the_personnel_share_is_checked_against_the_30_percent_cap(call_2021):
    workbook = workbook_of(template_bytes(call_2021))

    total, share, cap, check = (
        cell_of(workbook, name)
        for name in ("BudgetTotal", "PersonnelShare", "PersonnelCap", "PersonnelCheck")
    )
    assert total.value == "=M43"
    assert share.value == "=IF($B$54=0,0,B57/$B$54)"
    assert workbook["Budget"]["B57"].value == "=B47"  # the personnel line of the summary
    assert workbook["Budget"]["A47"].value == "Personnel"
    assert (cap.value, cap.number_format) == (0.3, "0.0%")
    assert check.value == (
        '=IF(B58<=B59,"Within the cap","Above the cap: lower the personnel costs")'
    )
    maximum, grant_check = cell_of(workbook, "MaximumGrant"), cell_of(workbook, "GrantCheck")
    assert maximum.value == 20000
    assert grant_check.value.startswith("=IF($B$54<=B61,")


def test_the_months_follow_the_calls_duration_and_its_text_stays_text():
    call = CallFactory(max_duration_months=6, title='=HYPERLINK("http://x")', headline="H")

    workbook = workbook_of(budget_template.build(call, "en"))

    sheet = workbook["Budget"]
    assert [c.value for c in sheet[7]][-2:] == ["Month 6 (€)", "Total (€)"]
    assert sheet["J8"].value == "=SUM(D8:I8)"
    assert sheet["A2"].value == '=HYPERLINK("http://x"): H'
    assert sheet["A2"].data_type == "s"


def test_the_french_template_is_in_french(call_2021):
    workbook = workbook_of(template_bytes(call_2021, "budget-template-fr"))

    sheet = workbook["Budget"]
    assert sheet["A1"].value == "Modèle de budget du KMF"
    assert [c.value for c in sheet[7]][:4] == [
        "Catégorie",
        "Ligne budgétaire (ce qui est payé)",
        "Organisation qui la dépense",
        "Mois 1 (€)",
    ]
    assert sheet["A47"].value == "Personnel"
    assert "Au-dessus du plafond" in cell_of(workbook, "PersonnelCheck").value
    instructions = " ".join(str(row[0].value) for row in workbook["Instructions"].iter_rows())
    assert "au plus 30\xa0% du budget total" in instructions
    assert "20\xa0000\xa0€" in instructions


def test_the_instructions_say_the_cap_the_maximum_and_no_overheads(call_2021):
    sheet = workbook_of(template_bytes(call_2021))["Instructions"]

    text = " ".join(str(row[0].value) for row in sheet.iter_rows())
    assert "at most 30% of the total budget" in text
    assert "at most €20,000" in text
    assert "at most 9 months" in text
    assert "Overheads are not funded" in text
    for category in CATEGORIES:
        assert f"{category}: " in text


def test_loading_again_adds_the_templates_once(call_2021):
    load_2021_call()
    assert call_2021.documents.count() == 2

    call_2021.documents.all().delete()  # a call loaded before there were templates
    load_2021_call()
    assert call_2021.documents.count() == 2


# ----- The budget upload -----


@pytest.fixture
def eoi_2021(call_2021, applicant):
    return EOIFactory(call=call_2021, owner=applicant, challenges=[call_2021.challenges.first()])


def upload_budget(client, eoi, content, name):
    response = attach(client, eoi, budget=upload(name, content))
    assert response.status_code == 302
    assert eoi.attachments.filter(question="budget").exists()  # it is uploaded either way
    return page_text(client.get(response["Location"]))


def saved(workbook):
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def filled_in(content):
    workbook = workbook_of(content)
    sheet = workbook["Budget"]
    sheet["C4"], sheet["B8"], sheet["C8"], sheet["D8"] = "Forums", "Coordinator", "ADF", 1500
    return saved(workbook)


@pytest.mark.parametrize(
    "key", ["budget-template", "budget-template-fr"], ids=["english", "french"]
)
def test_a_budget_on_the_template_is_taken_without_a_word(applicant_client, eoi_2021, key):
    content = filled_in(template_bytes(eoi_2021.call, key))

    text = upload_budget(applicant_client, eoi_2021, content, "our budget.xlsx")

    assert "Uploaded." in text
    assert "does not look like" not in text
    assert "not a spreadsheet" not in text


def test_a_template_without_the_months_a_project_does_not_need_still_follows_it(
    applicant_client, eoi_2021
):
    workbook = workbook_of(template_bytes(eoi_2021.call))
    workbook["Budget"].delete_cols(10, 3)  # months 7 to 9

    text = upload_budget(applicant_client, eoi_2021, saved(workbook), "six months.xlsx")

    assert "does not look like" not in text


def another_workbook():
    workbook = openpyxl.Workbook()
    workbook.active.title = "Costs"
    workbook.active.append(["Item", "Amount", "Who", "When"])
    workbook.active.append(["Flights", 1200, "ADF", "March"])
    return saved(workbook)


@pytest.mark.parametrize(
    "content", [another_workbook(), office_bytes("xlsx")], ids=["another", "empty"]
)
def test_a_spreadsheet_of_another_form_is_uploaded_with_a_warning(
    applicant_client, eoi_2021, content
):
    text = upload_budget(applicant_client, eoi_2021, content, "costs.xlsx")

    assert "Uploaded." in text
    assert (
        "“costs.xlsx” is uploaded, but it does not look like “KMF budget template”: it has no "
        "sheet “Budget” with the template's column headings."
    ) in text


def test_a_pdf_budget_is_uploaded_and_told_it_is_not_a_spreadsheet(applicant_client, eoi_2021):
    text = upload_budget(applicant_client, eoi_2021, budget_pdf().read(), "budget.pdf")

    assert (
        "“budget.pdf” is uploaded, but it is not a spreadsheet: “KMF budget template” is the "
        "form to use."
    ) in text


def test_the_warning_names_the_template_in_the_readers_language(
    applicant_client, applicant, eoi_2021
):
    applicant.preferred_language = "fr"
    applicant.save()

    text = upload_budget(applicant_client, eoi_2021, budget_pdf().read(), "budget.pdf")

    assert "« budget.pdf » est joint, mais ce n'est pas un tableur" in text.replace("’", "'")
    assert "« Modèle de budget du KMF »" in text


def test_spreadsheets_the_site_cannot_read_are_not_judged(applicant_client, eoi_2021):
    text = upload_budget(applicant_client, eoi_2021, office_bytes("ods"), "budget.ods")

    assert "Uploaded." in text
    assert "does not look like" not in text


def test_a_call_without_a_template_says_nothing(applicant_client, applicant, call):
    eoi = EOIFactory(call=call, owner=applicant)

    text = upload_budget(applicant_client, eoi, office_bytes("xlsx"), "costs.xlsx")

    assert "Uploaded." in text
    assert "does not look like" not in text


def test_a_workbook_with_a_part_too_large_to_read_is_not_opened(applicant_client, eoi_2021):
    source = zipfile.ZipFile(io.BytesIO(template_bytes(eoi_2021.call)))
    parts = [deflated(info.filename, source.read(info.filename)) for info in source.infolist()]
    # The template, with a sheet that unpacks to 9 MiB, as a workbook of many rows would.
    big = spaces_after("xl/worksheets/sheet9.xml", b"<worksheet>", 9)
    content = handmade_zip(*parts, big)
    assert len(content) < 1024 * 1024
    attach(applicant_client, eoi_2021, budget=budget_pdf())  # the page's first rendering

    with mock.patch.object(spreadsheets.openpyxl, "load_workbook") as opened:
        response, peak = peak_memory_of(
            lambda: attach(applicant_client, eoi_2021, budget=upload("big.xlsx", content))
        )

    text = page_text(applicant_client.get(response["Location"]))
    assert "“big.xlsx” is uploaded, but it does not look like “KMF budget template”" in text
    opened.assert_not_called()
    assert peak < 8 * 1024 * 1024, f"{peak / 2**20:.0f} MiB"


def test_a_workbook_of_nested_entities_is_read_as_no_template(applicant_client, eoi_2021):
    source = zipfile.ZipFile(io.BytesIO(template_bytes(eoi_2021.call)))
    entities = "".join(
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "lol" * 10}">' for n in range(12)
    )
    strings = (
        f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]><sst xmlns="http://schemas.'
        'openxmlformats.org/spreadsheetml/2006/main"><si><t>&l11;</t></si></sst>'
    ).encode()
    shared = (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxml'
        b'formats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
    )
    parts = []
    for info in source.infolist():
        content = source.read(info.filename)
        if info.filename == "[Content_Types].xml":
            content = content.replace(b"</Types>", shared)
        parts.append(deflated(info.filename, content))
    content = handmade_zip(*parts, deflated("xl/sharedStrings.xml", strings))

    text = upload_budget(applicant_client, eoi_2021, content, "entities.xlsx")

    assert "“entities.xlsx” is uploaded, but it does not look like" in text
