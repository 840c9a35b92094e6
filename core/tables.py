"""Tables as CSV or XLSX files, written while their rows are read.

A download streams: its first bytes leave as soon as the header is written, and the server holds
a few hundred rows at a time, whatever the table's length (docs/BENCHMARKS.md, "Exports").
"""

import csv
import io
import re
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

from django.http import StreamingHttpResponse

# Rows written between two chunks handed to the server: a write to the response per row cost
# more than the rows themselves.
CHUNK_ROWS = 250
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula is quoted instead."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _close(rows):
    """Close a generator of rows when its download ends or is abandoned: it may hold a
    database cursor and the transaction around it."""
    close = getattr(rows, "close", None)
    if close is not None:
        close()


def csv_chunks(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    try:
        for number, row in enumerate(rows, start=1):
            writer.writerow([spreadsheet_safe(value) for value in row])
            if number % CHUNK_ROWS == 1:  # the header leaves alone, before the rows are read
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
    finally:
        _close(rows)
    yield buffer.getvalue().encode()


class _Chunks(io.RawIOBase):
    """A file that cannot seek, whose written bytes are taken away in chunks: zipfile then
    writes each member's sizes after its data, so a member can be written as it is made."""

    def __init__(self):
        self.written = []

    def writable(self):
        return True

    def write(self, data):
        self.written.append(bytes(data))
        return len(data)

    def take(self):
        data = b"".join(self.written)
        self.written.clear()
        return data


# XML 1.0 has no place for most control characters; openpyxl refuses them, Excel will not open
# a file that has them.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PARTS = {
    "[Content_Types].xml": (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{RELATIONSHIPS}/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<Relationships xmlns="{PACKAGE}">'
        f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{RELATIONSHIPS}/styles" Target="styles.xml"/>'
        "</Relationships>"
    ),
    "xl/styles.xml": (
        f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
        '</font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill>'
        '<patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/>'
        '<right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf '
        'numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1">'
        '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles '
        'count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
    ),
}


def _workbook(sheet_name):
    return (
        f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"><sheets>'
        f'<sheet name="{escape(sheet_name[:31])}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _cell(value):
    value = spreadsheet_safe(value)
    if isinstance(value, str):
        if not value:
            return "<c/>"
        text = escape(NOT_IN_XML.sub("", value))
        return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f"<c><v>{value}</v></c>"


def xlsx_chunks(rows, sheet_name="Sheet1"):
    """An XLSX workbook of one sheet, its cells inline: numbers stay numbers, text stays text
    (formulas quoted as in the CSV), written to a zip stream a few hundred rows at a time."""
    sink = _Chunks()
    try:
        # Level 1: a quarter of the default's time for a file about a tenth larger.
        with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
            for name, body in PARTS.items():
                package.writestr(name, XML + body)
            package.writestr("xl/workbook.xml", XML + _workbook(sheet_name))
            with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                sheet.write(f'{XML}<worksheet xmlns="{MAIN}"><sheetData>'.encode())
                lines = []
                for number, row in enumerate(rows, start=1):
                    lines.append(f'<row r="{number}">{"".join(_cell(v) for v in row)}</row>')
                    if number % CHUNK_ROWS == 1:  # the header leaves alone, as in the CSV
                        sheet.write("".join(lines).encode())
                        lines.clear()
                        yield sink.take()
                sheet.write(("".join(lines) + "</sheetData></worksheet>").encode())
    finally:
        _close(rows)
    yield sink.take()


def download(rows, filename, file_format, sheet_name="Sheet1"):
    """A streamed CSV or XLSX download of `rows` (an iterable of lists, the header first)."""
    if file_format == "xlsx":
        response = StreamingHttpResponse(xlsx_chunks(rows, sheet_name), content_type=XLSX_TYPE)
    else:
        response = StreamingHttpResponse(csv_chunks(rows), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response
