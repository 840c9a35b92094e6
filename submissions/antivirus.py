"""An optional virus scan of uploads by a ClamAV daemon (clamd), over its INSTREAM protocol.

Set CLAMD_ADDRESS to host:port (for instance 127.0.0.1:3310) to scan every attachment before it
is stored. Without it, uploads are checked by type and size only. When the daemon is set but
cannot be reached, uploads are refused for the moment rather than stored unscanned.
"""

import socket
import struct

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CHUNK = 64 * 1024
TIMEOUT = 30


def _scan(upload, host, port):
    with socket.create_connection((host, port), timeout=TIMEOUT) as connection:
        connection.sendall(b"zINSTREAM\0")
        upload.seek(0)
        for chunk in iter(lambda: upload.read(CHUNK), b""):
            connection.sendall(struct.pack("!L", len(chunk)) + chunk)
        connection.sendall(struct.pack("!L", 0))
        answer = b""
        while not answer.endswith(b"\0"):
            part = connection.recv(4096)
            if not part:
                break
            answer += part
    upload.seek(0)
    return answer.rstrip(b"\0").decode("utf-8", "replace")


def check(upload):
    """Raise a ValidationError for an infected file, or when the scan cannot be made now."""
    address = settings.CLAMD_ADDRESS
    if not address:
        return
    host, _sep, port = address.rpartition(":")
    try:
        answer = _scan(upload, host, int(port))
    except (OSError, ValueError) as error:
        raise ValidationError(
            _("“%(name)s” could not be checked for viruses just now. Please try again later."),
            params={"name": upload.name},
            code="scan_unavailable",
        ) from error
    if not answer.endswith("OK"):
        raise ValidationError(
            _("“%(name)s” did not pass the virus check."),
            params={"name": upload.name},
            code="infected",
        )
