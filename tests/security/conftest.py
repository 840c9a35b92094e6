"""Fixtures of the security tests."""

import io
import logging

import pytest


@pytest.fixture
def log_output():
    """Everything the console handler configured in settings.LOGGING writes."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)
