import json
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.privacy import apply_retention
from submissions.models import ExpressionOfInterest
from tests.factories import EOIFactory, add_partner
from tests.files import attach_budget

pytestmark = pytest.mark.django_db


def test_the_privacy_notice_states_the_retention_rule(client):
    page = client.get(reverse("accounts:privacy")).content.decode()

    assert "Drafts are deleted 90 days after their call closes" in page
    assert "five years after the call closes" in page


def test_applicants_download_everything_kept_about_them_and_nothing_else(
    applicant_client, applicant
):
    mine = EOIFactory(owner=applicant, title="My forums")
    add_partner(mine, name="Association des Femmes", country="ML", role="Hosts")
    EOIFactory(title="Someone else's")

    response = applicant_client.get(reverse("accounts:data_export"))

    data = json.loads(response.content)
    assert response["Content-Disposition"] == 'attachment; filename="kmf-my-data.json"'
    assert data["account"]["email"] == applicant.email
    (eoi,) = data["expressions_of_interest"]
    answers = {answer["question"]: answer["answer"] for answer in eoi["answers"]}
    # Every question of the call's questionnaire, each with its answer as the applicant reads it.
    assert answers["Project title"] == "My forums"
    assert answers["Partners"] == ["Association des Femmes · Mali · Hosts"]
    assert answers["Budget requested (€)"] == "€18,000.00"
    assert len(answers) == len(mine.readable_answers()[0]["items"]) + sum(
        len(part["items"]) for part in mine.readable_answers()[1:]
    )
    assert "Someone else's" not in response.content.decode()


def test_deleting_an_account_needs_the_password(applicant_client, applicant):
    response = applicant_client.post(reverse("accounts:delete_account"), {"password": "guess"})

    assert "That is not your password." in response.content.decode()
    assert User.objects.get(pk=applicant.pk).is_active


def test_deleting_an_account_removes_drafts_and_anonymises_submissions(
    applicant_client, applicant, media_root, django_capture_on_commit_callbacks
):
    draft = attach_budget(EOIFactory(owner=applicant))
    stored = draft.attachments.get().file.name
    submitted = EOIFactory(owner=applicant, status="submitted", reference="KMF21-0009")

    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(
            reverse("accounts:delete_account"), {"password": "correct horse battery"}
        )

    assert response["Location"] == reverse("submissions:home")
    assert not ExpressionOfInterest.objects.filter(pk=draft.pk).exists()
    assert not (media_root / stored).exists()
    person = User.objects.get(pk=applicant.pk)
    assert (person.is_active, person.name, person.has_usable_password()) == (False, "", False)
    assert person.email.endswith("@invalid")
    assert ExpressionOfInterest.objects.get(pk=submitted.pk).owner == person
    login = applicant_client.post(
        reverse("account_login"), {"login": applicant.email, "password": "correct horse battery"}
    )
    assert "_auth_user_id" not in applicant_client.session
    assert login.status_code == 200


def test_retention_deletes_drafts_after_90_days_and_the_rest_after_five_years():
    EOIFactory(
        status="invited",
        reference="KMF15-0001",
        call__opens_at=timezone.now() - timedelta(days=6 * 365),
        call__closes_at=timezone.now() - timedelta(days=5 * 365 + 1),
    )
    call = EOIFactory(
        call__opens_at=timezone.now() - timedelta(days=200),
        call__closes_at=timezone.now() - timedelta(days=100),
    ).call
    kept = EOIFactory(call=call, status="not_selected", reference="KMF25-0001")

    assert apply_retention() == {"drafts": 1, "expressions_of_interest": 1}
    assert list(ExpressionOfInterest.objects.all()) == [kept]
    with time_machine.travel(timezone.now() + timedelta(days=5 * 365)):
        assert apply_retention() == {"drafts": 0, "expressions_of_interest": 1}
