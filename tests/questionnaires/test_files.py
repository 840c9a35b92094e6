"""A questionnaire leaves the site as a JSON file and comes back as a new questionnaire; a file
that is not one is refused with a message that says why, and nothing is created."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditEntry
from questionnaires import definition as definitions
from questionnaires.models import Questionnaire
from submissions.kmf2021 import QUESTIONNAIRE_FILE, questionnaire_2021
from tests.factories import ApplicantFactory
from tests.questionnaires.conftest import AdminPage

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:questionnaires_questionnaire_import")


def export(client, questionnaire):
    response = client.get(
        reverse("admin:questionnaires_questionnaire_export", args=[questionnaire.pk])
    )
    assert response.status_code == 200
    return response


def upload(client, content, name="questionnaire.json"):
    data = content if isinstance(content, bytes) else json.dumps(content).encode()
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data, "application/json")})


def test_the_2021_questionnaire_makes_the_round_trip(
    secretariat_client, secretariat, questionnaire
):
    response = export(secretariat_client, questionnaire)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="kmf-2021-expression-of-interest-v1.json"'
    )
    exported = response.content.decode()
    # The export is the 2021 file itself: import(export(x)) == x.
    assert definitions.from_dict(json.loads(exported)) == questionnaire_2021()

    imported = upload(secretariat_client, response.content)

    copy = Questionnaire.objects.exclude(pk=questionnaire.pk).get()
    assert imported["Location"] == reverse(
        "admin:questionnaires_questionnaire_change", args=[copy.pk]
    )
    assert (copy.version, copy.previous) == (1, None)
    assert definitions.as_json(definitions.build(copy.pk)) == exported
    entry = AuditEntry.objects.get(action="questionnaire.imported")
    assert (entry.actor, entry.object_id) == (secretariat, str(copy.pk))


def the_2021_file():
    return json.loads(QUESTIONNAIRE_FILE.read_text())


def with_duplicate_key():
    data = the_2021_file()
    data["steps"][1]["questions"][1]["key"] = "title"
    return data


def with_unknown_kind():
    data = the_2021_file()
    data["steps"][1]["questions"][1]["kind"] = "essay"
    return data


def with_questions_not_a_list():
    data = the_2021_file()
    data["steps"][0]["questions"] = 7
    return data


def with_a_label_too_long():
    data = the_2021_file()
    data["steps"][0]["questions"][0]["label"] = {"en": "x" * 301}
    return data


def with_a_negative_word_limit():
    data = the_2021_file()
    data["steps"][1]["questions"][1]["word_limit"] = -5
    return data


def with_a_step_key_that_is_no_address():
    data = the_2021_file()
    data["steps"][0]["key"] = "our organisation/2"
    return data


def with_a_role_on_the_wrong_kind():
    data = the_2021_file()
    data["steps"][3]["questions"][0]["kind"] = "short_text"  # the amount requested
    return data


def with_a_reserved_key():
    data = the_2021_file()
    data["steps"][1]["questions"][1]["key"] = "version"
    return data


def with_a_file_among_other_questions():
    data = the_2021_file()
    data["steps"][1]["questions"].append({"key": "cv", "kind": "file", "label": {"en": "CV"}})
    return data


def with_required_written_as_text():
    data = the_2021_file()
    data["steps"][1]["questions"][1]["required"] = "no"  # once read as yes
    return data


def with_a_word_limit_written_as_text():
    data = the_2021_file()
    data["steps"][1]["questions"][1]["word_limit"] = "200"
    return data


BAD_FILES = {
    "not JSON": (b"name,steps\nKMF,1\n", "This file is not JSON"),
    "not text": (b"\xff\xfe\x00PDF", "This file is not JSON"),
    "wrong shape": ([1, 2, 3], "A questionnaire file has a name and a list of steps."),
    "duplicate keys": (with_duplicate_key(), "the key “title” is used twice"),
    "unknown kind": (with_unknown_kind(), "“essay” is not a kind of question here"),
    "questions not a list": (with_questions_not_a_list(), "must be a list of objects"),
    "label too long": (with_a_label_too_long(), "at most 300 characters"),
    "negative word limit": (with_a_negative_word_limit(), "greater than or equal to 0"),
    "step key": (with_a_step_key_that_is_no_address(), "Step “our organisation/2”, key"),
    "too large": (b" " * (1024 * 1024 + 1), "larger than 1 MB"),
    "nested too deep": (b"[" * 200_000, "This file is not JSON"),
    "role on another kind": (with_a_role_on_the_wrong_kind(), "needs another kind of question"),
    "reserved key": (with_a_reserved_key(), "a name the form uses itself"),
    "file among others": (with_a_file_among_other_questions(), "holds only file questions"),
    "required as text": (with_required_written_as_text(), "“required” is true or false"),
    "word limit as text": (with_a_word_limit_written_as_text(), "“word_limit” is a whole number"),
}


@pytest.mark.parametrize("what", BAD_FILES)
def test_a_bad_file_is_refused_with_a_message(secretariat_client, what):
    content, message = BAD_FILES[what]

    response = upload(secretariat_client, content)

    assert response.status_code == 200
    assert message in response.content.decode().replace("&quot;", '"')
    assert 'class="errorlist' in response.content.decode()
    assert not Questionnaire.objects.exists()


def test_an_import_without_a_file_asks_for_one(secretariat_client):
    response = secretariat_client.post(IMPORT, {})

    assert "This field is required." in response.content.decode()


def test_applicants_neither_import_nor_export(client, questionnaire):
    client.force_login(ApplicantFactory())
    export_url = reverse("admin:questionnaires_questionnaire_export", args=[questionnaire.pk])

    assert client.get(export_url).status_code == 302
    assert upload(client, the_2021_file()).status_code == 302
    assert Questionnaire.objects.count() == 1


KEY_RULE = "A key is letters, digits and underscores, without spaces or hyphens."


def test_a_questionnaire_built_in_the_admin_comes_back_from_its_file_identical(
    secretariat_client, questionnaire
):
    """One rule for a key, in the admin and in the file: what the admin takes, the import
    takes back; what one refuses, the other refuses in the same words."""
    step = questionnaire.steps.get(key="budget")
    change = reverse("admin:questionnaires_questionnaire_change", args=[questionnaire.pk])
    page = AdminPage(secretariat_client, change)
    page.add_row(
        "questions", step=str(step.pk), key="co-funding", kind="money", label_en="Co-funding"
    )
    refused = page.post()
    assert refused.status_code == 200
    assert KEY_RULE in refused.content.decode()
    page = AdminPage(secretariat_client, change)
    page.add_row(
        "questions",
        step=str(step.pk),
        key="Co_funding_2024",
        kind="money",
        label_en="Co-funding",
        label_fr="Cofinancement",
        min_value="0",
        max_value="5000",
    )
    assert page.post().status_code == 302
    column = questionnaire.questions.get(key="partners").columns.get(key="name")
    column_page = AdminPage(
        secretariat_client,
        reverse("admin:questionnaires_question_change", args=[column.pk]),
    )
    assert KEY_RULE in column_page.set(key="partner-name").post().content.decode()
    column.refresh_from_db()
    assert column.key == "name"

    exported = export(secretariat_client, questionnaire).content
    assert upload(secretariat_client, exported).status_code == 302

    copy = Questionnaire.objects.exclude(pk=questionnaire.pk).get()
    assert definitions.as_json(definitions.build(copy.pk)) == exported.decode()
    assert definitions.build(copy.pk).steps == definitions.build(questionnaire.pk).steps
    assert "Co_funding_2024" in definitions.build(copy.pk).by_key

    hyphenated = json.loads(exported)
    hyphenated["steps"][3]["questions"][-1]["key"] = "co-funding"
    response = upload(secretariat_client, hyphenated)
    assert f"Step 4 “co-funding”: {KEY_RULE}" in response.content.decode()
    assert Questionnaire.objects.count() == 2
