"""Once answers are given in a questionnaire version, it is never changed in place: the admin
shows it read-only, and an edit starts with a new version that the calls ask from then on."""

import threading
import time
from unittest import mock

import pytest
from django.db import connection, transaction
from django.urls import reverse

from audit.models import AuditEntry
from questionnaires import definition as definitions
from questionnaires import versions
from questionnaires.models import Question, Questionnaire
from submissions import domain
from tests.clients import Client
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
    refused = secretariat_client.post(
        question_url, {"label_en": "Changed", "key": "summary"}, follow=True
    )
    assert "can no longer be changed: make a new version to edit" in refused.content.decode()
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


def test_a_question_page_sent_after_the_first_answer_is_refused_with_the_reason(
    secretariat_client, call
):
    """The first answer came while the page was open: the save reads `answered_at` under the
    questionnaire's hold, and tells the Secretariat why nothing changed (no 403, no 500)."""
    questionnaire = call.questionnaire
    question = questionnaire.questions.get(key="summary")
    page = AdminPage(
        secretariat_client, reverse("admin:questionnaires_question_change", args=[question.pk])
    )
    new_question = AdminPage(
        secretariat_client,
        reverse("admin:questionnaires_question_add") + f"?questionnaire={questionnaire.pk}",
    )
    versions.mark_answered(questionnaire.pk)

    response = page.set(label_en="Your idea in brief").post(follow=True)
    assert response.status_code == 200
    assert "can no longer be changed: make a new version to edit" in response.content.decode()
    assert Question.objects.get(pk=question.pk).label_en == "Summary"

    new_question.set(
        questionnaire=str(questionnaire.pk),
        step=str(questionnaire.steps.get(key="project").pk),
        key="impact",
        kind="short_text",
        label_en="Impact",
    )
    response = new_question.post(follow=True)
    assert "can no longer be changed: make a new version to edit" in response.content.decode()
    assert not Question.objects.filter(key="impact").exists()


def test_a_new_version_is_made_from_the_questionnaire_as_it_is_under_the_hold(call, secretariat):
    """What the page read is checked again under the hold: the first answer arrived since (a
    copy is made), or another request made the copy first (none is)."""
    page_read = Questionnaire.objects.get(pk=call.questionnaire_id)  # no answers yet
    versions.mark_answered(page_read.pk)

    copy = versions.new_version(questionnaire=page_read, actor=secretariat)

    with pytest.raises(versions.NoNewVersion) as refusal:
        versions.new_version(questionnaire=page_read, actor=secretariat)
    assert refusal.value.to_edit == copy
    assert str(refusal.value.message) == "A newer version exists already: edit that one."
    assert Questionnaire.objects.filter(previous=page_read).count() == 1


def test_a_second_copy_past_the_hold_is_told_to_edit_the_first(secretariat_client, call):
    """Where the database holds no row (SQLite), the one-next-version constraint refuses the
    second copy, and the Secretariat reads where to go rather than a server error."""
    old = call.questionnaire
    versions.mark_answered(old.pk)
    secretariat_client.post(new_version_url(old))
    first = Questionnaire.objects.get(previous=old)

    with mock.patch.object(versions, "why_no_new_version", return_value=None):
        response = secretariat_client.post(new_version_url(old), follow=True)

    assert response.redirect_chain[-1][0] == change_url(first)
    assert "A newer version exists already: edit that one." in response.content.decode()
    assert Questionnaire.objects.filter(previous=old).count() == 1


def in_threads(*functions):
    """Run each function in a thread of its own (its own connection); their errors, if any."""
    errors = []

    def run(function):
        try:
            function()
        except Exception as error:  # reported by the caller's assertion
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=[function]) for function in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_make_a_new_version_clicks_at_once_make_one_version_2(secretariat):
    old = CallFactory().questionnaire
    versions.mark_answered(old.pk)
    start = threading.Barrier(2)
    responses = []

    def click():
        client = Client()
        client.force_login(secretariat)
        start.wait()
        responses.append(client.post(new_version_url(old)))

    assert in_threads(click, click) == []

    new = Questionnaire.objects.get(previous=old)
    assert new.version == 2
    assert sorted(r.status_code for r in responses) == [302, 302]
    assert {r["Location"] for r in responses} == {change_url(new)}


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_question_saved_as_the_first_answer_arrives_waits_and_is_refused(secretariat):
    questionnaire = CallFactory().questionnaire
    question = questionnaire.questions.get(key="summary")
    client = Client()
    client.force_login(secretariat)
    page = AdminPage(client, reverse("admin:questionnaires_question_change", args=[question.pk]))
    answering = threading.Event()

    def first_answer():
        # An application is started: its version is marked answered, and the transaction
        # takes a moment longer to commit.
        with transaction.atomic():
            versions.mark_answered(questionnaire.pk)
            answering.set()
            time.sleep(0.5)

    def save():
        answering.wait(timeout=10)
        responses.append(page.set(label_en="Your idea in brief").post(follow=True))

    responses = []
    assert in_threads(first_answer, save) == []

    assert "can no longer be changed" in responses[0].content.decode()
    assert Question.objects.get(pk=question.pk).label_en == "Summary"
