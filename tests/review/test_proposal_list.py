"""The Secretariat's list of a call's full proposals, and the proposal on the EOI's page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from submissions import proposals
from submissions.models import Proposal
from tests.factories import EOIFactory
from tests.submissions.proposal_helpers import (
    COMPLETE,
    DECLARED,
    add_proposal_stage,
    invite,
    secretariat_member,
)

pytestmark = pytest.mark.django_db


def invited_in(call, secretariat):
    return invite(EOIFactory(call=call), secretariat)


def test_the_list_shows_each_proposal_and_its_queries_do_not_grow_with_rows(
    client, django_assert_num_queries
):
    staff = secretariat_member()
    first = EOIFactory()
    call = first.call
    add_proposal_stage(call)
    first = invite(first, staff)
    submitted = Proposal.objects.get(eoi=first)
    Proposal.objects.filter(pk=submitted.pk).update(answers={**submitted.answers, **COMPLETE})
    proposals.submit(Proposal.objects.get(pk=submitted.pk), first.owner, DECLARED)
    client.force_login(staff)
    url = reverse("review:proposal_list", args=[call.slug]) + "?sort=-updated_at"
    client.get(url)
    with CaptureQueriesContext(connection) as counted:
        page = client.get(url).content.decode()
    for _ in range(3):
        invited_in(call, staff)

    with django_assert_num_queries(len(counted.captured_queries)):
        more = client.get(url).content.decode()

    assert f"{first.reference}-P" in page
    assert "Submitted" in page
    assert more.count("<tr>") == page.count("<tr>") + 3
    assert "Draft" in more
    filtered = client.get(reverse("review:proposal_list", args=[call.slug]) + "?status=draft")
    assert f"{first.reference}-P" not in filtered.content.decode()


def test_the_list_counts_the_calls_proposals_without_reading_its_eois(client):
    """Counted through their EOIs' call, the proposals of a call with 50,000 EOIs cost a read of
    every EOI (27 ms); through their stages, the call's few rows."""
    staff = secretariat_member()
    eoi = EOIFactory()
    add_proposal_stage(eoi.call)
    eoi = invite(eoi, staff)
    other = EOIFactory()
    add_proposal_stage(other.call)
    other = invite(other, staff)
    client.force_login(staff)
    url = reverse("review:proposal_list", args=[eoi.call.slug])
    client.get(url)

    with CaptureQueriesContext(connection) as counted:
        page = client.get(url).content.decode()

    (count,) = [q["sql"] for q in counted.captured_queries if "COUNT(*)" in q["sql"]]
    assert "submissions_expressionofinterest" not in count
    assert f">{eoi.reference}</a>" in page
    assert f">{other.reference}</a>" not in page


def test_the_secretariats_eoi_page_links_the_proposal(client):
    staff = secretariat_member()
    eoi = EOIFactory()
    add_proposal_stage(eoi.call)
    eoi = invite(eoi, staff)
    client.force_login(staff)

    page = client.get(reverse("review:secretariat_eoi", args=[eoi.uuid])).content.decode()

    assert reverse("submissions:proposal_detail", args=[eoi.uuid]) in page
    assert "Read the full proposal" in page
