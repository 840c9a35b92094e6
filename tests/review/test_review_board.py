"""The Secretariat's side of the proposal round: assigning from the list of full proposals,
automatic assignment of a stage, and the Review Board's page (the ranking, the meeting's notes)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from review.models import Assignment, BoardMeeting
from tests.review.test_proposal_round import score_proposal
from tests.review.test_scoring import score

pytestmark = pytest.mark.django_db


def board_url(stage):
    return reverse("review:board", args=[stage.call.slug, stage.pk])


def test_the_secretariat_assigns_ticked_proposals_from_the_list(
    client, make_proposal, make_reviewer, secretariat
):
    submitted, draft = make_proposal(), make_proposal(submit=False)
    reviewer = make_reviewer()
    call = submitted.eoi.call
    client.force_login(secretariat)
    listed = client.get(reverse("review:proposal_list", args=[call.slug])).content.decode()
    assert f'name="proposal" value="{submitted.pk}"' in listed
    assert board_url(submitted.stage) in listed
    url = reverse("review:assign_proposals", args=[call.slug])

    refused = client.post(url, {"proposal": [submitted.pk, draft.pk], "reviewer": reviewer.pk})
    assert not Assignment.objects.exists()  # all or none: the draft is not up for review
    assert "is not up for review" in client.get(refused.url).content.decode()
    client.post(url, {"proposal": [submitted.pk], "reviewer": reviewer.pk})

    assignment = Assignment.objects.get()
    assert (assignment.eoi_id, assignment.reviewer_id, assignment.stage_id) == (
        submitted.eoi_id,
        reviewer.pk,
        submitted.stage_id,
    )


def test_automatic_assignment_of_the_stage_is_shown_then_saved(
    client, make_proposal, make_reviewer, secretariat
):
    proposal = make_proposal()
    make_reviewer()
    stage = proposal.stage
    client.force_login(secretariat)
    url = reverse("review:auto_assign_stage", args=[stage.call.slug, stage.pk])

    shown = client.get(url)
    assert "Each submitted full proposal gets" in shown.content.decode()
    saved = client.post(url, {"plan": shown.context["plan"].digest})

    assert saved.url == reverse("review:proposal_list", args=[stage.call.slug])
    assert Assignment.objects.get().stage_id == stage.pk


def test_a_stage_that_is_not_reviewed_has_no_board(client, make_proposal, secretariat):
    stage = make_proposal().stage
    type(stage).objects.filter(pk=stage.pk).update(reviewed=False)
    client.force_login(secretariat)

    assert client.get(board_url(stage)).status_code == 404


def test_the_board_ranks_the_proposals_with_the_eois_figures_beside_in_flat_queries(
    client, make_eoi, make_proposal, make_reviewer, secretariat
):
    first_eoi, second_eoi = make_eoi(), make_eoi()
    eoi_reviewer, reviewer = make_reviewer(), make_reviewer()
    score(first_eoi, eoi_reviewer, secretariat, 2, 2)  # EOI mean 25
    score(second_eoi, eoi_reviewer, secretariat, 5, 5)  # EOI mean 100
    weaker, stronger = make_proposal(eoi=first_eoi), make_proposal(eoi=second_eoi)
    score_proposal(weaker, reviewer, secretariat, 2, 2)  # 25
    score_proposal(stronger, reviewer, secretariat, 5, 4)  # 92.5
    stage = weaker.stage
    client.force_login(secretariat)
    client.get(board_url(stage))
    with CaptureQueriesContext(connection) as counted:
        page = client.get(board_url(stage)).content.decode()
    unscored = make_proposal()
    for _ in range(2):
        make_proposal()

    with CaptureQueriesContext(connection) as more:
        bigger = client.get(board_url(stage)).content.decode()

    assert len(more.captured_queries) == len(counted.captured_queries)
    ranking = page.split("board-ranking")[1]
    assert ranking.index(stronger.reference) < ranking.index(weaker.reference)
    row = ranking.split(stronger.reference)[1].split("</tr>")[0]
    # After its reference: its reviews, mean, median, spread and normalised score in the
    # stage (one reviewer's z of 1), then its EOI's mean and rank beside.
    cells = [cell.split("<")[0].strip() for cell in row.split("<td>")[1:]]
    assert cells == ["1", "92.5", "92.5", "0.0", "1.00", "100.0", "1"]
    weaker_row = ranking.split(weaker.reference)[1].split("</tr>")[0]
    assert [cell.split("<")[0].strip() for cell in weaker_row.split("<td>")[1:]][-2:] == [
        "25.0",
        "2",
    ]
    assert bigger.count("<tr>") == page.count("<tr>") + 3
    assert bigger.index(weaker.reference) < bigger.index(unscored.reference)


def test_the_board_records_and_edits_a_meetings_notes_audited(client, make_proposal, secretariat):
    stage = make_proposal().stage
    client.force_login(secretariat)

    refused = client.post(board_url(stage), {"held_on": "not a date", "notes": "We met."})
    assert "We met." in refused.content.decode()  # what was typed comes back
    assert not BoardMeeting.objects.exists()
    client.post(board_url(stage), {"held_on": "2026-12-01", "notes": "Rank 1 and 2 go on."})
    meeting = BoardMeeting.objects.get()
    edit = reverse("review:board_meeting", args=[stage.call.slug, stage.pk, meeting.pk])
    assert edit in client.get(board_url(stage)).content.decode()
    client.post(edit, {"held_on": "2026-12-01", "notes": "Rank 1, 2 and 3 go on."})

    meeting.refresh_from_db()
    assert (meeting.notes, meeting.recorded_by) == ("Rank 1, 2 and 3 go on.", secretariat)
    assert list(
        AuditEntry.objects.filter(action__startswith="review.board").values_list(
            "action", flat=True
        )
    ) == ["review.board_meeting_recorded", "review.board_meeting_changed"]
    assert "Rank 1, 2 and 3 go on." in client.get(board_url(stage)).content.decode()


def test_a_meeting_of_another_stage_is_no_page(client, make_proposal, secretariat):
    from submissions.models import Stage

    stage = make_proposal().stage
    interview = Stage.objects.create(call=stage.call, order=3, kind="interview", reviewed=True)
    meeting = BoardMeeting.objects.create(stage=interview, held_on="2026-12-01", notes="x")
    client.force_login(secretariat)

    url = reverse("review:board_meeting", args=[stage.call.slug, stage.pk, meeting.pk])
    assert client.get(url).status_code == 404


def test_the_board_pages_through_a_long_ranking_best_first(
    client, make_eoi, make_proposal, make_reviewer, secretariat, monkeypatch
):
    monkeypatch.setattr("review.views.BOARD_ROWS_PER_PAGE", 2)
    reviewer = make_reviewer()
    best, middle = make_proposal(), make_proposal()
    score_proposal(best, reviewer, secretariat, 5, 5)
    score_proposal(middle, reviewer, secretariat, 3, 3)
    unscored = make_proposal()
    client.force_login(secretariat)

    first = client.get(board_url(best.stage)).content.decode()
    second = client.get(board_url(best.stage), {"page": 2}).content.decode()

    assert first.index(best.reference) < first.index(middle.reference)
    assert unscored.reference not in first
    assert "Page 1 of 2 (3 in all)" in first
    assert unscored.reference in second
    assert best.reference not in second
    assert "Page 2 of 2 (3 in all)" in second
