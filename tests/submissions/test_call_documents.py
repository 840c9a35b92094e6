"""Documents of a call: added by the Secretariat in the call's admin, listed on the call page,
on the step that needs them and in the FAQ answers that mention them, downloaded by anyone who
may read the call."""

import pytest
from django.urls import reverse

from accounts.roles import SECRETARIAT
from audit.models import AuditEntry
from submissions.models import Question
from tests.factories import (
    ApplicantFactory,
    CallDocumentFactory,
    CallFactory,
    EOIFactory,
    give_role,
)
from tests.files import add_document, budget_pdf, office_bytes, pdf_bytes, upload
from tests.review.test_rubric_admin import admin_form_data
from tests.submissions.test_public_pages import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretariat_client(client):
    client.force_login(give_role(ApplicantFactory(is_staff=True), SECRETARIAT))
    return client


def post_document(client, call, **fields):
    """Send the call's admin page back with one document more, as the Secretariat would."""
    url = reverse("admin:submissions_call_change", args=[call.pk])
    data = admin_form_data(client.get(url))
    index = int(data["documents-TOTAL_FORMS"])
    data["documents-TOTAL_FORMS"] = index + 1
    row = {"key": "guidance", "title_en": "Guidance", "position": 1, **fields}
    data.update({f"documents-{index}-{name}": value for name, value in row.items()})
    return client.post(url, data)


def errors_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


# ----- The admin -----


def test_the_secretariat_adds_a_file_to_a_call_in_its_admin(secretariat_client, call):
    response = post_document(
        secretariat_client,
        call,
        title_fr="Guide",
        description_en="How to apply",
        language="en",
        step="budget",
        file=upload("Guide <for> applicants.pdf", budget_pdf().read()),
    )

    assert response.status_code == 302
    document = call.documents.get()
    assert (document.title_en, document.title_fr, document.step) == ("Guidance", "Guide", "budget")
    assert document.original_name == "Guide_for_applicants.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(budget_pdf().read())
    # Stored under a random name, not the one it came with.
    assert document.file.name.startswith("call-documents/")
    assert "Guide" not in document.file.name
    assert AuditEntry.objects.filter(
        action="call.changed", details={"fields": ["documents"]}
    ).exists()


def test_a_link_is_a_document_too(secretariat_client, call):
    response = post_document(
        secretariat_client, call, key="webinar", link="https://example.org/recording"
    )

    assert response.status_code == 302
    document = call.documents.get()
    assert document.link == "https://example.org/recording"
    assert not document.file
    assert document.get_absolute_url() == "https://example.org/recording"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Give a file or a link."),
        (
            {"link": "https://example.org/", "file": budget_pdf()},
            "Give a file or a link, not both.",
        ),
        ({"link": "javascript:alert(1)"}, "Enter a valid URL."),
        (
            {"file": upload("setup.pdf", b"MZ\x90\x00 a program")},
            "“setup.pdf” is not one of the accepted file types: DOCX, ODS, ODT, PDF, XLSX.",
        ),
        (
            {"file": budget_pdf(), "step": "no-such-step"},
            "no-such-step is not a step of the call's questionnaire: organisation, project, "
            "challenges, budget, attachments.",
        ),
        (
            {"file": budget_pdf(), "template_for": "title"},
            "title is not a file question of the call's questionnaire: budget, supporting.",
        ),
        (
            {"file": budget_pdf(), "template_for": "budget"},
            "A template is an XLSX file with a row of column headings near its top.",
        ),
        (
            {"file": upload("empty.xlsx", office_bytes("xlsx")), "template_for": "budget"},
            "A template is an XLSX file with a row of column headings near its top.",
        ),
    ],
    ids=["nothing", "both", "javascript", "program", "step", "question", "pdf", "no headings"],
)
def test_a_document_the_site_cannot_use_is_refused_with_a_message(
    secretariat_client, call, fields, message
):
    page = errors_of(post_document(secretariat_client, call, **fields))

    assert message in page
    assert not call.documents.exists()


def test_a_file_over_the_upload_limit_is_refused(secretariat_client, call, settings):
    settings.KMF_MAX_UPLOAD_MB = 1
    large = upload("guide.pdf", pdf_bytes() + b" " * (1024 * 1024))

    page = errors_of(post_document(secretariat_client, call, file=large))

    assert "“guide.pdf” is larger than 1 MB." in page
    assert not call.documents.exists()


def test_two_documents_of_one_call_cannot_share_a_key(secretariat_client, call):
    CallDocumentFactory(call=call, key="guidance")

    page = errors_of(post_document(secretariat_client, call, link="https://example.org/"))

    assert "Please correct the duplicate data for key." in page
    assert call.documents.count() == 1


def test_a_replaced_or_deleted_file_leaves_the_storage(
    secretariat_client, call, media_root, django_capture_on_commit_callbacks
):
    document = add_document(call)
    first = media_root / document.file.name
    url = reverse("admin:submissions_call_change", args=[call.pk])
    data = admin_form_data(secretariat_client.get(url))
    data["documents-0-file"] = budget_pdf("guidance-2.pdf")

    with django_capture_on_commit_callbacks(execute=True):
        with_replacement = secretariat_client.post(url, data)

    document.refresh_from_db()
    assert with_replacement.status_code == 302
    assert document.original_name == "guidance-2.pdf"
    assert not first.exists()
    second = media_root / document.file.name
    assert second.exists()

    data = admin_form_data(secretariat_client.get(url))
    data["documents-0-DELETE"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert secretariat_client.post(url, data).status_code == 302
    assert not call.documents.exists()
    assert not second.exists()


def test_the_admin_links_a_stored_file_where_it_is_downloaded(secretariat_client, call):
    document = add_document(call)

    page = secretariat_client.get(reverse("admin:submissions_call_change", args=[call.pk]))

    assert f'href="{document.get_absolute_url()}">guidance.pdf</a>' in page.content.decode()


# ----- The call page and the FAQ -----


def test_the_call_page_lists_its_documents(client, call):
    add_document(call, title_fr="Guide", description="Read it first.", language="fr")
    CallDocumentFactory(call=call, title="Webinar recording", link="https://example.org/w")

    response = client.get(call.get_absolute_url())
    text = page_text(response)
    page = response.content.decode()

    assert "Documents" in text
    size = len(pdf_bytes())
    assert f"Guidance for applicants (PDF, {size} bytes, in French) Read it first." in text
    assert "Webinar recording (web link)" in text
    assert f'href="{reverse("submissions:call_document", args=[call.slug, "guidance"])}"' in page
    assert 'href="https://example.org/w"' in page
    french = page_text(client.get(call.get_absolute_url(), headers={"accept-language": "fr"}))
    assert f"Guide (PDF, {size} octets, en français)" in french


def test_an_faq_answer_links_the_documents_it_mentions(client, call):
    document = add_document(call, title="Guidance <b>note</b>")
    Question.objects.create(
        call=call,
        question="How?",
        answer="Read [[guidance]] first; [[no-such-key]] stays, `[[guidance]]` is code, "
        "and [a [[guidance]] link](https://example.org) keeps its own.",
    )

    page = client.get(call.get_absolute_url()).content.decode()

    assert (
        f'Read <a href="{document.get_absolute_url()}">Guidance &lt;b&gt;note&lt;/b&gt;</a> '
        f"(PDF, {len(pdf_bytes())}\xa0bytes) first; [[no-such-key]] stays, "
        "<code>[[guidance]]</code> is code, "
        'and <a href="https://example.org">a [[guidance]] link</a> keeps its own.'
    ) in page
    assert "<b>note</b>" not in page


def test_the_2021_faq_points_to_the_budget_template_in_each_language(client):
    from submissions.kmf2021 import load_2021_call

    call, _ = load_2021_call()
    english, french = (
        call.documents.get(key=key) for key in ("budget-template", "budget-template-fr")
    )

    page = client.get(call.get_absolute_url()).content.decode()
    page_fr = client.get(
        call.get_absolute_url(), headers={"accept-language": "fr"}
    ).content.decode()

    assert (
        f'Download and fill in the <a href="{english.get_absolute_url()}">KMF budget template</a>'
        in page
    )
    assert (
        f'Téléchargez et remplissez le <a href="{french.get_absolute_url()}">'
        "Modèle de budget du KMF</a>" in page_fr
    )


# ----- Downloads -----


def test_anyone_downloads_a_published_calls_file_as_an_attachment(client, call):
    document = add_document(call, upload_file=budget_pdf("Guide «2021».pdf"))

    response = client.get(document.get_absolute_url())

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert document.original_name in {"Guide_2021.pdf", "Guide_«2021».pdf"}
    assert b"".join(response.streaming_content) == budget_pdf().read()


def test_a_document_of_an_unpublished_call_is_not_found(client, call):
    document = add_document(call)
    url = document.get_absolute_url()
    call.is_published = False
    call.save()

    assert client.get(url).status_code == 404
    assert client.get(call.get_absolute_url()).status_code == 404


def test_a_link_or_another_calls_key_is_not_a_download(client, call):
    link = CallDocumentFactory(call=call, key="webinar")
    other = CallFactory()
    add_document(other, key="theirs")

    for key in (link.key, "theirs", "nothing"):
        url = reverse("submissions:call_document", args=[call.slug, key])
        assert client.get(url).status_code == 404


# ----- On the application's steps -----


def step_page(client, eoi, step):
    return client.get(reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": step}))


def test_a_step_shows_its_documents_and_the_templates_of_its_uploads(applicant_client, applicant):
    from submissions.kmf2021 import load_2021_call

    call, _ = load_2021_call()
    add_document(call, key="project-guide", title="Writing your project", step="project")
    eoi = EOIFactory(call=call, owner=applicant, challenges=[call.challenges.first()])

    budget = page_text(step_page(applicant_client, eoi, "budget"))
    attachments = page_text(step_page(applicant_client, eoi, "attachments"))
    project = page_text(step_page(applicant_client, eoi, "project"))
    organisation = page_text(step_page(applicant_client, eoi, "organisation"))

    for text in (budget, attachments):
        assert "Documents for this step" in text
        assert "KMF budget template (XLSX" in text
        assert "Writing your project" not in text
    assert "Writing your project (PDF" in project
    assert "KMF budget template" not in project
    assert "Documents for this step" not in organisation


def test_a_steps_documents_cost_one_query_however_many(
    applicant_client, applicant, call, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    eoi = EOIFactory(call=call, owner=applicant)
    add_document(call, step="budget")
    step_page(applicant_client, eoi, "budget")
    with CaptureQueriesContext(connection) as first:
        step_page(applicant_client, eoi, "budget")

    CallDocumentFactory.create_batch(4, call=call, step="budget")
    with django_assert_num_queries(len(first.captured_queries)):
        text = page_text(step_page(applicant_client, eoi, "budget"))
    assert text.count("(web link)") == 4
