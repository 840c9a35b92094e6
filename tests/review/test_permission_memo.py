"""A reviewer's standing on an EOI (an active assignment, a conflict recorded, "no conflict"
declared, their review submitted) is one query, asked once per GET request however many
permissions read it; a POST, and anything outside a request, asks it afresh each time, so a
change made between two questions is seen."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.permissions import PermissionMemoMiddleware, can
from review import domain
from review.models import Assignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def assignment(make_eoi, make_reviewer, secretariat):
    (assignment,) = domain.assign([make_eoi()], make_reviewer(), secretariat)
    return assignment


def standing_queries(captured):
    return [q for q in captured.captured_queries if '"review_conflict"' in q["sql"]]


def test_the_scoring_page_asks_the_reviewers_standing_once(client, assignment):
    domain.declare_no_conflict(assignment, assignment.reviewer)
    client.force_login(assignment.reviewer)
    url = reverse("review:review_eoi", args=[assignment.eoi.uuid])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.templates[0].name == "review/review_eoi.html"
    # review_eoi, read_eoi, discuss_eoi and read_messages all read it: nine questions before.
    assert len(standing_queries(captured)) == 1


def test_outside_a_request_each_question_is_asked_again(assignment):
    reviewer, eoi = assignment.reviewer, assignment.eoi
    assert can(reviewer, "review.review_eoi", eoi)
    assert not can(reviewer, "review.read_eoi", eoi)
    domain.declare_no_conflict(assignment, reviewer)
    assert can(reviewer, "review.read_eoi", eoi)
    domain.declare_conflict(Assignment.objects.get(pk=assignment.pk), "My cousin.", reviewer)
    assert not can(reviewer, "review.review_eoi", eoi)
    assert not can(reviewer, "review.read_eoi", eoi)


def answers_within(method, assignment):
    """What read_eoi answers before and after "no conflict" is declared within one request."""
    reviewer, eoi = assignment.reviewer, assignment.eoi
    answers = []

    def view(request):
        answers.append(can(reviewer, "review.read_eoi", eoi))
        domain.declare_no_conflict(assignment, reviewer)
        answers.append(can(reviewer, "review.read_eoi", eoi))
        return HttpResponse()

    request = getattr(RequestFactory(), method)("/")
    PermissionMemoMiddleware(view)(request)
    return answers


def test_a_post_sees_the_change_it_made(assignment):
    assert answers_within("post", assignment) == [False, True]


def test_a_get_keeps_its_first_answer_and_the_next_request_asks_again(assignment):
    # A GET changes nothing in the application; this one does only to show what is kept.
    assert answers_within("get", assignment) == [False, False]
    assert can(assignment.reviewer, "review.read_eoi", assignment.eoi)
