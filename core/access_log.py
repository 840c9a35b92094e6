"""gunicorn's access log, with every value passed through the same redaction as our own logs
(gunicorn.conf.py names it): a confirmation or password-reset link's key never reaches a file."""

from gunicorn.glogging import Logger

from .logging import redact


class RedactedAccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        return {
            name: redact(value) if isinstance(value, str) else value
            for name, value in super().atoms(resp, req, environ, request_time).items()
        }
