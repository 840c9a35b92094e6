""" "Continue" opens the step the applicant was on; no page names a step of the 2021 call."""

import pytest
from django.urls import reverse

from questionnaires import definition as definitions
from questionnaires.models import Step
from tests.factories import ApplicantFactory, EOIFactory

pytestmark = pytest.mark.django_db


def continue_from(client, eoi):
    response = client.get(reverse("submissions:eoi_continue", args=[eoi.uuid]))
    assert response.status_code == 302
    return response["Location"]


def step(eoi, slug):
    return reverse("submissions:eoi_step", args=[eoi.uuid, slug])


def test_continue_opens_the_step_the_applicant_was_on(applicant_client, applicant, call):
    eoi = EOIFactory(owner=applicant, call=call)
    first = definitions.definition(call.questionnaire_id).steps[0].key
    assert continue_from(applicant_client, eoi) == step(eoi, first)  # the first time

    assert applicant_client.get(step(eoi, "budget")).status_code == 200
    eoi.refresh_from_db()

    assert continue_from(applicant_client, eoi) == step(eoi, "budget")
    assert eoi.version == 1  # where one was is not an edit
    page = applicant_client.get(reverse("submissions:dashboard")).content.decode()
    assert reverse("submissions:eoi_continue", args=[eoi.uuid]) in page


def test_a_step_the_questionnaire_no_longer_has_leads_to_the_first(
    applicant_client, applicant, call
):
    eoi = EOIFactory(owner=applicant, call=call)
    type(eoi).objects.filter(pk=eoi.pk).update(last_step="a-step-since-removed")
    first = definitions.definition(call.questionnaire_id).steps[0].key

    assert continue_from(applicant_client, eoi) == step(eoi, first)


def test_continue_is_the_owners_alone(client, applicant, call):
    eoi = EOIFactory(owner=applicant, call=call)
    client.force_login(ApplicantFactory())

    assert client.get(reverse("submissions:eoi_continue", args=[eoi.uuid])).status_code == 404


def test_a_step_cannot_take_the_address_of_another_page(call):
    from django.core.exceptions import ValidationError

    (taken,) = Step.objects.filter(questionnaire=call.questionnaire_id, key="budget")
    taken.key = "submit"

    with pytest.raises(ValidationError, match="address of another page"):
        taken.full_clean()


def test_removing_a_file_returns_to_the_step_that_asks_for_it(applicant_client, applicant, call):
    from django.utils import timezone

    from questionnaires.models import Questionnaire
    from tests.files import attach_budget

    # Another call's questionnaire may name its files step otherwise.
    Step.objects.filter(questionnaire=call.questionnaire_id, key="attachments").update(key="files2")
    Questionnaire.objects.filter(pk=call.questionnaire_id).update(updated_at=timezone.now())
    eoi = attach_budget(EOIFactory(owner=applicant, call=call))

    response = applicant_client.post(
        reverse("submissions:attachment_delete", args=[eoi.uuid, eoi.attachments.get().pk])
    )

    assert response["Location"] == step(eoi, "files2")
