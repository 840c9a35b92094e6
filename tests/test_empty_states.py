"""Lists with nothing in them say so plainly and point to the next thing to do."""

import pytest
from django.urls import reverse

from accounts.roles import REVIEWERS, SECRETARIAT
from tests.factories import ApplicantFactory, CallFactory, EOIFactory, give_role


@pytest.mark.django_db
def test_home_without_open_calls_points_to_help_and_the_contact_address(client):
    page = client.get(reverse("submissions:home")).content.decode()

    assert "No call is open right now, and none is announced yet." in page
    assert f'href="{reverse("help")}"' in page


@pytest.mark.django_db
def test_home_without_open_calls_but_with_an_upcoming_one_says_it_is_below(client):
    from datetime import timedelta

    from django.utils import timezone

    CallFactory(opens_at=timezone.now() + timedelta(days=3))

    page = client.get(reverse("submissions:home")).content.decode()

    assert "No call is open right now. The next ones are listed below." in page


@pytest.mark.django_db
def test_a_new_applicants_dashboard_says_how_to_start(applicant_client):
    page = applicant_client.get(reverse("submissions:dashboard")).content.decode()

    assert "You have not started an expression of interest yet." in page
    assert f'href="{reverse("submissions:home")}"' in page


@pytest.mark.django_db
def test_a_reviewer_without_assignments_is_told_what_happens_next(client):
    reviewer = give_role(ApplicantFactory(), REVIEWERS)
    client.force_login(reviewer)

    page = client.get(reverse("review:assignments")).content.decode()

    assert "No expression of interest is assigned to you yet." in page
    assert "We will email you" in page


@pytest.mark.django_db
def test_the_secretariat_list_tells_an_empty_call_from_an_empty_search(client):
    call = CallFactory()
    EOIFactory(call=call)  # a draft: not listed
    client.force_login(give_role(ApplicantFactory(), SECRETARIAT))
    url = reverse("review:eoi_list", args=[call.slug])

    empty_call = client.get(url).content.decode()
    empty_search = client.get(url, {"q": "nothing like this"}).content.decode()

    assert "No expression of interest has been submitted to this call yet." in empty_call
    assert f'href="{reverse("review:dashboard", args=[call.slug])}"' in empty_call
    assert "No expression of interest matches these filters." in empty_search
    assert f'href="{url}"' in empty_search


@pytest.mark.django_db
def test_a_call_without_grants_says_none_is_recommended_yet_and_where_to_decide(client):
    secretariat = ApplicantFactory(is_staff=True)
    give_role(secretariat, SECRETARIAT)
    call = CallFactory()
    client.force_login(secretariat)

    page = client.get(reverse("awards:grant_list", args=[call.slug])).content.decode()

    assert "No expression of interest is recommended for an award yet." in page
    assert f'href="{reverse("review:eoi_list", args=[call.slug])}"' in page
