"""The call text in French: the Secretariat's translation, edited in the admin, shown to French
readers; English wherever a French field is empty."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.roles import SECRETARIAT
from review.models import eoi_rubric
from submissions.kmf2021 import FRENCH_BODY_FILE, SEED_FILE, load_2021_call, parse_call_text
from submissions.models import Call
from tests.factories import CallFactory, ChallengeFactory
from tests.review.conftest import in_group
from tests.review.test_rubric_admin import admin_form_data, open_call_in_admin

pytestmark = pytest.mark.django_db


def page_in(client, url, language):
    return client.get(url, headers={"accept-language": language}).content.decode()


def markdown_shape(body):
    """Headings, bullets and paragraphs, in order: what a translation must keep."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", body) if block.strip()]
    return [
        "heading" if block.startswith("## ") else "bullets" if block.startswith("- ") else "text"
        for block in blocks
    ]


def test_the_french_translation_keeps_every_heading_paragraph_and_challenge_of_the_call():
    english = parse_call_text(SEED_FILE.read_text(encoding="utf-8")).body
    french = FRENCH_BODY_FILE.read_text(encoding="utf-8")

    # The French text opens with a note that the English text prevails.
    assert markdown_shape(french) == ["text", *markdown_shape(english)]
    assert french.count("\n- ") == english.count("\n- ") == 3
    assert french.count("**") == english.count("**")


def test_the_2021_call_reads_in_french_for_a_french_reader(client):
    call, _ = load_2021_call()
    url = reverse("submissions:call_detail", args=[call.slug])

    french = page_in(client, url, "fr")
    english = page_in(client, url, "en")

    assert "Pouvoir asymétrique et partenariats" in french
    # Markdown leaves apostrophes as they are; the template escapes them.
    assert "<p>Le monde à l'envers." in french
    assert "<strong>monde de plus en plus multipolaire</strong>" in french
    assert "le texte anglais de l'appel fait foi" in french
    assert "Transférer le pouvoir" in french
    assert "Qui peut postuler ?" in french
    assert "Webinaire d&#x27;information" in french
    assert "Asymmetric Power &amp; Partnerships" in english
    assert "The world turned upside down." in english
    assert "Pouvoir asymétrique" not in english


def test_a_field_without_french_shows_the_english_text(client):
    call = CallFactory(headline="Knowledge for Peace", body="Only in **English**.")
    ChallengeFactory(call=call, title="Untranslated challenge")

    french = page_in(client, reverse("submissions:call_detail", args=[call.slug]), "fr")

    assert "Knowledge for Peace" in french
    assert "Only in <strong>English</strong>." in french
    assert "Untranslated challenge" in french


def test_loading_again_adds_missing_french_and_keeps_the_secretariats(client):
    call, _ = load_2021_call()
    Call.objects.filter(pk=call.pk).update(headline_fr="Titre revu par le Secrétariat", body_fr="")
    call.challenges.update(title_fr=None)

    load_2021_call()

    call.refresh_from_db()
    assert call.headline_fr == "Titre revu par le Secrétariat"
    assert call.body_fr.startswith("*Traduction de courtoisie")
    assert call.challenges.get(number=3).title_fr == "Transférer le pouvoir"


def test_the_secretariat_edits_both_languages_in_the_admin(client):
    secretariat = in_group(SECRETARIAT, is_staff=True)
    call, _ = load_2021_call()
    url, page = open_call_in_admin(client, secretariat, call)
    data = admin_form_data(page)
    assert {"headline_en", "headline_fr", "body_en", "body_fr"} <= set(data)
    data["headline_fr"] = "Pouvoir asymétrique & partenariats équitables"
    data["challenges-0-title_fr"] = "Un monde multipolaire"

    response = client.post(url, data)

    assert response.status_code == 302
    call.refresh_from_db()
    assert call.headline_fr == "Pouvoir asymétrique & partenariats équitables"
    assert call.headline_en == "Asymmetric Power & Partnerships"
    assert call.challenges.get(number=1).title_fr == "Un monde multipolaire"
    client.logout()  # the Secretariat's own language is English
    french = page_in(client, reverse("submissions:call_detail", args=[call.slug]), "fr")
    assert "Pouvoir asymétrique &amp; partenariats équitables" in french


def test_reviewers_reading_french_see_the_rubric_in_french():
    call, _ = load_2021_call()

    with translation.override("fr"):
        titles = [criterion.title for criterion in eoi_rubric(call)]

    assert titles[1] == "Appropriation locale et transfert de pouvoir"
    assert eoi_rubric(call).get(position=2).title == "Local ownership and shift of power"
