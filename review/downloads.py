"""The Secretariat's downloads: which writer writes each file.

A CSV on PostgreSQL is written by the database (copied_exports.py), every other file row by row
in Python (exports.py); both write the same CSV.
"""

from core import tables
from submissions import answers as eoi_answers

from . import copied_exports, exports


def eois(call, chosen, file_format, sort=""):
    """Every EOI of `chosen` (a queryset of the call's EOIs), in the order `sort` names."""
    filename = f"{call.slug}-eois"
    if file_format == "csv" and copied_exports.available(eoi_answers.asked(call)):
        return tables.streamed_file(copied_exports.eoi_chunks(call, chosen, sort), filename, "csv")
    return tables.download(exports.eoi_rows(call, chosen, sort), filename, file_format, "EOIs")


def reviews(call, file_format):
    filename = f"{call.slug}-reviews"
    if file_format == "csv" and copied_exports.available():
        return tables.streamed_file(copied_exports.review_chunks(call), filename, "csv")
    return tables.download(exports.review_rows(call), filename, file_format, "Reviews")
