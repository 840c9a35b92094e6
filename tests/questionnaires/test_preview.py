"""The Secretariat previews a questionnaire as applicants will see it, in English or French;
nothing is saved from it, and only staff who may see questionnaires open it."""

import re

import pytest
from django.urls import reverse

from accounts.roles import REVIEWERS
from tests.factories import ApplicantFactory, give_role

pytestmark = pytest.mark.django_db


def preview_url(questionnaire, language=None):
    url = reverse("admin:questionnaires_questionnaire_preview", args=[questionnaire.pk])
    return f"{url}?language={language}" if language else url


def test_every_step_is_shown_with_the_application_forms_fields(secretariat_client, questionnaire):
    page = secretariat_client.get(preview_url(questionnaire)).content.decode()

    for title in ["Organisation", "Project", "Challenges and asymmetry", "Partners and budget"]:
        assert f": {title}</h2>" in page
    # The application's own fields: a word limit counted while typing, the call's sample
    # limit, a row of partners, file inputs.
    assert 'name="project-summary"' in page
    assert 'data-word-limit="200"' in page
    assert "At most €20,000." in page
    assert 'name="partners-0-name"' in page
    assert re.search(r'<input type="file" name="attachments-budget"', page)
    assert re.search(r'<input type="file" name="attachments-supporting"[^>]*multiple', page)
    # Read-only: the fields sit in a disabled fieldset, in no form that could be sent.
    assert "<fieldset disabled>" in page
    assert "project-summary" not in "".join(re.findall(r"<form.*?</form>", page, re.S))


def test_the_preview_switches_between_english_and_french(secretariat_client, questionnaire):
    english = secretariat_client.get(preview_url(questionnaire, "en")).content.decode()
    french = secretariat_client.get(preview_url(questionnaire, "fr")).content.decode()

    assert "Summary" in english
    assert "Résumé" not in english
    assert "Résumé" in french
    assert "Pièces jointes" in french
    assert '<html lang="fr">' in french
    assert 'href="?language=en"' in french
    # An unknown language is the page's own.
    assert "Summary" in secretariat_client.get(preview_url(questionnaire, "xx")).content.decode()


def test_applicants_and_reviewers_cannot_open_the_preview(client, questionnaire):
    for person in (ApplicantFactory(), give_role(ApplicantFactory(), REVIEWERS)):
        client.force_login(person)
        response = client.get(preview_url(questionnaire))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_a_questionnaire_that_does_not_exist_is_not_found(secretariat_client, questionnaire):
    url = reverse("admin:questionnaires_questionnaire_preview", args=[questionnaire.pk + 99])

    assert secretariat_client.get(url).status_code == 404
