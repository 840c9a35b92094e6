"""copied_csv_chunks outside a test's transaction, as in production (autocommit)."""

import threading

import psycopg2
import pytest
from django.db import DataError, connection

from core import tables

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]

BIG = "SELECT repeat('x', 100000) FROM generate_series(1, 400)"


def state():
    raw = connection.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return connection.in_atomic_block, raw.get_transaction_status()


def test_abandoned_many_times_leaves_the_connection_idle():
    for _ in range(20):
        chunks = tables.copied_csv_chunks(["h"], BIG)
        next(chunks), next(chunks)
        chunks.close()
        assert state() == (False, psycopg2.extensions.TRANSACTION_STATUS_IDLE)
        assert [t for t in threading.enumerate() if t.name == "copy-export"] == []


def test_an_error_half_way_is_raised_and_the_connection_is_usable():
    chunks = tables.copied_csv_chunks(
        ["h"], "SELECT 1/(g - 300000) FROM generate_series(1, 400000) g"
    )
    assert next(chunks) == b"h\n"
    with pytest.raises(DataError):
        for _chunk in chunks:
            pass
    assert state() == (False, psycopg2.extensions.TRANSACTION_STATUS_IDLE)


def test_an_error_at_once_is_raised_before_anything_leaves():
    chunks = tables.copied_csv_chunks(["h"], "SELECT 1/0")
    with pytest.raises(DataError):
        next(chunks)
    assert state() == (False, psycopg2.extensions.TRANSACTION_STATUS_IDLE)


def test_read_to_the_end_commits():
    body = b"".join(tables.copied_csv_chunks(["h"], "SELECT g FROM generate_series(1, 3) g"))
    assert body == b"h\n1\n2\n3\n"
    assert state() == (False, psycopg2.extensions.TRANSACTION_STATUS_IDLE)


class Counting:
    def __init__(self, raw):
        self.raw, self.cancels = raw, 0

    def cancel(self):
        self.cancels += 1
        return self.raw.cancel()

    def __getattr__(self, name):
        return getattr(self.raw, name)


def test_a_download_read_to_its_end_sends_no_cancel():
    connection.ensure_connection()
    raw = connection.connection
    counting = connection.connection = Counting(raw)
    try:
        for _ in range(50):
            b"".join(tables.copied_csv_chunks(["h"], "SELECT g FROM generate_series(1, 10) g"))
    finally:
        connection.connection = raw
    assert counting.cancels == 0
