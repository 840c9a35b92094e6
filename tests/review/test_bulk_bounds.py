"""A bulk action applies to the EOIs ticked on one page of the list: a request naming more is
refused whole, with a message, before any of them is touched."""

import uuid

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_bulk_action_on_more_eois_than_a_page_shows_is_refused_whole(
    client, make_eoi, make_reviewer, secretariat
):
    eoi = make_eoi()
    client.force_login(secretariat)
    named = [eoi.uuid, *(uuid.uuid4() for _ in range(50))]

    response = client.post(
        reverse("review:bulk_action", args=[eoi.call.slug]),
        {"action": "assign", "confirmed": "yes", "eoi": named, "reviewer": make_reviewer().pk},
        follow=True,
    )

    assert response.status_code == 200
    assert "Choose at most 50 expressions of interest at a time." in response.content.decode()
    assert not eoi.assignments.exists()


def test_a_page_of_fifty_is_still_one_bulk_action(client, make_eoi, make_reviewer, secretariat):
    eois = [make_eoi() for _ in range(50)]
    client.force_login(secretariat)

    client.post(
        reverse("review:bulk_action", args=[eois[0].call.slug]),
        {
            "action": "assign",
            "confirmed": "yes",
            "eoi": [eoi.uuid for eoi in eois],
            "reviewer": make_reviewer().pk,
        },
    )

    assert all(eoi.assignments.count() == 1 for eoi in eois)
