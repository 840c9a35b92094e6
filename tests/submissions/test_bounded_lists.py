"""Every list a request can make long (formset rows, ticked options, files) is bounded: a
request beyond the bound is refused at once with a message, and what was typed stays."""

import json

import pytest
from django.urls import reverse

from accounts.roles import SECRETARIAT
from submissions.models import ExpressionOfInterest
from tests.factories import ApplicantFactory, give_role, partners_of
from tests.files import attach, budget_pdf
from tests.review.test_rubric_admin import admin_form_data, open_call_in_admin

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(call, applicant):
    return ExpressionOfInterest.objects.create(call=call, owner=applicant)


def post_step(client, eoi, step, data):
    url = reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": step})
    return client.post(url, {"version": eoi.version, "go": "next", **data})


def partner_rows(count):
    rows = {}
    for index in range(count):
        rows[f"partners-{index}-name"] = f"Partner organisation {index}"
        rows[f"partners-{index}-country"] = "ML"
        rows[f"partners-{index}-role"] = "Hosts the forums"
    return rows


def test_a_budget_step_claiming_100000_partner_rows_is_refused_and_keeps_what_was_typed(
    applicant_client, draft
):
    data = {
        "partners-TOTAL_FORMS": "100000",
        "partners-INITIAL_FORMS": "0",
        "budget_requested": "12500",
        "personnel_share": "25",
        **partner_rows(2),
    }

    response = post_step(applicant_client, draft, "budget", data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Partners: at most 20 rows, please." in page
    assert 'value="Partner organisation 0"' in page
    assert 'value="Partner organisation 1"' in page
    assert 'value="12500' in page
    # The page holds as many rows as a budget step may have, not what the request claimed.
    assert 'name="partners-19-name"' in page
    assert 'name="partners-20-name"' not in page
    assert not partners_of(draft)


def test_twenty_partners_are_kept_and_the_twenty_first_is_refused_in_french(
    applicant_client, draft
):
    twenty = {"partners-TOTAL_FORMS": "20", "partners-INITIAL_FORMS": "0", **partner_rows(20)}
    assert post_step(applicant_client, draft, "budget", twenty).status_code == 302
    assert len(partners_of(draft)) == 20
    draft.refresh_from_db()

    page = applicant_client.get(
        reverse("submissions:eoi_step", kwargs={"uuid": draft.uuid, "step": "budget"})
    ).content.decode()
    assert "Partners: at most 20." in page
    assert 'name="partners-20-name"' not in page  # no empty row beyond the bound

    one_more = {
        "partners-TOTAL_FORMS": "21",
        "partners-INITIAL_FORMS": "0",
        **partner_rows(21),
    }
    draft.owner.preferred_language = "fr"
    draft.owner.save()
    response = post_step(applicant_client, draft, "budget", one_more)

    refusal = "Partenaires\u00a0: au plus 20\u00a0lignes, s’il vous plaît."
    assert refusal in response.content.decode()
    assert len(partners_of(draft)) == 20


@pytest.mark.parametrize(
    ("step", "field", "values"),
    [("project", "countries", ["ML"] * 900), ("challenges", "challenges", None)],
)
def test_an_option_ticked_many_times_is_refused_and_the_rest_is_saved(
    applicant_client, draft, step, field, values
):
    if values is None:
        values = [str(draft.call.challenges.first().number)] * 900
    data = {field: values, "title": "Forums of the Niger delta", "asymmetry": "We share."}
    answer = "title" if step == "project" else "asymmetry"

    response = post_step(applicant_client, draft, step, data)

    assert response.status_code == 200
    assert "Choose each option once." in response.content.decode()
    draft.refresh_from_db()
    assert not draft.countries
    assert not draft.challenges.exists()
    assert draft.answers[answer] == data[answer]  # the step's valid answer is saved


def test_two_uploads_side_by_side_cannot_pass_ten_supporting_documents(applicant, eoi):
    """The form counts what is stored when the page is posted; the domain counts again under
    the EOI's lock, so that a second tab's upload cannot take the total past ten."""
    from submissions import domain
    from submissions.uploads import SUPPORTING_TYPES, sniff

    def sniffed(name):
        upload = budget_pdf(name)
        upload.sniffed = sniff(upload, SUPPORTING_TYPES, 10 * 1024 * 1024)
        return upload

    domain.add_attachments(
        eoi, applicant, {"supporting": [sniffed(f"a-{n}.pdf") for n in range(8)]}
    )

    three_more = [sniffed(f"b-{n}.pdf") for n in range(3)]
    with pytest.raises(domain.DomainError) as refusal:
        domain.add_attachments(eoi, applicant, {"supporting": three_more})
    assert refusal.value.message == "Supporting documents (optional): at most 10 files, please."
    assert eoi.attachments.count() == 8


def test_more_files_than_a_request_may_carry_are_refused_not_failed(applicant_client, eoi):
    files = [budget_pdf(f"annex-{n}.pdf") for n in range(101)]

    response = attach(applicant_client, eoi, supporting=files)

    assert response.status_code == 400
    assert "A page takes at most 100 files and 1000 answers at once" in response.content.decode()
    assert not eoi.attachments.exists()


def test_a_form_with_more_than_1000_fields_is_refused_with_a_page_in_french(
    applicant_client, draft
):
    draft.owner.preferred_language = "fr"
    draft.owner.save()
    rows = {"partners-TOTAL_FORMS": "20", "partners-INITIAL_FORMS": "0", **partner_rows(20)}
    padding = {f"padding-{n}": "x" for n in range(1000)}

    response = post_step(applicant_client, draft, "budget", {**rows, **padding})

    assert response.status_code == 400
    assert "Une page accepte au plus 100 fichiers et 1000 réponses" in response.content.decode()
    assert not partners_of(draft)


def test_the_call_admin_refuses_100000_inline_rows_at_once(client, call):
    secretariat = give_role(ApplicantFactory(is_staff=True), SECRETARIAT)
    url, page = open_call_in_admin(client, secretariat, call)
    data = admin_form_data(page)
    prefix = next(
        f.formset.prefix
        for f in page.context["inline_admin_formsets"]
        if f.formset.model.__name__ == "Challenge"
    )
    data[f"{prefix}-TOTAL_FORMS"] = "100000"

    response = client.post(url, data)

    assert response.status_code == 200
    assert "Please submit at most 50 forms." in response.content.decode()
    assert call.challenges.count() == 3


def test_the_call_admin_bounds_the_score_scale_and_the_reminders(client, call):
    secretariat = give_role(ApplicantFactory(is_staff=True), SECRETARIAT)
    url, page = open_call_in_admin(client, secretariat, call)
    data = admin_form_data(page)
    data["score_scale_max"] = "1000"  # a radio button per score, per criterion, per review
    data["reminder_offsets"] = json.dumps(list(range(1, 14)))  # a mail per draft each

    response = client.post(url, data)

    page = response.content.decode()
    assert "Ensure this value is less than or equal to 10." in page
    assert "At most 12 reminders, please." in page
    call.refresh_from_db()
    assert call.score_scale_max == 5
