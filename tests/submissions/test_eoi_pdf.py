import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from tests.factories import ApplicantFactory, EOIFactory

pytestmark = pytest.mark.django_db


def pdf_text(response):
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_owner_downloads_the_eoi_as_a_pdf_with_every_answer(applicant_client, applicant):
    eoi = EOIFactory(
        owner=applicant,
        reference="KMF21-0042",
        status="submitted",
        asymmetry="Décisions « locales » : l’argent suit les forums – 100 %.",
    )

    response = applicant_client.get(reverse("submissions:eoi_pdf", args=[eoi.uuid]))

    text = " ".join(pdf_text(response).split())
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="KMF21-0042.pdf"'
    assert "KMF21-0042" in text
    assert "Community justice forums in Mopti" in text
    assert "Décisions « locales » : l’argent suit les forums – 100 %." in text
    assert "Mali" in text
    assert "€18,000.00" in text


def test_the_pdf_speaks_the_readers_language(applicant_client, applicant):
    applicant.preferred_language = "fr"
    applicant.save()
    eoi = EOIFactory(owner=applicant, budget_requested=18000)

    text = pdf_text(applicant_client.get(reverse("submissions:eoi_pdf", args=[eoi.uuid])))

    assert "Projet" in text
    assert "Défis et asymétrie" in text
    assert re.search(r"18\s000,00\s€", text)
    assert "25,00" in text  # a narrow no-break space groups the thousands


def test_markup_in_answers_does_not_break_the_pdf(applicant_client, applicant):
    eoi = EOIFactory(owner=applicant, title="<b>bold</b> & <script>", summary="a < b > c &amp; d")

    response = applicant_client.get(reverse("submissions:eoi_pdf", args=[eoi.uuid]))

    assert response.status_code == 200
    assert "<b>bold</b> & <script>" in pdf_text(response)


def test_another_applicant_cannot_download_the_pdf(client):
    eoi = EOIFactory()
    client.force_login(ApplicantFactory())

    assert client.get(reverse("submissions:eoi_pdf", args=[eoi.uuid])).status_code == 404
