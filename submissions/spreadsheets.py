"""The first rows of an XLSX workbook, read within bounds: a template's layout (its sheet and
column headings), and whether an upload follows it.

openpyxl reads a workbook's small parts (its list of sheets, shared strings, styles) whole, and
in read-only mode streams each sheet row by row; rows past the first few are never parsed. So
the archive is checked first as every upload is (archives.opened), and each of its members
must declare at most MAX_PART_BYTES: no filled-in template comes near it, and a file that does
is not read at all (it does not look like a template).
"""

import logging
import math

import openpyxl
from django.core.exceptions import ValidationError

from . import archives

logger = logging.getLogger(__name__)

# A template filled in is a few tens of kilobytes; the largest member of an ordinary workbook
# of a few thousand rows, a megabyte or two.
MAX_PART_BYTES = 2 * 1024 * 1024
SHEETS_READ = 20
ROWS_READ = 30
COLUMNS_READ = 60
# A row of column headings has at least this many texts.
MIN_HEADINGS = 3
# An upload follows a template when one row of its sheet holds this share of the template's
# headings: a project shorter than the template's months may drop a few month columns.
SHARE_OF_HEADINGS = 2 / 3


def _folded(value):
    return " ".join(value.split()).casefold()


def first_rows(source):
    """{sheet title: [the texts of each of its first rows]}, or None when the file is no
    workbook that can be read within bounds. `source` is a file opened for reading."""
    try:
        with archives.opened(source) as archive:
            if any(info.file_size > MAX_PART_BYTES for info in archive.infolist()):
                return None
        source.seek(0)
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=True, keep_links=False)
    except (*archives.DAMAGED, ValidationError):
        return None
    except Exception:  # openpyxl raises what its parsers raise on damaged parts
        logger.info("A workbook could not be read", exc_info=True)
        return None
    sheets = {}
    try:
        for sheet in workbook.worksheets[:SHEETS_READ]:
            rows = sheet.iter_rows(max_row=ROWS_READ, max_col=COLUMNS_READ, values_only=True)
            sheets[sheet.title] = [
                [value.strip() for value in row if isinstance(value, str) and value.strip()]
                for row in rows
            ]
    except Exception:  # a sheet's XML is parsed only now, as it is read
        logger.info("A worksheet could not be read", exc_info=True)
        return None
    finally:
        workbook.close()
        source.seek(0)
    return sheets


def layout_of(source):
    """A template's layout, {"sheet": title, "headings": [texts]}: the row of its first rows
    with the most texts (at least MIN_HEADINGS), in whichever sheet has it; {} when none."""
    best = {}
    for title, rows in (first_rows(source) or {}).items():
        for row in rows:
            if len(row) >= max(MIN_HEADINGS, len(best.get("headings", ())) + 1):
                best = {"sheet": title, "headings": row}
    return best


def follows(source, layouts):
    """Whether the workbook has a sheet of a layout's name, with a row holding most of its
    headings (case and spacing aside)."""
    sheets = first_rows(source)
    if not sheets:
        return False
    by_title = {_folded(title): rows for title, rows in sheets.items()}
    for layout in layouts:
        headings = {_folded(text) for text in layout["headings"]}
        needed = math.ceil(len(headings) * SHARE_OF_HEADINGS)
        for row in by_title.get(_folded(layout["sheet"]), ()):
            if len(headings & {_folded(text) for text in row}) >= needed:
                return True
    return False
