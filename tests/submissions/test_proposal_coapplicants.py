"""Co-applicants in the full proposal and its balance of power (issue 19, items 1 and 3): the
parts the lead opened on the EOI carry over to the proposal's questions of the same role or
key, the lead changes them for the proposal, two people saving at once never overwrite each
other, only the lead submits; the proposal's figures come from its own partner rows."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from questionnaires import definition as definitions
from submissions import coapplicants, domain, proposals
from submissions.models import Partner, Proposal
from tests.clients import Client
from tests.factories import ApplicantFactory, EOIFactory
from tests.submissions.proposal_helpers import (
    DECLARED,
    add_proposal_stage,
    invite,
    proposal_questionnaire,
    secretariat_member,
)

pytestmark = pytest.mark.django_db

OWN = coapplicants.OWN_PARTNER_ROW


def row(name, email, share, country="ML"):
    return {
        "name": name,
        "country": country,
        "role": "Hosts forums",
        "budget_share": share,
        "locally_led": False,
        "email": email,
        "not_named": False,
    }


ROWS = [
    row("Voix des Femmes", "awa@example.org", 20),
    row("Université de Paris", "prof@example.org", 30, country="FR"),
]


def with_partners():
    """The 2021 full proposal with its recap step, asking the EOI's partners again (the same
    question, roles and all) in its "partners" step."""
    eoi_definition = definitions.definition(EOIFactory().questionnaire_id)
    question = next(
        q
        for step in definitions.as_dict(eoi_definition)["steps"]
        for q in step["questions"]
        if q["key"] == "partners"
    )
    data = definitions.as_dict(definitions.definition(proposal_questionnaire().pk))
    next(s for s in data["steps"] if s["key"] == "partners")["questions"].append(question)
    return definitions.save(definitions.from_dict(data))


def invited(parts, questionnaire=None, partners=True):
    """An invited EOI naming ROWS as partners, Awa its co-applicant with `parts` opened, and
    its full proposal (prefilled: the partners too, when the proposal asks them)."""
    lead = ApplicantFactory()
    eoi = EOIFactory(owner=lead)
    eoi = domain.save_step(eoi, lead, eoi.version, {"partners": [dict(r) for r in ROWS]})
    awa = ApplicantFactory(email="Awa@Example.org", name="Awa Traoré")
    coapplicants.accept(coapplicants.invite(eoi, lead, awa.email, list(parts)), awa)
    add_proposal_stage(
        eoi.call, questionnaire=questionnaire or (with_partners() if partners else None)
    )
    eoi = invite(eoi)
    return eoi, awa, Proposal.objects.get(eoi=eoi)


def client_of(person):
    client = Client()
    client.force_login(person)
    return client


def step_url(eoi, step):
    return reverse("submissions:proposal_step", args=[eoi.uuid, step])


def fresh(proposal):
    proposal.refresh_from_db()
    return proposal


# Editing the parts opened


def test_the_eois_parts_carry_over_to_the_proposals_questions_of_the_same_key():
    eoi, awa, proposal = invited(["question:summary"])
    client = client_of(awa)

    # The recap asks the summary again: Awa edits it there, and nothing else of the proposal.
    page = client.get(step_url(eoi, "recap")).content.decode()
    assert 'name="summary"' in page
    assert 'name="countries"' not in page
    assert "You may edit" in page
    assert "Summary" in page
    assert client.get(step_url(eoi, "description")).status_code == 404
    assert client.get(step_url(eoi, "submit")).status_code == 404

    response = client.post(
        step_url(eoi, "recap"),
        {"version": proposal.version, "go": "stay", "summary": "Awa's summary."},
    )

    assert response.status_code == 302
    assert fresh(proposal).answers["summary"] == "Awa's summary."
    assert proposal.last_saved_by == awa
    entry = AuditEntry.objects.get(action="proposal.edited_by_coapplicant")
    assert (entry.actor, entry.details["fields"]) == (awa, ["summary"])


def test_a_closed_question_slipped_into_a_save_is_left_as_it_is():
    _eoi, awa, proposal = invited(["question:summary"])

    proposals.save_step(
        proposal, awa, proposal.version, {"summary": "Mine.", "description": "Not mine."}
    )

    assert fresh(proposal).answers["summary"] == "Mine."
    assert "description" not in proposal.answers


def test_a_coapplicant_opened_nothing_reads_the_proposal_and_cannot_write_it():
    eoi, awa, proposal = invited([])
    client = client_of(awa)

    assert client.get(reverse("submissions:proposal_detail", args=[eoi.uuid])).status_code == 200
    assert client.get(step_url(eoi, "recap")).status_code == 404
    assert client.get(reverse("submissions:proposal_continue", args=[eoi.uuid])).status_code == 404
    version = proposal.version
    proposals.save_step(proposal, awa, version, {"summary": "Forged."})
    assert fresh(proposal).version == version


def test_their_own_partner_row_carries_over_to_the_proposals_partners():
    eoi, awa, proposal = invited([OWN])
    before = fresh(proposal).answers["partners"]
    assert [r["name"] for r in before] == ["Voix des Femmes", "Université de Paris"]
    client = client_of(awa)
    page = client.get(step_url(eoi, "partners")).content.decode()
    assert 'name="partners-own-role"' in page
    assert 'name="partner_roles"' not in page  # the step's other question is the lead's

    response = client.post(
        step_url(eoi, "partners"),
        {
            "version": proposal.version,
            "go": "stay",
            "partners-own-country": "ML",
            "partners-own-role": "Co-leads the forums",
            "partners-own-budget_share": "35",
            # A forged change of the name and of the other row: not taken.
            "partners-own-name": "Someone else",
        },
    )

    assert response.status_code == 302
    rows = fresh(proposal).answers["partners"]
    assert rows[0]["name"] == "Voix des Femmes"
    assert rows[0]["role"] == "Co-leads the forums"
    assert Decimal(str(rows[0]["budget_share"])) == 35
    assert rows[1] == before[1]


def test_the_lead_chooses_what_is_opened_in_the_proposal_from_the_parts_form():
    eoi, awa, _proposal = invited(["question:summary"])
    lead_client = client_of(eoi.owner)
    link = coapplicants.link_of(awa, eoi)
    parts_url = reverse("submissions:coapplicant_parts", args=[eoi.uuid, link.pk])

    page = lead_client.get(parts_url).content.decode()
    # The proposal's steps are offered, what carried over ticked.
    assert "Full proposal: Risks" in page
    assert 'value="proposal:question:summary" id="part-proposalquestionsummary" checked' in page
    listing = lead_client.get(reverse("submissions:coapplicants", args=[eoi.uuid]))
    assert "May edit in the full proposal" in listing.content.decode()

    lead_client.post(parts_url, {"parts": ["question:summary", "proposal:step:risks"]})

    link.refresh_from_db()
    assert link.parts == [
        coapplicants.PROPOSAL_CHOSEN,
        "proposal:step:risks",
        "question:summary",
    ]
    client = client_of(awa)
    assert client.get(step_url(eoi, "risks")).status_code == 200
    # The EOI's summary no longer carries over: the lead chose for the proposal.
    assert client.get(step_url(eoi, "recap")).status_code == 404
    assert coapplicants.editable_keys(eoi, awa, definitions.definition(eoi.questionnaire_id)) == {
        "summary"
    }

    # Nothing ticked for the proposal: nothing is opened in it, whatever the EOI's parts.
    lead_client.post(parts_url, {"parts": ["question:summary"]})
    assert client.get(step_url(eoi, "risks")).status_code == 404
    assert client.get(step_url(eoi, "recap")).status_code == 404


def test_an_invitation_sent_once_the_proposal_is_open_can_open_parts_of_it():
    eoi, _awa, _proposal = invited([])
    lead_client = client_of(eoi.owner)
    url = reverse("submissions:coapplicants", args=[eoi.uuid])
    assert "Full proposal: Recap" in lead_client.get(url).content.decode()

    lead_client.post(url, {"email": "ben@example.org", "parts": ["proposal:step:learning"]})

    ben = ApplicantFactory(email="ben@example.org")
    coapplicants.accept(eoi.coapplicants.get(email="ben@example.org"), ben)
    assert client_of(ben).get(step_url(eoi, "learning")).status_code == 200


# Two people at once


def test_two_people_saving_at_once_the_second_is_refused_with_who_saved_and_keeps_their_text():
    eoi, awa, proposal = invited(["step:project"])
    lead, version = eoi.owner, proposal.version
    # Both opened the recap at `version`; the lead saves first.
    assert client_of(lead).post(
        step_url(eoi, "recap"), {"version": version, "go": "stay", "summary": "The lead's."}
    ).status_code in (200, 302)

    response = client_of(awa).post(
        step_url(eoi, "recap"), {"version": version, "go": "stay", "summary": "Awa's own text."}
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert f"{lead} saved this full proposal at" in page
    assert "Awa&#x27;s own text." in page  # nothing typed is lost
    assert fresh(proposal).answers["summary"] == "The lead's."
    # The other way round, by autosave: Awa reloads and saves, the lead's page is now old.
    lead_version = fresh(proposal).version
    proposals.save_step(proposal, awa, lead_version, {"summary": "Awa's, reloaded."})
    autosave = client_of(lead).post(
        reverse("submissions:proposal_autosave", args=[eoi.uuid, "recap"]),
        {"version": lead_version, "summary": "Again."},
    )
    assert autosave.status_code == 409
    assert autosave.json()["error"].startswith("Awa Traoré saved this full proposal at")
    assert fresh(proposal).answers["summary"] == "Awa's, reloaded."


# Only the lead submits


def test_only_the_lead_submits_the_proposal():
    eoi, awa, proposal = invited(["step:project"])
    client = client_of(awa)

    assert client.get(step_url(eoi, "submit")).status_code == 404
    assert client.get(reverse("submissions:proposal_receipt", args=[eoi.uuid])).status_code == 404
    with pytest.raises(proposals.NotEditable, match="Only the lead applicant"):
        proposals.submit(proposal, awa, DECLARED)
    assert fresh(proposal).status == Proposal.Status.DRAFT


# The balance of power


def test_the_proposals_figures_come_from_its_own_partner_rows():
    eoi, _awa, proposal = invited([])
    # Voix des Femmes confirmed its row on the EOI; the proposal then raises its share.
    domain.answer_partner(
        Partner.objects.get(eoi=eoi, name="Voix des Femmes"), None, confirmed=True, comment=""
    )

    # Mali and Burkina Faso are the countries of focus (the EOI's: the proposal asks them with
    # no role); the lead is based in Mali. The lead keeps 50 %, Voix des Femmes 20 % in Mali.
    assert proposals.figures(proposal) == {
        "local_share": Decimal("70.00"),
        "lead_is_local": True,
        "partners_named": 2,
        "partners_confirmed": 1,
    }

    rows = [dict(r) for r in fresh(proposal).answers["partners"]]
    rows[0]["budget_share"] = 40
    proposals.save_step(proposal, eoi.owner, proposal.version, {"partners": rows})
    figures = proposals.figures(fresh(proposal))
    # 30 % kept by the lead + 40 %; what Voix des Femmes confirmed was 20 %: not counted.
    assert (figures["local_share"], figures["partners_confirmed"]) == (Decimal("70.00"), 0)
    rows[1]["country"] = "BF"
    proposals.save_step(proposal, eoi.owner, proposal.version, {"partners": rows})
    assert proposals.figures(fresh(proposal))["local_share"] == Decimal("100.00")


def test_the_figures_are_on_the_proposals_page_and_the_secretariats_eoi_page():
    eoi, awa, _proposal = invited([])
    staff = secretariat_member()

    for person, url in (
        (eoi.owner, reverse("submissions:proposal_detail", args=[eoi.uuid])),
        (awa, reverse("submissions:proposal_detail", args=[eoi.uuid])),
        (staff, reverse("review:secretariat_eoi", args=[eoi.uuid])),
    ):
        page = client_of(person).get(url).content.decode()
        section = page[page.index('id="proposal-figures"') :]
        assert "The full proposal’s balance of power" in section
        # The lead's 50 % and Voix des Femmes' 20 %, in Mali; Paris is not a country of focus.
        assert "70&nbsp;%" in section
        assert "0 of 2" in section


def test_a_proposal_that_does_not_ask_the_partners_again_says_the_eois_figures_stand():
    eoi, _awa, proposal = invited([], partners=False)

    assert proposals.figures(proposal) is None
    page = client_of(eoi.owner).get(reverse("submissions:proposal_detail", args=[eoi.uuid]))
    assert "the expression of interest’s figures stand" in page.content.decode()


def line(category, amount, partner=""):
    return {"category": category, "description": "A cost", "partner": partner, "amount": amount}


def test_a_proposal_naming_no_partners_takes_its_figures_from_who_spends_its_budget_lines():
    eoi, _awa, proposal = invited([], partners=False)
    Partner.objects.filter(eoi=eoi, name="Voix des Femmes").update(
        confirmation=Partner.Confirmation.CONFIRMED
    )
    lines = [
        line("travel", "5000.00"),
        # The EOI's partner whatever the capitals and spaces; a spender it does not name
        # counts as based elsewhere.
        line("events", "2000.00", "voix des  FEMMES"),
        line("research", "1000.00", "Voix des Femmes"),
        line("research", "1500.00", "Université de Paris"),
        line("publication", "500.00", "A printer"),
    ]
    proposal = proposals.save_step(proposal, eoi.owner, proposal.version, {"budget_lines": lines})

    found = proposals.figures(proposal)
    # The lead (in Mali) 5,000 and Voix des Femmes (in Mali) 3,000 of 10,000.
    assert found["local_share"] == Decimal("80.00")
    assert found["lead_is_local"] is True
    assert found["partners_named"] == 3
    assert found["partners_confirmed"] == 1
    page = client_of(eoi.owner).get(reverse("submissions:proposal_detail", args=[eoi.uuid]))
    section = page.content.decode()[page.content.decode().index('id="proposal-figures"') :]
    assert "80&nbsp;%" in section
    assert "who spends each line" in section


# Data download


def test_the_coapplicants_data_download_holds_the_proposal_they_see():
    eoi, awa, proposal = invited(["question:summary"])
    proposals.save_step(proposal, awa, proposal.version, {"summary": "Awa's summary."})

    data = json.loads(client_of(awa).get(reverse("accounts:data_export")).content)

    (link,) = data["co_applications"]
    (kept,) = link["proposals"]
    assert kept["status"] == "draft"
    assert "Awa's summary." in json.dumps(kept["answers"])

    coapplicants.revoke(coapplicants.link_of(awa, eoi), eoi.owner)
    data = json.loads(client_of(awa).get(reverse("accounts:data_export")).content)
    assert data["co_applications"][0]["proposals"] is None
