"""A co-applicant opened their own partner row (issue 19, item 1): the row with their address,
whatever its place; they change its cells but its name and address, and no other row."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from audit.models import AuditEntry
from submissions import coapplicants, domain
from submissions.models import Partner
from tests.factories import ApplicantFactory, EOIFactory

Confirmation = Partner.Confirmation
OWN = coapplicants.OWN_PARTNER_ROW


def row(name, email, share="10", role="Hosts forums", country="ML"):
    return {
        "name": name,
        "country": country,
        "role": role,
        "budget_share": share,
        "locally_led": False,
        "email": email,
        "not_named": False,
    }


LEAD_ROWS = [
    row("Voix des Femmes", "awa@example.org", share="20", role="Runs the forums"),
    row("Université de Bamako", "prof@example.org", share="15", role="Research"),
]


@pytest.fixture
def lead(applicant):
    return applicant


@pytest.fixture
def eoi(lead):
    eoi = EOIFactory(owner=lead)
    # Saved as the lead saves them, so that their Partner rows exist.
    return domain.save_step(eoi, lead, eoi.version, {"partners": [dict(r) for r in LEAD_ROWS]})


@pytest.fixture
def awa(db):
    return ApplicantFactory(email="Awa@Example.org", name="Awa Traoré")


def accepted(eoi, person, parts=(OWN,)):
    return coapplicants.accept(coapplicants.invite(eoi, eoi.owner, person.email, parts), person)


def client_of(person):
    client = Client()
    client.force_login(person)
    return client


def budget_url(eoi):
    return reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": "budget"})


def own_row_post(eoi, **cells):
    eoi.refresh_from_db()
    data = {"version": eoi.version, "go": "stay"}
    data.update({f"partners-own-{key}": value for key, value in cells.items()})
    return data


def share(row):
    return Decimal(str(row["budget_share"]))


def partners_of(eoi):
    eoi.refresh_from_db()
    return eoi.answers["partners"]


def test_the_lead_opens_the_row_and_the_co_applicant_saves_its_role_and_share(
    applicant_client, eoi, awa
):
    invitation = accepted(eoi, awa, parts=())
    parts_url = reverse("submissions:coapplicant_parts", args=[eoi.uuid, invitation.pk])
    assert OWN in applicant_client.get(parts_url).content.decode()
    applicant_client.post(parts_url, {"parts": [OWN]})
    invitation.refresh_from_db()
    assert invitation.parts == [OWN]

    client = client_of(awa)
    page = client.get(budget_url(eoi)).content.decode()
    assert 'name="partners-own-role"' in page
    assert "Voix des Femmes" in page
    assert "Université de Bamako" in page
    assert 'name="partners-0-role"' not in page  # the lead's rows are not in the form
    assert 'name="budget_requested"' not in page  # nor the step's other questions
    version = eoi.version
    before = partners_of(eoi)

    response = client.post(
        budget_url(eoi),
        own_row_post(eoi, country="ML", role="Co-leads the forums", budget_share="30"),
    )

    assert response.status_code == 302
    rows = partners_of(eoi)
    assert rows[0] == {
        **before[0],
        "role": "Co-leads the forums",
        "budget_share": rows[0]["budget_share"],
    }
    assert share(rows[0]) == 30
    assert rows[1] == before[1]
    assert eoi.version == version + 1
    partner = Partner.objects.get(eoi=eoi, name="Voix des Femmes")
    assert (partner.role, str(partner.budget_share)) == ("Co-leads the forums", "30.00")
    entry = AuditEntry.objects.filter(action="eoi.edited_by_coapplicant").get()
    assert entry.actor == awa
    assert entry.details["fields"] == ["partners"]


def test_a_forged_post_changing_adding_or_deleting_other_rows_leaves_them_as_they_were(eoi, awa):
    accepted(eoi, awa)
    before = partners_of(eoi)
    data = {
        **own_row_post(eoi, country="ML", role="Co-leads", budget_share="25"),
        # What the lead's formset would send: another row changed, one added, one deleted.
        "partners-TOTAL_FORMS": "3",
        "partners-INITIAL_FORMS": "2",
        "partners-1-name": "Université de Bamako",
        "partners-1-role": "Nothing at all",
        "partners-1-budget_share": "0",
        "partners-1-DELETE": "on",
        "partners-2-name": "Invented NGO",
        "partners-2-country": "BF",
        "partners-2-budget_share": "40",
        "partners-own-name": "Renamed",
        "partners-own-email": "someone@example.org",
    }

    client_of(awa).post(budget_url(eoi), data)

    rows = partners_of(eoi)
    assert len(rows) == 2
    assert rows[1] == before[1]
    assert (rows[0]["name"], rows[0]["email"]) == ("Voix des Femmes", "awa@example.org")
    assert rows[0]["role"] == "Co-leads"


def test_save_step_takes_only_the_own_row_of_whatever_rows_it_is_given(eoi, awa):
    accepted(eoi, awa)
    before = partners_of(eoi)
    forged = [
        row("Université de Bamako", "prof@example.org", share="0", role="Gone"),
        row("Renamed", "awa@example.org", share="5", role="Small part"),
        row("Invented NGO", "x@example.org"),
    ]

    domain.save_step(eoi, awa, eoi.version, {"partners": forged})

    rows = partners_of(eoi)
    assert [r["name"] for r in rows] == ["Voix des Femmes", "Université de Bamako"]
    assert rows[1] == before[1]
    assert (rows[0]["role"], share(rows[0])) == ("Small part", 5)


def test_the_optimistic_lock_holds_for_the_own_row(eoi, awa):
    accepted(eoi, awa)
    stale = eoi.version
    domain.save_step(eoi, eoi.owner, eoi.version, {"summary": "The lead saved first."})

    with pytest.raises(domain.EditConflict):
        domain.save_step(
            eoi, awa, stale, {"partners": [row("Voix des Femmes", "awa@example.org", share="1")]}
        )
    assert share(partners_of(eoi)[0]) == 20


def test_a_co_applicant_without_the_row_opened_cannot_edit_it(eoi, awa):
    accepted(eoi, awa, parts=("step:project",))
    client = client_of(awa)

    assert client.get(budget_url(eoi)).status_code == 404
    client.post(budget_url(eoi), own_row_post(eoi, role="Mine now", budget_share="90"))
    domain.save_step(
        eoi, awa, eoi.version, {"partners": [row("Voix des Femmes", "awa@example.org", share="90")]}
    )
    assert share(partners_of(eoi)[0]) == 20


def test_a_co_applicant_named_in_no_row_is_told_so_and_changes_nothing(eoi):
    other = ApplicantFactory(email="other@example.org")
    accepted(eoi, other)
    before = partners_of(eoi)
    client = client_of(other)

    page = client.get(budget_url(eoi)).content.decode()
    assert "No row of this list gives your address" in page
    client.post(budget_url(eoi), own_row_post(eoi, role="Mine", budget_share="50"))
    assert partners_of(eoi) == before


def test_the_row_stays_theirs_when_the_lead_reorders_and_renames(eoi, awa):
    accepted(eoi, awa)
    rows = partners_of(eoi)
    moved = [rows[1], {**rows[0], "name": "Voix des Femmes du Sahel"}]
    domain.save_step(eoi, eoi.owner, eoi.version, {"partners": moved})

    client = client_of(awa)
    page = client.get(budget_url(eoi)).content.decode()
    assert "Voix des Femmes du Sahel" in page
    client.post(
        budget_url(eoi), own_row_post(eoi, country="ML", role="Co-leads", budget_share="22")
    )

    rows = partners_of(eoi)
    assert rows[0] == moved[0]
    assert (rows[1]["name"], rows[1]["role"], share(rows[1])) == (
        "Voix des Femmes du Sahel",
        "Co-leads",
        22,
    )


def test_a_confirmed_row_changed_by_its_co_applicant_is_asked_again(eoi, awa):
    accepted(eoi, awa)
    Partner.objects.filter(eoi=eoi, name="Voix des Femmes").update(
        confirmation=Confirmation.CONFIRMED,
        answered=coapplicants_snapshot(eoi),
    )

    client_of(awa).post(
        budget_url(eoi), own_row_post(eoi, country="ML", role="Runs the forums", budget_share="35")
    )

    partner = Partner.objects.get(eoi=eoi, name="Voix des Femmes")
    assert partner.confirmation == Confirmation.PENDING


def coapplicants_snapshot(eoi):
    from submissions import partners

    return partners.confirmed_snapshot(Partner.objects.get(eoi=eoi, name="Voix des Femmes"))


def test_a_share_past_the_hundred_is_refused_and_what_was_typed_is_kept(eoi, awa):
    accepted(eoi, awa)
    page = (
        client_of(awa)
        .post(
            budget_url(eoi), own_row_post(eoi, country="ML", role="Everything", budget_share="90")
        )
        .content.decode()
    )

    assert "add up to 105" in page
    assert 'value="Everything"' in page
    assert share(partners_of(eoi)[0]) == 20
