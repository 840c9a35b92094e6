"""Tables as CSV or XLSX files, written while their rows are read.

A download streams: its first bytes leave as soon as the header is written, and the server holds
a few hundred rows at a time, whatever the table's length (docs/BENCHMARKS.md, "Exports").
"""

import csv
import io
import queue
import re
import threading
import time
import zipfile
from decimal import Decimal
from xml.sax.saxutils import escape

from django.db import connection, transaction
from django.http import StreamingHttpResponse

# Rows written between two chunks handed to the server: a write to the response per row cost
# more than the rows themselves.
CHUNK_ROWS = 250
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# How text starts that a spreadsheet would run as a formula (the database's CSV writer,
# review/copied_exports.py, quotes the same).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula is quoted instead."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    text = str(value)
    return f"'{text}" if text[:1] in FORMULA_STARTS else text


def _close(rows):
    """Close a generator of rows when its download ends or is abandoned: it may hold a
    database cursor and the transaction around it."""
    close = getattr(rows, "close", None)
    if close is not None:
        close()


class _csv_writer:
    """Lines end in "\n", as PostgreSQL's COPY writes them, and a field holding "\r" is quoted,
    as COPY quotes it: csv quotes the characters of its line ending, so rows are written with
    "\r\n" and their last two characters made "\n"."""

    def __init__(self, buffer):
        self.buffer = buffer
        self.writer = csv.writer(buffer, lineterminator="\r\n")

    def writerow(self, row):
        self.writer.writerow(row)
        self.buffer.seek(self.buffer.tell() - 2)
        self.buffer.write("\n")
        self.buffer.truncate()


def _csv_value(value):
    """A cell as COPY writes it: a Decimal in plain notation, never a negative zero."""
    value = spreadsheet_safe(value)
    if isinstance(value, Decimal):
        return format(abs(value) if value.is_zero() else value, "f")
    return value


def csv_chunks(rows):
    buffer = io.StringIO()
    writer = _csv_writer(buffer)
    try:
        for number, row in enumerate(rows, start=1):
            writer.writerow([_csv_value(value) for value in row])
            if number % CHUNK_ROWS == 1:  # the header leaves alone, before the rows are read
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
    finally:
        _close(rows)
    yield buffer.getvalue().encode()


# Bytes of COPY output handed over at a time, and how many such chunks may wait for the client:
# PostgreSQL writes one message per row, far smaller than a useful write to the response.
COPY_CHUNK = 256 * 1024
COPY_WAITING = 8
_DONE = object()


class _CopySink:
    """Where psycopg2 writes COPY's rows: gathered into chunks and passed to the response
    through a bounded queue, so a slow client slows the database instead of filling memory.
    Once the download is abandoned, the next write stops the copy."""

    def __init__(self, chunks, abandoned):
        self.chunks = chunks
        self.abandoned = abandoned
        self.pending = []
        self.size = 0

    def write(self, data):
        self.pending.append(data)
        self.size += len(data)
        if self.size >= COPY_CHUNK:
            self.flush()
        return len(data)

    def flush(self):
        if self.pending:
            self.put(b"".join(self.pending))
            self.pending.clear()
            self.size = 0

    def put(self, item):
        while not self.abandoned.is_set():
            try:
                self.chunks.put(item, timeout=0.1)
                return
            except queue.Full:
                continue
        raise _Abandoned


class _Abandoned(Exception):
    pass


def copied_csv_chunks(header, sql):
    """The header row, then the rows of `sql` (a SELECT, its parameters already bound) as
    PostgreSQL's COPY writes them in CSV: the database quotes and writes every byte, and the
    server only passes them on (docs/BENCHMARKS.md, "Exports stream").

    psycopg2 copies into a file-like object and returns only at the end, so the copy runs in a
    thread on this request's connection, which this thread leaves alone until the copy ends.
    Inside a transaction (a savepoint in a test's), so that a download abandoned half-way,
    whose copy is cancelled, leaves the connection as it found it. Nothing leaves before the
    copy has given its first rows or its error: a query that fails at once is an error the
    server can still answer with, not a header and a cut connection. (A copy that fails later
    cuts the download: its headers are gone.) The statement lasts as long as the download, so a
    `statement_timeout` would cut a slow client's."""
    buffer = io.StringIO()
    _csv_writer(buffer).writerow([spreadsheet_safe(value) for value in header])
    copy = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    with transaction.atomic():
        connection.ensure_connection()
        raw = connection.connection
        chunks = queue.Queue(maxsize=COPY_WAITING)
        abandoned = threading.Event()

        def produce():
            sink = _CopySink(chunks, abandoned)
            try:
                with raw.cursor() as cursor:
                    cursor.copy_expert(copy, sink)
                sink.flush()
                sink.put(_DONE)
            except _Abandoned:
                pass
            except Exception as error:  # handed to the reading thread, which raises it
                if not abandoned.is_set():
                    sink.put(error)

        def taken():
            while True:
                try:
                    return chunks.get(timeout=1)
                except queue.Empty:
                    if not producer.is_alive() and chunks.empty():
                        raise RuntimeError("the copy ended without a word") from None

        started = time.monotonic()
        producer = threading.Thread(target=produce, name="copy-export", daemon=True)
        producer.start()
        finished = False
        try:
            chunk = taken()
            first = True
            while chunk is not _DONE:
                if isinstance(chunk, Exception):
                    finished = True
                    with connection.wrap_database_errors:
                        raise chunk
                if first:
                    yield buffer.getvalue().encode()
                    first = False
                yield chunk
                chunk = taken()
            finished = True
            if first:
                yield buffer.getvalue().encode()
        finally:
            if not finished:
                abandoned.set()
                raw.cancel()  # the copy stops at once instead of running to its end
            producer.join()
            if connection.queries_logged:
                elapsed = time.monotonic() - started
                connection.queries_log.append({"sql": copy, "time": f"{elapsed:.3f}"})


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


def streamed_file(chunks, filename, file_format):
    content_type = XLSX_TYPE if file_format == "xlsx" else CSV_TYPE
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    return response


def download(rows, filename, file_format, sheet_name="Sheet1"):
    """A streamed CSV or XLSX download of `rows` (an iterable of lists, the header first)."""
    if file_format == "xlsx":
        return streamed_file(xlsx_chunks(rows, sheet_name), filename, file_format)
    return streamed_file(csv_chunks(rows), filename, file_format)
