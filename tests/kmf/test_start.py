"""Each person lands where their work is, and the main menu names those places."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import REVIEWERS, SECRETARIAT
from tests.factories import ApplicantFactory, CallFactory, give_role

pytestmark = pytest.mark.django_db


def landing(client, person):
    client.force_login(person)
    response = client.get(reverse("start"))
    assert response.status_code == 302
    return response["Location"]


def test_the_secretariat_lands_on_the_dashboard_of_the_call_it_is_running(client):
    now = timezone.now()
    CallFactory(
        slug="past", opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=300)
    )
    CallFactory(slug="running", opens_at=now - timedelta(days=5), closes_at=now + timedelta(days=5))
    CallFactory(slug="next", opens_at=now + timedelta(days=50), closes_at=now + timedelta(days=80))
    secretariat = give_role(ApplicantFactory(is_staff=True), SECRETARIAT)

    assert landing(client, secretariat) == reverse("review:dashboard", args=["running"])
    page = client.get(reverse("submissions:home")).content.decode()
    assert f'href="{reverse("start")}">Dashboard<' in page
    assert "My applications" not in page


def test_between_calls_the_secretariat_lands_on_the_one_under_review(client):
    now = timezone.now()
    CallFactory(slug="old", opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=300))
    CallFactory(slug="closed", opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=3))
    secretariat = give_role(ApplicantFactory(is_staff=True), SECRETARIAT)

    assert landing(client, secretariat) == reverse("review:dashboard", args=["closed"])


def test_a_reviewer_lands_on_the_assignments_and_an_applicant_on_the_applications(client):
    CallFactory()
    reviewer = give_role(ApplicantFactory(), REVIEWERS)

    assert landing(client, reviewer) == reverse("review:assignments")
    page = client.get(reverse("submissions:home")).content.decode()
    assert f'href="{reverse("review:assignments")}">My reviews<' in page

    assert landing(client, ApplicantFactory()) == reverse("submissions:dashboard")
    page = client.get(reverse("submissions:home")).content.decode()
    assert f'href="{reverse("submissions:dashboard")}">My applications<' in page


def test_signing_in_leads_to_the_landing(client):
    applicant = ApplicantFactory(password="correct horse battery")

    response = client.post(
        reverse("account_login"), {"login": applicant.email, "password": "correct horse battery"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("start")
