"""The Secretariat builds and edits a questionnaire through the admin's own forms, in English and
French; what would make a form applicants cannot fill in is refused with a message."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from questionnaires import definition as definitions
from questionnaires.models import Question, Questionnaire, Step
from submissions import answers
from submissions.models import Call
from tests.factories import CallFactory
from tests.questionnaires.conftest import AdminPage

pytestmark = pytest.mark.django_db


def change_url(questionnaire):
    return reverse("admin:questionnaires_questionnaire_change", args=[questionnaire.pk])


def question_url(question):
    return reverse("admin:questionnaires_question_change", args=[question.pk])


def test_the_secretariat_builds_a_questionnaire_with_steps_questions_choices_and_columns(
    secretariat_client, secretariat
):
    index = secretariat_client.get(reverse("admin:index"))
    assert reverse("admin:questionnaires_questionnaire_changelist") in index.content.decode()

    # The steps first: questions are placed in them once they are saved.
    page = AdminPage(secretariat_client, reverse("admin:questionnaires_questionnaire_add"))
    assert "questions-TOTAL_FORMS" not in page.data
    page.set(name="KMF 2022")
    page.add_row("steps", position="1", key="project", title_en="Project", title_fr="Projet")
    page.add_row(
        "steps", position="2", key="attachments", title_en="Attachments", title_fr="Pièces jointes"
    )
    response = page.post(_continue="1")
    assert response.status_code == 302, errors(response)
    questionnaire = Questionnaire.objects.get(name="KMF 2022")
    assert response["Location"] == change_url(questionnaire)
    project, attachments = questionnaire.steps.order_by("position")

    page = AdminPage(secretariat_client, change_url(questionnaire))
    page.add_row(
        "questions",
        position="1",
        step=str(project.pk),
        key="title",
        kind="short_text",
        role="title",
        label_en="Project title",
        label_fr="Titre du projet",
    )
    page.add_row(
        "questions",
        position="2",
        step=str(project.pk),
        key="summary",
        kind="long_text",
        label_en="Summary",
        label_fr="Résumé",
        help_text_en="What changes, for whom.",
        help_text_fr="Ce qui change, pour qui.",
        word_limit="150",
    )
    page.add_row(
        "questions",
        position="3",
        step=str(project.pk),
        key="amount",
        kind="money",
        role="amount",
        label_en="Amount",
        label_fr="Montant",
        min_value="1000",
        max_value="20000",
    )
    page.add_row(
        "questions",
        position="1",
        step=str(attachments.pk),
        key="budget",
        kind="file",
        label_en="Budget",
        label_fr="Budget",
        file_types="documents",
    )
    response = page.post(_continue="1")
    assert response.status_code == 302, errors(response)

    # A choice question and repeating rows are made on a question's own page.
    add_question = (
        reverse("admin:questionnaires_question_add") + f"?questionnaire={questionnaire.pk}"
    )
    page = AdminPage(secretariat_client, add_question)
    page.set(
        step=str(project.pk),
        position="4",
        key="format",
        kind="single_choice",
        label_en="Format",
        label_fr="Format",
    )
    page.add_row(
        "choices", position="1", value="event", label_en="An event", label_fr="Un événement"
    )
    page.add_row(
        "choices", position="2", value="research", label_en="Research", label_fr="Une recherche"
    )
    response = page.post()
    assert response.status_code == 302, errors(response)
    assert response["Location"] == change_url(questionnaire)

    page = AdminPage(secretariat_client, add_question)
    page.set(
        step=str(project.pk),
        position="5",
        key="partners",
        kind="rows",
        label_en="Partners",
        label_fr="Partenaires",
        max_rows="5",
    )
    page.add_row(
        "columns", position="1", key="name", kind="short_text", label_en="Name", label_fr="Nom"
    )
    page.add_row(
        "columns",
        position="2",
        key="country",
        kind="country",
        label_en="Country",
        label_fr="Pays",
        identifying="on",
    )
    response = page.post()
    assert response.status_code == 302, errors(response)

    built = definitions.build(questionnaire.pk)
    assert [step.key for step in built.steps] == ["project", "attachments"]
    assert built.steps[0].title.fr == "Projet"
    assert [q.key for q in built.steps[0].questions] == [
        "title",
        "summary",
        "amount",
        "format",
        "partners",
    ]
    summary, amount = built.by_key["summary"], built.by_key["amount"]
    assert (summary.word_limit, summary.help.fr) == (150, "Ce qui change, pour qui.")
    assert (amount.role, amount.min_value, amount.max_value) == (
        "amount",
        Decimal("1000"),
        Decimal("20000"),
    )
    assert [(c.value, c.label.fr) for c in built.by_key["format"].choices] == [
        ("event", "Un événement"),
        ("research", "Une recherche"),
    ]
    partners = built.by_key["partners"]
    assert [(c.key, c.kind, c.label.fr, c.identifying) for c in partners.columns] == [
        ("name", "short_text", "Nom", False),
        ("country", "country", "Pays", True),
    ]
    assert [q.key for q in built.steps[1].questions] == ["budget"]
    # The rows the admin wrote are a questionnaire the file format accepts as it is.
    assert definitions.from_dict(definitions.as_dict(built)).steps == built.steps

    entries = AuditEntry.objects.filter(object_id=str(questionnaire.pk)).order_by("pk")
    assert [(e.action, e.actor, e.details["fields"]) for e in entries] == [
        ("questionnaire.created", secretariat, ["name", "steps"]),
        ("questionnaire.changed", secretariat, ["questions"]),
        ("questionnaire.changed", secretariat, ["choices", "questions"]),
        ("questionnaire.changed", secretariat, ["questions"]),
    ]


def test_an_edit_in_place_changes_the_definition_every_page_reads(
    secretariat_client, questionnaire
):
    before = definitions.definition(questionnaire.pk)
    call = CallFactory(questionnaire=questionnaire)
    page = AdminPage(secretariat_client, change_url(questionnaire))
    row = page.row_of("questions", "key", "summary")
    page.set(**{f"questions-{row}-word_limit": "120", f"questions-{row}-label_fr": "Synthèse"})
    assert page.post().status_code == 302

    after = definitions.definition(questionnaire.pk)
    assert before.by_key["summary"].word_limit == 200
    assert (after.by_key["summary"].word_limit, after.by_key["summary"].label.fr) == (
        120,
        "Synthèse",
    )
    # A page that reads the call with its questionnaire checks the built one by that stamp.
    read = Call.objects.select_related("questionnaire").get(pk=call.pk)
    assert answers.asked(read).by_key["summary"].word_limit == 120


def test_a_column_is_edited_on_its_own_page_and_offers_no_file_or_rows_kind(
    secretariat_client, questionnaire
):
    column = Question.objects.get(questionnaire=questionnaire, row_of__key="partners", key="name")
    page = AdminPage(secretariat_client, question_url(column))
    assert 'value="file"' not in page.page
    assert 'value="rows"' not in page.page
    page.set(label_fr="Nom de l’organisation partenaire")
    response = page.post()

    assert response["Location"] == question_url(column.row_of)
    column.refresh_from_db()
    assert column.label_fr == "Nom de l’organisation partenaire"
    assert column.step is None
    assert column.row_of.key == "partners"


def errors(response):
    """The messages of an admin page: its error lists and error notes."""
    return re.findall(
        r'class="(?:errorlist|errornote)[^"]*"[^>]*>(.*?)</(?:ul|p)>',
        response.content.decode(),
        re.S,
    )


def refused(response, message):
    assert response.status_code == 200, response.status_code
    assert any(message in error for error in errors(response)), errors(response)
    return True


def test_two_questions_with_one_key_are_refused(secretariat_client, questionnaire):
    step = questionnaire.steps.get(key="project")
    page = AdminPage(secretariat_client, change_url(questionnaire))
    for label in ("A", "B"):
        page.add_row(
            "questions", step=str(step.pk), key="impact", kind="short_text", label_en=label
        )

    assert refused(page.post(), "The key “impact” is used by two questions.")
    assert not Question.objects.filter(key="impact").exists()


def test_a_new_question_with_a_key_in_use_is_refused(secretariat_client, questionnaire):
    step = questionnaire.steps.get(key="project")
    page = AdminPage(secretariat_client, change_url(questionnaire))
    page.add_row("questions", step=str(step.pk), key="summary", kind="short_text", label_en="Again")

    assert refused(page.post(), "The key “summary” is used by two questions.")


def test_a_role_given_twice_is_refused(secretariat_client, questionnaire):
    step = questionnaire.steps.get(key="project")
    page = AdminPage(secretariat_client, change_url(questionnaire))
    page.add_row(
        "questions",
        step=str(step.pk),
        key="regions",
        kind="countries",
        role="countries",
        label_en="S",
    )

    refusal = "The role “The countries the application is about” is given to two questions."
    assert refused(page.post(), refusal)


def test_repeating_rows_without_columns_are_refused_on_both_pages(
    secretariat_client, questionnaire
):
    step = questionnaire.steps.get(key="budget")
    page = AdminPage(secretariat_client, change_url(questionnaire))
    page.add_row("questions", step=str(step.pk), key="lines", kind="rows", label_en="Budget lines")
    assert refused(page.post(), "Repeating rows need columns")

    add = reverse("admin:questionnaires_question_add") + f"?questionnaire={questionnaire.pk}"
    page = AdminPage(secretariat_client, add)
    page.set(step=str(step.pk), key="lines", kind="rows", label_en="Budget lines")
    assert refused(page.post(), "Repeating rows need at least one column.")
    assert not Question.objects.filter(key="lines").exists()


def test_a_step_with_files_holds_only_files(secretariat_client, questionnaire):
    project = questionnaire.steps.get(key="project")
    page = AdminPage(secretariat_client, change_url(questionnaire))
    page.add_row("questions", step=str(project.pk), key="photo", kind="file", label_en="A photo")
    assert refused(page.post(), "a step with files holds only files")

    # The same on a question's own page: a text question moved into the attachments step.
    summary = Question.objects.get(questionnaire=questionnaire, key="summary")
    page = AdminPage(secretariat_client, question_url(summary))
    page.set(step=str(questionnaire.steps.get(key="attachments").pk))
    assert refused(page.post(), "a step with files holds only files")
    assert summary.step == Question.objects.get(pk=summary.pk).step


def test_a_word_limit_is_for_long_text_and_the_lowest_value_is_not_above_the_highest(
    secretariat_client, questionnaire
):
    page = AdminPage(secretariat_client, change_url(questionnaire))
    title = page.row_of("questions", "key", "title")
    amount = page.row_of("questions", "key", "budget_requested")
    page.set(
        **{
            f"questions-{title}-word_limit": "20",
            f"questions-{amount}-min_value": "5000",
            f"questions-{amount}-max_value": "100",
        }
    )
    response = page.post()

    assert refused(response, "A word limit is for long text only.")
    assert refused(response, "The highest value is below the lowest.")
    assert Question.objects.get(questionnaire=questionnaire, key="title").word_limit is None


def test_a_step_is_deleted_only_with_its_questions_moved_or_deleted(
    secretariat_client, questionnaire
):
    page = AdminPage(secretariat_client, change_url(questionnaire))
    step = page.row_of("steps", "key", "challenges")
    page.set(**{f"steps-{step}-DELETE": "on"})
    assert refused(page.post(), "This step is being deleted")
    assert questionnaire.steps.filter(key="challenges").exists()

    # With its questions moved to another step, it goes and they stay.
    project = questionnaire.steps.get(key="project")
    for key in ("challenges", "asymmetry"):
        page.set(**{f"questions-{page.row_of('questions', 'key', key)}-step": str(project.pk)})
    assert page.post().status_code == 302
    assert not questionnaire.steps.filter(key="challenges").exists()
    assert set(project.questions.values_list("key", flat=True)) >= {"challenges", "asymmetry"}


def test_steps_need_their_own_keys(secretariat_client, questionnaire):
    page = AdminPage(secretariat_client, change_url(questionnaire))
    page.add_row("steps", position="9", key="project", title_en="Again")

    assert refused(page.post(), "Two steps have the same key: give each its own.")
    assert Step.objects.filter(questionnaire=questionnaire, key="project").count() == 1


def test_deletions_are_in_the_audit_trail(secretariat_client, secretariat, questionnaire):
    website = Question.objects.get(questionnaire=questionnaire, key="organisation_website")
    delete_question = reverse("admin:questionnaires_question_delete", args=[website.pk])
    assert secretariat_client.post(delete_question, {"post": "yes"}).status_code == 302
    assert "organisation_website" not in definitions.definition(questionnaire.pk).by_key
    changed = AuditEntry.objects.get(action="questionnaire.changed")
    assert (changed.actor, changed.object_id) == (secretariat, str(questionnaire.pk))

    delete = reverse("admin:questionnaires_questionnaire_delete", args=[questionnaire.pk])
    assert secretariat_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Questionnaire.objects.exists()
    deleted = AuditEntry.objects.get(action="questionnaire.deleted")
    assert (deleted.actor, deleted.details) == (secretariat, {"name": str(questionnaire)})


def test_column_roles_are_given_to_the_partners_columns_only(secretariat_client, questionnaire):
    # A question is no partner's column.
    step = questionnaire.steps.get(key="project")
    page = AdminPage(secretariat_client, change_url(questionnaire))
    page.add_row(
        "questions",
        step=str(step.pk),
        key="lead_name",
        kind="short_text",
        role="partner_name",
        label_en="Name",
    )
    assert refused(page.post(), "This role is a column")

    # The partners' rows name their partners: their name column keeps its role.
    rows = Question.objects.get(questionnaire=questionnaire, key="partners")
    page = AdminPage(secretariat_client, question_url(rows))
    name_row = next(
        index
        for index, column in enumerate(rows.columns.order_by("position", "pk"))
        if column.key == "name"
    )
    page.set(**{f"columns-{name_row}-role": ""})
    assert refused(page.post(), "need a column for the partner")

    # Its columns' roles are its own: another question of rows gives none.
    page = AdminPage(secretariat_client, question_url(rows))
    page.set(role="")
    assert refused(page.post(), "Only the columns of the partners")
