import datetime
import http.server
import io
import re
import threading

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from submissions import domain, pdf
from submissions.uploads import BUDGET_TYPES, sniff
from tests.factories import ApplicantFactory, EOIFactory
from tests.files import budget_pdf

pytestmark = pytest.mark.django_db

PARTNERS = [
    {"name": "Forum de Mopti", "country": "ML", "role": "Convenes the forums", "locally_led": True},
    {"name": "Université de Ouagadougou", "country": "BF", "role": "Research"},
]


def pdf_text(content):
    """The PDF's text, its whitespace made single spaces (lines break where the page does)."""
    pages = PdfReader(io.BytesIO(content)).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def download(client, eoi):
    response = client.get(reverse("submissions:eoi_pdf", args=[eoi.uuid]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response


def attach_budget(eoi, name="budget.pdf"):
    budget = budget_pdf(name)
    budget.sniffed = sniff(budget, BUDGET_TYPES, 10 * 1024 * 1024)
    domain.add_attachments(eoi, eoi.owner, {"budget": [budget]})


def test_the_owner_downloads_the_eoi_as_a_pdf_with_every_answer(applicant_client, applicant, call):
    eoi = EOIFactory(
        call=call,
        owner=applicant,
        reference="KMF21-0042",
        status="submitted",
        submitted_at=datetime.datetime(2021, 3, 23, 21, 30, tzinfo=datetime.UTC),
        summary="Forums decide.\n\nDécisions « locales » : l’argent suit les forums – 100 %.",
        partners=PARTNERS,
    )
    attach_budget(eoi, "budget-kmf-2021.pdf")

    response = download(applicant_client, eoi)

    text = pdf_text(response.content)
    assert response["Content-Disposition"] == 'attachment; filename="KMF21-0042.pdf"'
    assert "Knowledge Management Fund" in text
    assert "KMF21-0042" in text
    assert "Community justice forums in Mopti" in text
    assert "Submitted 23 March 2021, 22:30 CET" in text  # the call's zone, Amsterdam
    assert "Forums decide. Décisions « locales » : l’argent suit les forums – 100 %." in text
    assert "Mali, Burkina Faso" in text
    assert "€18,000.00" in text
    assert "Forum de Mopti · Mali · Convenes the forums · Locally led" in text
    assert "Université de Ouagadougou · Burkina Faso · Research" in text
    assert "budget-kmf-2021.pdf" in text


def test_its_text_is_drawn_in_the_embedded_vera(applicant_client, applicant):
    eoi = EOIFactory(owner=applicant, summary="Élan, cœur, « guillemets », l’été – 100 %")
    reader = PdfReader(io.BytesIO(download(applicant_client, eoi).content))
    fonts = {}

    def note_font(text, cm, tm, font, size):
        # List bullets are drawn in Symbol, one of the fonts every PDF reader has.
        if text.strip() and text.strip() != "•":
            fonts[font["/BaseFont"]] = font

    for page in reader.pages:
        page.extract_text(visitor_text=note_font)

    assert {name.split("+")[-1] for name in fonts} == {
        "BitstreamVeraSans-Roman",
        "BitstreamVeraSans-Bold",
    }
    assert all("/FontFile2" in font["/FontDescriptor"] for font in fonts.values())
    assert "Élan, cœur, « guillemets », l’été – 100 %" in pdf_text(reader.stream.getvalue())


def test_the_pdf_speaks_the_readers_language(applicant_client, applicant):
    applicant.preferred_language = "fr"
    applicant.save()
    eoi = EOIFactory(owner=applicant, budget_requested=18000, partners=PARTNERS[:1])

    text = pdf_text(download(applicant_client, eoi).content)

    assert "Projet" in text
    assert "Défis et asymétrie" in text
    assert "Statut Brouillon" in text
    assert re.search(r"18\s000,00\s€", text)
    assert re.search(r"25\s%", text)
    assert "Forum de Mopti · Mali · Convenes the forums · Dirigé localement" in text


def test_markup_in_answers_is_shown_as_text(applicant_client, applicant):
    eoi = EOIFactory(owner=applicant, title="<b>bold</b> & <script>", summary="a < b > c &amp; d")

    text = pdf_text(download(applicant_client, eoi).content)

    assert "<b>bold</b> & <script>" in text
    assert "a < b > c &amp; d" in text


class Requests(http.server.BaseHTTPRequestHandler):
    seen = []

    def do_GET(self):
        self.seen.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def loopback_server():
    """An HTTP server on loopback that notes every request it is sent."""
    Requests.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Requests)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", Requests.seen
    server.shutdown()
    server.server_close()


def hostile(url):
    return (
        f'<img src="{url}/img.png"> <link rel="stylesheet" href="{url}/link.css">'
        f"</style><style>@import url({url}/import.css); body {{ display: none }}</style>"
        f'<div style="background-image: url({url}/bg.png)">styled</div> <pdf:pagecount>'
    )


def test_hostile_answers_are_text_and_fetch_nothing(applicant_client, applicant, loopback_server):
    url, requests = loopback_server
    eoi = EOIFactory(owner=applicant, summary=hostile(url), asymmetry=hostile(url))

    response = download(applicant_client, eoi)

    assert f'<img src="{url}/img.png">' in pdf_text(response.content)
    assert requests == []


def test_long_and_foreign_text_is_drawn_whole(applicant_client, applicant):
    long_answer = "Début. " + "Les forums décident, l’argent suit. " * 1400 + "Fin du texte."
    assert len(long_answer) > 50_000
    eoi = EOIFactory(
        owner=applicant,
        summary="Un" + "mot" * 2000 + "long",
        problem_context=long_answer,
        activities_timeline="العدالة المحلية — צדק מקומי — 地方司法 — ✓ \u202ereversed\u202c 😀",
        outcomes_uptake="\t tabs, \u00a0no-break, \u200b zero width, \ufeff and \ufffd",
    )

    response = download(applicant_client, eoi)

    text = pdf_text(response.content)
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) > 10
    assert "Début. Les forums décident" in text
    assert "l’argent suit. Fin du texte." in text
    assert "Un" + "mot" * 20 in text.replace(" ", "")
    assert "Expected outcomes" in text  # what follows them is there too


def test_a_document_that_asks_for_files_or_urls_gets_none(tmp_path, monkeypatch, loopback_server):
    """The second lock, for markup that would slip past escaping: xhtml2pdf's fetcher may read
    the fonts and nothing else, neither the network nor the files beside the document."""
    url, requests = loopback_server
    monkeypatch.chdir(tmp_path)
    Image.new("RGB", (40, 40), "red").save(tmp_path / "beside.png")
    html = (
        f'<html><head><link rel="stylesheet" href="{url}/link.css">'
        f"<style>@import url({url}/import.css); @font-face {{ font-family: X; "
        f'src: url("{tmp_path}/beside.png"); }}</style></head><body>'
        f'<img src="{url}/img.png"><img src="beside.png"><img src="{tmp_path}/beside.png">'
        f'<img src="file://{tmp_path}/beside.png"><img src="font:../../../{tmp_path}/beside.png">'
        f"<p>still drawn</p></body></html>"
    )

    content = pdf.html_to_pdf(html)

    reader = PdfReader(io.BytesIO(content))
    assert "still drawn" in pdf_text(content)
    assert [image for page in reader.pages for image in page.images] == []
    assert requests == []


@pytest.mark.parametrize(
    "uri",
    [
        "http://127.0.0.1/Vera.ttf",
        "https://fonts.example.org/Vera.ttf",
        "//example.org/Vera.ttf",
        "Vera.ttf",
        "font:../Vera.ttf",
        "font:/etc/passwd",
        "font:../../../../etc/passwd",
        "font:hb-test.ttf",
        f"file://{pdf.FONTS}/Vera.ttf",
        str(pdf.FONTS / "Vera.ttf"),
    ],
)
def test_only_the_documents_own_fonts_are_resolved(uri):
    assert pdf.local_font(uri) == pdf.NOTHING


def test_a_font_name_resolves_to_reportlabs_file():
    assert pdf.local_font("font:VeraBd.ttf") == str(pdf.FONTS / "VeraBd.ttf")


def test_another_applicant_cannot_download_the_pdf(client):
    eoi = EOIFactory()
    client.force_login(ApplicantFactory())

    assert client.get(reverse("submissions:eoi_pdf", args=[eoi.uuid])).status_code == 404
