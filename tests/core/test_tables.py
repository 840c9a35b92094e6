"""CSV and XLSX written while their rows are read: what a spreadsheet opens, with numbers as
numbers, formulas defused, and every row whatever the number of chunks."""

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl

from core import tables

ROWS = [
    ["reference", "amount", "share", "text"],
    ["KMF-1", 18000, Decimal("12.50"), '=HYPERLINK("http://evil.example","click")'],
    ["KMF-2", None, 1.5, "Tom & Jerry <b>bold</b>\nsecond line"],
    ["KMF-3", 0, None, "bell\x07 and nul\x00 gone, accents kept: Ségou, Tombouctou"],
]


def test_an_xlsx_file_that_a_spreadsheet_opens_with_numbers_as_numbers():
    data = b"".join(tables.xlsx_chunks(iter(ROWS), "EOIs"))

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["EOIs"]
    rows = list(workbook.active.values)
    assert rows[0] == ("reference", "amount", "share", "text")
    assert rows[1] == ("KMF-1", 18000, 12.5, '\'=HYPERLINK("http://evil.example","click")')
    assert rows[2] == ("KMF-2", None, 1.5, "Tom & Jerry <b>bold</b>\nsecond line")
    assert rows[3] == ("KMF-3", 0, None, "bell and nul gone, accents kept: Ségou, Tombouctou")


def test_a_long_table_is_handed_over_in_chunks_and_loses_no_row():
    many = [["n", "text"]] + [[n, f"row {n}"] for n in range(1, 3 * tables.CHUNK_ROWS + 7)]

    xlsx = list(tables.xlsx_chunks(iter(many)))
    comma = list(tables.csv_chunks(iter(many)))

    assert len(xlsx) > 3
    assert len(comma) > 3
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx))).active
    assert list(sheet.values)[1:] == [tuple(row) for row in many[1:]]
    parsed = list(csv.reader(io.StringIO(b"".join(comma).decode())))
    assert parsed[1:] == [[str(n), text] for n, text in many[1:]]
    assert zipfile.ZipFile(io.BytesIO(b"".join(xlsx))).testzip() is None


def test_the_header_leaves_before_any_row_is_read():
    read = []

    def rows():
        for n in range(10 * tables.CHUNK_ROWS):
            read.append(n)
            yield [n]

    for chunks in (tables.csv_chunks(rows()), tables.xlsx_chunks(rows())):
        read.clear()
        assert next(chunks)
        assert read == [0]  # the header alone: no row read yet beyond the first


def test_the_csv_defuses_formulas_and_keeps_text_as_typed():
    parsed = list(csv.reader(io.StringIO(b"".join(tables.csv_chunks(iter(ROWS))).decode())))

    assert parsed[1] == ["KMF-1", "18000", "12.50", '\'=HYPERLINK("http://evil.example","click")']
    assert parsed[2][3] == "Tom & Jerry <b>bold</b>\nsecond line"


def test_an_abandoned_download_closes_its_rows():
    closed = []

    def rows():
        try:
            for n in range(10 * tables.CHUNK_ROWS):
                yield [n]
        finally:
            closed.append(True)  # where the export's cursor and transaction end

    for chunks in (tables.csv_chunks(rows()), tables.xlsx_chunks(rows())):
        closed.clear()
        next(chunks)
        next(chunks)
        chunks.close()
        assert closed == [True]
