"""The Secretariat's grant pages, the applicants' letter, the dashboard's funnel and money."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from awards import domain, letters
from core.money import euros
from interviews.models import Booking, Slot
from review.selectors import intake_key
from submissions import coapplicants
from submissions.models import Proposal, Stage
from tests.factories import ApplicantFactory, EOIFactory
from tests.submissions.proposal_helpers import add_proposal_stage

from .conftest import Status

pytestmark = pytest.mark.django_db


def test_recording_over_the_limit_keeps_what_was_typed_then_within_it_saves(
    client, make_eoi, secretariat
):
    eoi = make_eoi(budget_requested=Decimal("18000"))
    client.force_login(secretariat)
    url = reverse("awards:grant", args=[eoi.uuid])

    page = client.post(url, {"amount": "19000", "conditions": "Two reports.", "version": ""})

    assert page.status_code == 200
    body = page.content.decode()
    assert "KMF21-0001 asked for €18,000.00: a grant is at most what was asked." in body
    assert 'value="19000"' in body
    assert "Two reports." in body
    saved = client.post(url, {"amount": "18000", "conditions": "Two reports.", "version": ""})
    assert saved.status_code == 302
    assert eoi.grant.amount == Decimal("18000")
    assert "Sanne Bakker recorded a grant of €18,000.00." in client.get(url).content.decode()


def test_a_stale_form_is_refused_and_keeps_what_was_typed(client, make_eoi, secretariat):
    eoi = make_eoi()
    grant = domain.record_grant(eoi, Decimal("10000"), "", secretariat)
    domain.record_grant(eoi, Decimal("11000"), "", secretariat, version=grant.version)
    client.force_login(secretariat)

    page = client.post(
        reverse("awards:grant", args=[eoi.uuid]),
        {"amount": "9000", "conditions": "Mine.", "version": str(grant.version)},
    )

    body = page.content.decode()
    assert "Someone changed this grant while you were editing it: it is now €11,000.00." in body
    assert 'value="9000"' in body
    assert f'name="version" value="{grant.version + 1}"' in body
    assert "Mine." in body
    eoi.grant.refresh_from_db()
    assert eoi.grant.amount == Decimal("11000")
    # Saved again, knowingly: theirs replaces it.
    again = client.post(
        reverse("awards:grant", args=[eoi.uuid]),
        {"amount": "9000", "conditions": "Mine.", "version": str(eoi.grant.version)},
    )
    assert again.status_code == 302
    eoi.grant.refresh_from_db()
    assert eoi.grant.amount == Decimal("9000")


def test_no_grant_page_for_an_eoi_not_recommended(client, make_eoi, secretariat):
    eoi = make_eoi(status=Status.UNDER_REVIEW)
    client.force_login(secretariat)

    assert client.get(reverse("awards:grant", args=[eoi.uuid])).status_code == 404


@pytest.fixture
def awarded(make_eoi, secretariat):
    """An awarded EOI with its grant, its lead writing in French, and an accepted co-applicant."""
    lead = ApplicantFactory(preferred_language="fr")
    eoi = make_eoi(owner=lead, status=Status.AWARDED)
    partner = ApplicantFactory()
    coapplicants.accept(coapplicants.invite(eoi, lead, partner.email, []), partner)
    grant = domain.record_grant(eoi, Decimal("15000"), "Un rapport <b>final</b>.", secretariat)
    return {"eoi": eoi, "lead": lead, "partner": partner, "grant": grant}


def test_the_applicants_read_the_letter_once_issued(client, awarded, secretariat):
    eoi, url = awarded["eoi"], reverse("awards:letter", args=[awarded["eoi"].uuid])
    client.force_login(awarded["lead"])
    assert client.get(url).status_code == 404  # not issued yet
    assert "Grant letter" not in client.get(eoi.get_absolute_url()).content.decode()

    domain.issue_letter(awarded["grant"], secretariat)

    for person in (awarded["lead"], awarded["partner"], secretariat):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    client.force_login(awarded["lead"])
    assert f'href="{url}"' in client.get(eoi.get_absolute_url()).content.decode()
    client.force_login(ApplicantFactory())
    assert client.get(url).status_code == 404


def test_the_secretariat_previews_a_letter_not_issued(client, awarded, secretariat):
    client.force_login(secretariat)

    response = client.get(reverse("awards:letter", args=[awarded["eoi"].uuid]))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_letter_is_in_the_lead_s_language_and_escapes_the_conditions(awarded, monkeypatch):
    drawn = []
    monkeypatch.setattr(letters, "html_to_pdf", lambda html: drawn.append(html) or b"%PDF")

    letters.letter_pdf(awarded["grant"])

    (html,) = drawn
    assert 'lang="fr"' in html
    assert "Lettre d’attribution" in html
    with translation.override("fr"):
        assert euros(Decimal("15000"), 2) in html
    assert "Un rapport &lt;b&gt;final&lt;/b&gt;." in html


def test_another_eoi_s_letter_is_404_even_for_an_applicant_with_a_letter(
    client, awarded, make_eoi, secretariat
):
    other = make_eoi(status=Status.AWARDED)
    domain.issue_letter(domain.record_grant(other, Decimal("1000"), "", secretariat), secretariat)
    client.force_login(awarded["lead"])

    assert client.get(reverse("awards:letter", args=[other.uuid])).status_code == 404


def test_the_grant_list_shows_each_eoi_and_the_totals(client, make_eoi, secretariat, award_call):
    with_grant = make_eoi(organisation_name="Réseau Justice Locale")
    domain.issue_letter(
        domain.record_grant(with_grant, Decimal("15000"), "A report.", secretariat), secretariat
    )
    make_eoi(organisation_name="Mopti Forum")
    make_eoi(status=Status.INVITED, organisation_name="Not on the list")
    client.force_login(secretariat)

    body = client.get(reverse("awards:grant_list", args=[award_call.slug])).content.decode()

    assert "Réseau Justice Locale" in body
    assert "Mopti Forum" in body
    assert "Not on the list" not in body
    assert "Grants recorded: 1/2" in body
    assert "Letters issued: 1" in body
    assert "€35,000.00" in body  # remaining of €50,000


def page_queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as counted:
        response = client.get(url)
        assert response.status_code == 200
        b"".join(response) if response.streaming else response.content
    return len(counted.captured_queries)


@pytest.mark.parametrize("name", ["awards:grant_list", "awards:export"])
def test_the_grant_list_and_its_export_count_no_more_queries_with_more_rows(
    client, make_eoi, secretariat, award_call, name
):
    args = [award_call.slug] + (["csv"] if name == "awards:export" else [])
    url = reverse(name, args=args)
    domain.record_grant(make_eoi(), Decimal("1000"), "", secretariat)
    client.force_login(secretariat)
    few = page_queries(client, url)
    for _ in range(5):
        eoi = make_eoi()
        domain.issue_letter(
            domain.record_grant(eoi, Decimal("1000"), "x", secretariat), secretariat
        )
        make_eoi()

    assert page_queries(client, url) == few


def test_the_export_has_a_row_per_eoi_recommended_or_awarded(
    client, make_eoi, secretariat, award_call
):
    domain.record_grant(make_eoi(organisation_name="=cmd"), Decimal("1500.50"), "A.", secretariat)
    make_eoi()
    client.force_login(secretariat)

    csv = b"".join(client.get(reverse("awards:export", args=[award_call.slug, "csv"]))).decode()
    rows = csv.splitlines()
    assert rows[0].startswith("Reference,Lead organisation,Title,Status")
    assert rows[1].startswith("KMF21-0001,'=cmd,")
    assert ",1500.50,A.," in rows[1]
    assert len(rows) == 3
    xlsx = client.get(reverse("awards:export", args=[award_call.slug, "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx))).active
    assert sheet.max_row == 3


def test_the_dashboard_shows_the_funnel_and_the_money(client, make_eoi, secretariat, award_call):
    make_eoi(status=Status.SUBMITTED)
    make_eoi(status=Status.NOT_SELECTED)
    invited = make_eoi(status=Status.INVITED)
    shortlisted = make_eoi(status=Status.SHORTLISTED)
    awarded = make_eoi(status=Status.AWARDED)
    domain.record_grant(awarded, Decimal("12000"), "", secretariat)
    domain.record_grant(make_eoi(), Decimal("8000"), "", secretariat)
    # Two full proposals submitted, a third still a draft; one interview held and scored, one
    # booked and not yet assessed.
    proposal_stage = add_proposal_stage(award_call)
    for eoi, status in ((invited, "draft"), (shortlisted, "submitted"), (awarded, "submitted")):
        Proposal.objects.create(
            eoi=eoi, stage=proposal_stage, questionnaire=proposal_stage.questionnaire, status=status
        )
    interview_stage = Stage.objects.create(call=award_call, order=3, kind=Stage.Kind.INTERVIEW)
    for eoi, score in ((awarded, 4), (shortlisted, None)):
        slot = Slot.objects.create(
            stage=interview_stage,
            starts_at=timezone.now() - timedelta(days=eoi.pk),
            duration_minutes=30,
            location="Room 4",
        )
        Booking.objects.create(slot=slot, eoi=eoi, score=score)
    EOIFactory(call=award_call)  # a draft is not sent
    client.force_login(secretariat)

    page = client.get(reverse("review:dashboard", args=[award_call.slug]))

    funnel = [(bar["label"], bar["count"]) for bar in page.context["funnel"]]
    assert [(str(label), count) for label, count in funnel] == [
        ("Expressions of interest sent", 6),
        ("Invited to full proposal", 4),
        ("Full proposals", 2),
        ("Interviewed", 1),
        ("Awarded", 1),
    ]
    assert page.context["money"] == {
        "committed": Decimal("20000"),
        "available": Decimal("50000"),
        "remaining": Decimal("30000"),
        "percent": 40,
    }
    body = page.content.decode()
    assert "€20,000" in body
    assert "€30,000" in body
    assert reverse("awards:grant_list", args=[award_call.slug]) in body


def test_the_dashboard_counts_no_more_queries_with_more_grants(
    client, make_eoi, secretariat, award_call
):
    url = reverse("review:dashboard", args=[award_call.slug])
    domain.record_grant(make_eoi(status=Status.AWARDED), Decimal("1000"), "", secretariat)
    client.force_login(secretariat)
    client.get(url)
    with CaptureQueriesContext(connection) as counted:
        client.get(url)
    cached = len(counted.captured_queries)
    for _ in range(4):
        domain.record_grant(make_eoi(status=Status.AWARDED), Decimal("1000"), "", secretariat)
    client.get(url)  # still the cached figures
    from django.core.cache import cache

    cache.delete(intake_key(award_call))
    counted_afresh = page_queries(client, url)

    assert counted_afresh == cached
