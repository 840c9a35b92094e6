"""The optional virus scan, against a fake clamd on loopback that speaks the INSTREAM protocol."""

import socketserver
import struct
import threading

import pytest

from tests.files import attach, budget_pdf, pdf_bytes, upload

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


class FakeClamd(socketserver.BaseRequestHandler):
    def handle(self):
        command = b""
        while not command.endswith(b"\0"):
            command += self.request.recv(1)
        assert command == b"zINSTREAM\0"
        content = b""
        while True:
            (length,) = struct.unpack("!L", self.recv_exactly(4))
            if not length:
                break
            content += self.recv_exactly(length)
        verdict = b"stream: Eicar-Test-Signature FOUND\0" if EICAR in content else b"stream: OK\0"
        self.request.sendall(verdict)

    def recv_exactly(self, size):
        data = b""
        while len(data) < size:
            data += self.request.recv(size - len(data))
        return data


@pytest.fixture
def clamd(settings):
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), FakeClamd)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CLAMD_ADDRESS = f"127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


@pytest.mark.django_db
def test_a_clean_file_passes_the_scan(applicant_client, eoi, clamd):
    response = attach(applicant_client, eoi, budget=budget_pdf())

    assert response.status_code == 302
    assert eoi.attachments.count() == 1


@pytest.mark.django_db
def test_an_infected_file_is_refused(applicant_client, eoi, clamd):
    infected = upload("budget.pdf", pdf_bytes() + EICAR)

    response = attach(applicant_client, eoi, budget=infected)

    assert "“budget.pdf” did not pass the virus check." in response.content.decode()
    assert not eoi.attachments.exists()


@pytest.mark.django_db
def test_an_unreachable_scanner_refuses_for_now_instead_of_storing_unscanned(
    applicant_client, eoi, settings
):
    settings.CLAMD_ADDRESS = "127.0.0.1:1"

    response = attach(applicant_client, eoi, budget=budget_pdf())

    assert "could not be checked for viruses just now" in response.content.decode()
    assert not eoi.attachments.exists()
