"""Once answers are given in a questionnaire version, it is never changed in place: the admin
shows it read-only, and an edit starts with a new version that the calls ask from then on."""

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from questionnaires import definition as definitions
from questionnaires import versions
from questionnaires.models import Question, Questionnaire
from submissions import domain
from tests.factories import CallFactory, EOIFactory
from tests.questionnaires.conftest import AdminPage

pytestmark = pytest.mark.django_db


def change_url(questionnaire):
    return reverse("admin:questionnaires_questionnaire_change", args=[questionnaire.pk])


def new_version_url(questionnaire):
    return reverse("admin:questionnaires_questionnaire_new_version", args=[questionnaire.pk])


def test_starting_an_application_marks_its_questionnaire_answered(call, applicant):
    assert call.questionnaire.answered_at is None

    domain.start_eoi(call, applicant)

    call.questionnaire.refresh_from_db()
    assert call.questionnaire.answered_at is not None


def test_a_draft_saved_after_a_new_version_marks_the_new_version_answered(
    call, applicant, secretariat
):
    eoi = domain.start_eoi(call, applicant)
    old = call.questionnaire
    new = versions.new_version(
        questionnaire=Questionnaire.objects.get(pk=old.pk), actor=secretariat
    )
    call.refresh_from_db()
    assert new.answered_at is None

    eoi = domain.save_step(eoi, applicant, eoi.version, {"summary": "Local forums decide."})

    new.refresh_from_db()
    assert new.answered_at is not None
    assert eoi.questionnaire_id == new.pk


def test_an_answered_version_is_read_only_in_the_admin(secretariat_client, call):
    questionnaire = call.questionnaire
    page = AdminPage(secretariat_client, change_url(questionnaire))  # the form, while unanswered
    versions.mark_answered(questionnaire.pk)

    shown = secretariat_client.get(change_url(questionnaire)).content.decode()
    assert 'name="name"' not in shown
    assert "Make a new version to edit" in shown
    assert new_version_url(questionnaire) in shown

    # A page opened before the first answer is refused when it is sent, with the reason.
    page.set(name="Changed after answers")
    response = page.post(follow=True)
    assert "can no longer be changed: make a new version to edit" in response.content.decode()
    questionnaire.refresh_from_db()
    assert questionnaire.name != "Changed after answers"

    question = questionnaire.questions.get(key="summary")
    question_url = reverse("admin:questionnaires_question_change", args=[question.pk])
    assert 'name="label_en"' not in secretariat_client.get(question_url).content.decode()
    refused = secretariat_client.post(question_url, {"label_en": "Changed", "key": "summary"})
    assert refused.status_code == 403
    assert Question.objects.get(pk=question.pk).label_en == "Summary"


def test_a_new_version_copies_everything_and_the_calls_ask_it(secretariat_client, secretariat):
    call = CallFactory()
    other_call = CallFactory(questionnaire=call.questionnaire)
    old = call.questionnaire
    versions.mark_answered(old.pk)

    confirm = secretariat_client.get(new_version_url(old))
    assert str(call) in confirm.content.decode()
    assert str(other_call) in confirm.content.decode()
    response = secretariat_client.post(new_version_url(old))

    new = Questionnaire.objects.get(previous=old)
    assert response["Location"] == change_url(new)
    assert (new.version, new.name, new.answered_at) == (2, old.name, None)
    # Steps, questions, French, choices and columns: the same file, but for its version.
    assert definitions.as_dict(definitions.build(new.pk)) == definitions.as_dict(
        definitions.build(old.pk)
    )
    assert definitions.build(new.pk).by_key["partners"].columns[0].label.fr
    assert definitions.build(new.pk).by_key["organisation_type"].choices
    call.refresh_from_db()
    other_call.refresh_from_db()
    assert call.questionnaire_id == other_call.questionnaire_id == new.pk
    entry = AuditEntry.objects.get(action="questionnaire.new_version")
    assert (entry.actor, entry.object_id, entry.details) == (
        secretariat,
        str(new.pk),
        {"previous": old.pk, "calls": sorted([call.pk, other_call.pk])},
    )
    assert AuditEntry.objects.filter(action="call.changed", object_id=str(call.pk)).exists()

    # The copy is the one to edit; the old one sends to it.
    assert 'name="name"' in secretariat_client.get(change_url(new)).content.decode()
    again = secretariat_client.post(new_version_url(old))
    assert again["Location"] == change_url(new)
    assert Questionnaire.objects.filter(previous=old).count() == 1


def test_an_unanswered_version_is_edited_in_place_not_copied(secretariat_client, call):
    response = secretariat_client.post(new_version_url(call.questionnaire))

    assert response["Location"] == change_url(call.questionnaire)
    assert not Questionnaire.objects.filter(previous=call.questionnaire).exists()


def test_answers_stay_readable_under_the_version_they_were_given_in(secretariat_client, call):
    eoi = EOIFactory(
        call=call,
        status="submitted",
        reference="KMF21-0001",
        asymmetry="Budget decisions move to the forums.",
    )
    old = call.questionnaire
    versions.mark_answered(old.pk)
    secretariat_client.post(new_version_url(old))
    new = Questionnaire.objects.get(previous=old)

    # The new version asks differently: a new label, and the asymmetry question gone.
    page = AdminPage(secretariat_client, change_url(new))
    summary = page.row_of("questions", "key", "summary")
    asymmetry = page.row_of("questions", "key", "asymmetry")
    page.set(
        **{
            f"questions-{summary}-label_en": "Your idea in brief",
            f"questions-{asymmetry}-DELETE": "on",
        }
    )
    assert page.post().status_code == 302

    eoi.refresh_from_db()
    assert eoi.questionnaire_id == old.pk
    shown = secretariat_client.get(reverse("review:secretariat_eoi", args=[eoi.uuid]))
    assert shown.status_code == 200
    text = shown.content.decode()
    assert "Summary" in text
    assert "Your idea in brief" not in text
    assert "Budget decisions move to the forums." in text
    assert "asymmetry" not in definitions.build(new.pk).by_key
