"""The steps' progress list: each step says whether it is done, to do, or has a problem."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from submissions.models import ExpressionOfInterest
from tests.files import attach, attach_budget, ole2_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(call, applicant):
    return ExpressionOfInterest.objects.create(call=call, owner=applicant)


def step_url(eoi, step):
    return reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": step})


def states(page):
    """Each step's title and the state it is said to be in, as a screen reader hears them."""
    nav = page[page.index('<ol class="steps">') : page.index("</ol>")]
    found = re.findall(
        r'<li class="step-(\w+)"><a [^>]*><span class="step-mark" aria-hidden="true">.</span>'
        r'([^<]+)<span class="visually-hidden"> — ([^<]+)</span>',
        nav,
    )
    return {title: (state, spoken) for state, title, spoken in found}


ORGANISATION = {
    "organisation_name": "Réseau Justice Locale",
    "organisation_type": "local_cso",
    "organisation_country": "ML",
}


def test_a_fresh_eoi_shows_every_step_to_do(applicant_client, draft):
    page = applicant_client.get(step_url(draft, "organisation")).content.decode()

    shown = states(page)
    assert len(shown) == 6
    assert set(shown.values()) == {("to_do", "to do")}


def test_an_answered_step_is_done_and_the_others_still_to_do(applicant_client, draft):
    draft.answers = ORGANISATION
    draft.save()

    shown = states(applicant_client.get(step_url(draft, "project")).content.decode())

    assert shown["Organisation"] == ("done", "done")
    assert shown["Project"] == ("to_do", "to do")


def test_attached_files_make_their_step_done(applicant_client, draft):
    attach_budget(draft)

    shown = states(applicant_client.get(step_url(draft, "project")).content.decode())

    assert shown["Attachments"] == ("done", "done")


def test_an_over_long_answer_has_a_problem(applicant_client, draft):
    # An answer stored before the limit changed (or written straight into the database).
    draft.answers = {**ORGANISATION, "title": "Forums", "summary": " ".join(["word"] * 201)}
    draft.save()

    shown = states(applicant_client.get(step_url(draft, "organisation")).content.decode())

    assert shown["Project"] == ("problem", "has a problem")


def test_a_step_whose_form_was_just_refused_has_a_problem(applicant_client, draft):
    response = applicant_client.post(
        step_url(draft, "project"),
        {"version": draft.version, "go": "stay", "summary": " ".join(["word"] * 201)},
    )

    assert response.status_code == 200
    assert states(response.content.decode())["Project"] == ("problem", "has a problem")


def test_a_file_that_failed_its_check_gives_its_step_a_problem(applicant_client, draft):
    response = attach(applicant_client, draft, budget=upload("letter.xls", ole2_bytes("Word")))

    assert "is not one of the accepted file types" in response.content.decode()
    assert states(response.content.decode())["Attachments"] == ("problem", "has a problem")


def test_the_states_are_said_in_french(applicant_client, draft):
    draft.answers = {**ORGANISATION, "title": "Forums", "summary": " ".join(["word"] * 201)}
    draft.save()

    draft.owner.preferred_language = "fr"
    draft.owner.save(update_fields=["preferred_language"])

    page = applicant_client.get(step_url(draft, "budget")).content.decode()

    spoken = {spoken for _state, spoken in states(page).values()}
    assert spoken == {"fait", "à faire", "à corriger"}


def test_the_step_page_reads_the_states_in_a_constant_number_of_queries(applicant_client, draft):
    url = step_url(draft, "project")
    applicant_client.get(url)
    with CaptureQueriesContext(connection) as fresh:
        applicant_client.get(url)

    ExpressionOfInterest.objects.filter(pk=draft.pk).update(
        answers={**ORGANISATION, "title": "Forums", "summary": " ".join(["word"] * 201)}
    )
    attach_budget(draft)
    attach_budget(draft)
    with CaptureQueriesContext(connection) as answered:
        page = applicant_client.get(url).content.decode()

    assert states(page)["Attachments"] == ("done", "done")
    assert len(answered.captured_queries) == len(fresh.captured_queries)
