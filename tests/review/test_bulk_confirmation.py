"""A bulk action from the EOI list shows, EOI by EOI, what it will change, and is applied only
when confirmed there, to all or none. The reviewer picker names each reviewer's load."""

import re

import pytest
from django.urls import reverse

from review import domain
from review.models import Assignment, Conflict, Decision
from tests.factories import EOIFactory

pytestmark = pytest.mark.django_db


def hidden_fields(page):
    """The confirmation form's fields, as the browser would post them."""
    form = page[page.index('name="confirmed"') - 400 :]
    fields = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form):
        if name != "csrfmiddlewaretoken":
            fields.setdefault(name, []).append(value)
    return fields


def test_an_assignment_shows_each_eoi_and_applies_only_once_confirmed(
    client, make_eoi, make_reviewer, secretariat
):
    first, second = make_eoi(title="Forums in Mopti"), make_eoi(title="Paralegals in Gao")
    reviewer = make_reviewer(name="Jonas Weber")
    domain.assign([first], reviewer, secretariat)
    client.force_login(secretariat)
    url = reverse("review:bulk_action", args=[first.call.slug])

    shown = client.post(
        url, {"action": "assign", "reviewer": reviewer.pk, "eoi": [first.uuid, second.uuid]}
    )

    page = shown.content.decode()
    assert shown.status_code == 200
    assert "Check before applying" in page
    assert "Already assigned to Jonas Weber: no change." in page
    assert "Jonas Weber is asked to review it." in page
    assert "Apply to all 2 expressions of interest" in page
    assert not second.assignments.exists()  # nothing done yet

    confirmed = client.post(url, hidden_fields(page), follow=True)

    assert "1 assignment made." in confirmed.content.decode()
    assert second.assignments.get().reviewer == reviewer


def test_a_refusal_is_named_and_nothing_can_be_applied(
    client, make_eoi, make_reviewer, secretariat
):
    free, conflicted = make_eoi(), make_eoi()
    reviewer = make_reviewer(name="Jonas Weber")
    Conflict.objects.create(reviewer=reviewer, eoi=conflicted, recorded_by=secretariat)
    client.force_login(secretariat)

    page = client.post(
        reverse("review:bulk_action", args=[free.call.slug]),
        {"action": "assign", "reviewer": reviewer.pk, "eoi": [free.uuid, conflicted.uuid]},
    ).content.decode()

    assert "This cannot be done as it stands: 1 expression of interest cannot take it." in page
    assert f"Jonas Weber has a conflict of interest with {conflicted}." in page
    assert "Apply to" not in page
    assert not Assignment.objects.exists()


def test_decisions_and_releases_show_the_outcome_before_and_after(
    client, make_eoi, secretariat, after_the_deadline
):
    undecided, decided = make_eoi(), make_eoi()
    domain.decide(decided, "waitlisted", secretariat)
    client.force_login(secretariat)
    url = reverse("review:bulk_action", args=[undecided.call.slug])

    deciding = client.post(
        url, {"action": "decide", "outcome": "invited", "eoi": [undecided.uuid, decided.uuid]}
    ).content.decode()
    assert "no decision yet → Invited to full proposal" in deciding
    assert "Waitlisted → Invited to full proposal" in deciding
    assert not Decision.objects.filter(outcome="invited").exists()

    releasing = client.post(
        url, {"action": "release", "eoi": [undecided.uuid, decided.uuid]}
    ).content.decode()
    assert "No decision to release: no change." in releasing
    assert f"Expression of interest: Waitlisted. Told by mail: {decided.owner}." in releasing
    assert Decision.objects.get(eoi=decided).released_at is None


def test_nothing_ticked_is_told_not_confirmed(client, make_eoi, make_reviewer, secretariat):
    eoi = make_eoi()
    client.force_login(secretariat)

    response = client.post(
        reverse("review:bulk_action", args=[eoi.call.slug]),
        {"action": "assign", "reviewer": make_reviewer().pk},
        follow=True,
    )

    assert "Tick the expressions of interest first." in response.content.decode()


def test_the_reviewer_picker_names_email_and_reviews_to_do(
    client, make_eoi, make_reviewer, secretariat, rubric_call
):
    busy = make_reviewer(name="Jonas Weber", email="jonas@example.org")
    make_reviewer(name="", email="idle@example.org")
    done, to_do = make_eoi(), make_eoi()
    domain.assign([done, to_do], busy, secretariat)
    relevance, feasibility = rubric_call.rubric
    domain.save_review(
        done.assignments.get(reviewer=busy),
        busy,
        {relevance: (4, ""), feasibility: (3, "")},
        "invite",
        "",
        "",
        submit=True,
    )
    released = EOIFactory(call=done.call, status="under_review")
    withdrawn = EOIFactory(call=done.call, status="under_review")
    domain.assign([released, withdrawn], busy, secretariat)
    Assignment.objects.filter(eoi=released).update(released_at=released.created_at)
    withdrawn.status = "withdrawn"
    withdrawn.save(update_fields=["status"])
    client.force_login(secretariat)

    page = client.get(reverse("review:eoi_list", args=[done.call.slug])).content.decode()

    assert "Jonas Weber · jonas@example.org · 1 review to do" in page
    assert "idle@example.org · 0 reviews to do" in page


def test_an_assignment_released_earlier_is_shown_as_no_change(
    client, make_eoi, make_reviewer, secretariat
):
    eoi = make_eoi()
    reviewer = make_reviewer(name="Jonas Weber")
    domain.assign([eoi], reviewer, secretariat)
    Assignment.objects.filter(eoi=eoi).update(released_at=eoi.created_at)
    client.force_login(secretariat)

    page = client.post(
        reverse("review:bulk_action", args=[eoi.call.slug]),
        {"action": "assign", "reviewer": reviewer.pk, "eoi": [eoi.uuid]},
    ).content.decode()

    assert "Jonas Weber was released from it earlier: no change." in page
