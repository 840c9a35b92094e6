"""Nobody sees or changes an EOI that is not theirs: every such address answers 404."""

import pytest
from django.urls import reverse

from accounts.roles import REVIEWERS, SECRETARIAT
from submissions.models import ExpressionOfInterest
from tests.factories import ApplicantFactory, EOIFactory, give_role
from tests.files import attach_budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def eoi(applicant):
    eoi = EOIFactory(
        owner=applicant, status=ExpressionOfInterest.Status.SUBMITTED, reference="KMF21-0001"
    )

    attach_budget(eoi)
    return eoi


def eoi_addresses(eoi):
    attachment = eoi.attachments.get()
    steps = ["organisation", "project", "challenges", "budget", "attachments", "submit"]
    return [
        ("get", reverse("submissions:eoi_detail", args=[eoi.uuid])),
        ("get", reverse("submissions:eoi_receipt", args=[eoi.uuid])),
        ("get", reverse("submissions:eoi_withdraw", args=[eoi.uuid])),
        ("post", reverse("submissions:eoi_withdraw", args=[eoi.uuid])),
        ("get", reverse("submissions:attachment", args=[eoi.uuid, attachment.pk])),
        ("post", reverse("submissions:attachment_delete", args=[eoi.uuid, attachment.pk])),
        *(("get", reverse("submissions:eoi_step", args=[eoi.uuid, s])) for s in steps),
        *(("post", reverse("submissions:eoi_step", args=[eoi.uuid, s])) for s in steps),
        *(("post", reverse("submissions:eoi_autosave", args=[eoi.uuid, s])) for s in steps[:4]),
    ]


def test_another_applicant_gets_404_everywhere_and_changes_nothing(client, eoi):
    client.force_login(ApplicantFactory())
    before = ExpressionOfInterest.objects.values().get(pk=eoi.pk)

    for method, url in eoi_addresses(eoi):
        response = getattr(client, method)(url, {"version": eoi.version, "title": "Hijacked"})
        assert response.status_code == 404, (method, url)

    assert ExpressionOfInterest.objects.values().get(pk=eoi.pk) == before
    assert eoi.attachments.count() == 1


def test_a_reviewer_does_not_see_eois_through_the_applicant_pages(client, eoi):
    reviewer = ApplicantFactory()
    give_role(reviewer, REVIEWERS)
    client.force_login(reviewer)

    for method, url in eoi_addresses(eoi):
        assert getattr(client, method)(url).status_code == 404, (method, url)


def test_the_secretariat_reads_but_does_not_edit_an_applicants_eoi(client, eoi):
    staff = ApplicantFactory()
    give_role(staff, SECRETARIAT)
    client.force_login(staff)

    assert client.get(eoi.get_absolute_url()).status_code == 200
    step = reverse("submissions:eoi_step", args=[eoi.uuid, "project"])
    assert client.post(step, {"version": eoi.version, "title": "Edited"}).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, eoi):
    for method, url in eoi_addresses(eoi):
        response = getattr(client, method)(url)
        assert response.status_code == 302, (method, url)
        assert response["Location"].startswith(reverse("account_login"))


def test_unknown_steps_and_eois_are_not_found(applicant_client, eoi):
    assert applicant_client.get(f"/eois/{eoi.uuid}/nonsense/").status_code == 404
    assert applicant_client.get("/eois/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert applicant_client.get("/eois/not-a-uuid/").status_code == 404


def test_forms_refuse_posts_without_the_csrf_token(applicant, eoi):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(applicant)
    step = reverse("submissions:eoi_step", args=[eoi.uuid, "project"])

    assert client.post(step, {"version": eoi.version, "title": "Forged"}).status_code == 403
