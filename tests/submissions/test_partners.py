"""Partners named in the answers: their rows, the figures, their confirmation by link or
account, and a call that requires it before submitting (issue 19)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from notifications.models import OutboundEmail
from questionnaires import definition as definitions
from submissions import answers as eoi_answers
from submissions import balance, domain, partners
from submissions.kmf2021 import questionnaire_2021
from submissions.models import ExpressionOfInterest, Partner
from tests.factories import ApplicantFactory, EOIFactory
from tests.files import attach_budget

Confirmation = Partner.Confirmation


def row(name, country="ML", share=None, email=None, locally_led=False, role="Hosts forums"):
    return {
        "name": name,
        "country": country,
        "role": role,
        "budget_share": share,
        "locally_led": locally_led,
        "email": email,
        "not_named": False,
    }


def save_partners(eoi, rows, **other):
    eoi.refresh_from_db()
    return domain.save_step(eoi, eoi.owner, eoi.version, {"partners": rows, **other})


@pytest.fixture
def eoi(call):
    return attach_budget(EOIFactory(call=call))


# ---- The questionnaire -----------------------------------------------------------------------


def questionnaire_with(change):
    data = definitions.as_dict(questionnaire_2021())
    partners_question = next(
        q for step in data["steps"] for q in step["questions"] if q["key"] == "partners"
    )
    change(data, partners_question)
    return data


def test_partner_column_roles_are_given_only_inside_the_partners_rows():
    definitions.from_dict(questionnaire_with(lambda data, q: None))  # as shipped: accepted

    def on_a_question(data, q):
        data["steps"][0]["questions"][0]["role"] = "partner_name"

    def rows_without_the_role(data, q):
        del q["role"]

    def without_a_name(data, q):
        del q["columns"][0]["role"]

    def twice(data, q):
        q["columns"][2]["role"] = "partner_name"

    for change, said in [
        (on_a_question, "is not a role here"),
        (rows_without_the_role, "is not a role here"),
        (without_a_name, "need a column for their name"),
        (twice, "a role is given to one column only"),
    ]:
        with pytest.raises(ValidationError, match=said):
            definitions.from_dict(questionnaire_with(change))


# ---- Rows and their sync ---------------------------------------------------------------------


def test_saving_the_partners_writes_their_rows_in_order(eoi):
    save_partners(
        eoi,
        [
            row("Association des Femmes de Mopti", share=30, email="af@example.org"),
            row("Lawyers Abroad", country="FR", share=20),
        ],
    )

    found = list(eoi.partners.values_list("position", "name", "budget_share", "email"))
    assert found == [
        (1, "Association des Femmes de Mopti", Decimal("30.00"), "af@example.org"),
        (2, "Lawyers Abroad", Decimal("20.00"), ""),
    ]
    assert all(p.confirmation == Confirmation.NOT_ASKED for p in eoi.partners.all())


def test_a_partner_is_matched_by_name_and_a_change_of_what_it_confirmed_asks_it_again(eoi):
    save_partners(eoi, [row("Lawyers Abroad", country="FR", share=20, email="la@example.org")])
    partner = eoi.partners.get()
    domain.answer_partner(partner, None, confirmed=True)
    eoi.refresh_from_db()
    assert eoi.partners_confirmed == 1

    # Moved down a row and its address tidied: the same partner, still confirmed.
    save_partners(
        eoi,
        [
            row("New Partner", share=10),
            row("  lawyers  abroad ", country="FR", share=20, email="la@example.org"),
        ],
    )
    kept = Partner.objects.get(pk=partner.pk)
    assert (kept.position, kept.confirmation) == (2, Confirmation.CONFIRMED)

    # Its share changes: what it confirmed no longer holds.
    save_partners(
        eoi,
        [row("New Partner", share=10), row("Lawyers Abroad", country="FR", share=35)],
    )
    kept.refresh_from_db()
    eoi.refresh_from_db()
    assert kept.confirmation == Confirmation.PENDING
    assert eoi.partners_confirmed == 0
    assert AuditEntry.objects.filter(action="partner.changed_after_answer").count() == 1

    # Removed from the answers: its row goes.
    save_partners(eoi, [row("New Partner", share=10)])
    assert list(eoi.partners.values_list("name", flat=True)) == ["New Partner"]


def test_shares_above_100_are_refused_with_a_message_and_the_draft_keeps_them(
    applicant_client, applicant, call
):
    draft = EOIFactory(call=call, owner=applicant)
    url = reverse("submissions:eoi_step", kwargs={"uuid": draft.uuid, "step": "budget"})
    data = {
        "version": draft.version,
        "budget_requested": "18000",
        "personnel_share": "25",
        "partners-TOTAL_FORMS": "2",
        "partners-INITIAL_FORMS": "0",
        "partners-0-name": "One",
        "partners-0-country": "ML",
        "partners-0-role": "Forums",
        "partners-0-budget_share": "70",
        "partners-1-name": "Two",
        "partners-1-country": "BF",
        "partners-1-role": "Research",
        "partners-1-budget_share": "40",
    }

    page = applicant_client.post(url, data).content.decode()

    assert "add up to 110" in page
    assert 'value="Two"' in page  # nothing typed is lost
    draft.refresh_from_db()
    assert [p["name"] for p in draft.answers["partners"]] == ["One", "Two"]
    missing = [str(item.message) for item in domain.missing_items(draft)]
    assert any("add up to 110" in message for message in missing)


def test_a_share_out_of_range_is_refused(applicant_client, applicant, call):
    draft = EOIFactory(call=call, owner=applicant)
    url = reverse("submissions:eoi_step", kwargs={"uuid": draft.uuid, "step": "budget"})
    page = applicant_client.post(
        url,
        {
            "version": draft.version,
            "partners-TOTAL_FORMS": "1",
            "partners-INITIAL_FORMS": "0",
            "partners-0-name": "One",
            "partners-0-country": "ML",
            "partners-0-role": "Forums",
            "partners-0-budget_share": "-5",
            "partners-0-email": "not an address",
        },
    ).content.decode()

    assert "At least 0" in page
    assert "Enter a valid email address." in page


# ---- Figures ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("countries", "lead", "rows", "local_share", "lead_is_local", "named"),
    [
        # No partner: the lead keeps everything, local when the lead is.
        (["ML", "BF"], "ML", [], Decimal("100.00"), True, 0),
        (["ML", "BF"], "FR", [], Decimal("0.00"), False, 0),
        # The lead's 50 % (local) and the Malian partner's 30; the French partner's 20 not.
        (["ML"], "ML", [row("A", "ML", 30), row("B", "FR", 20)], Decimal("80.00"), True, 2),
        # A lead abroad: only the partners based in a country of focus count.
        (["ML", "BF"], "NL", [row("A", "BF", 30), row("B", "FR", 20)], Decimal("30.00"), False, 2),
        # No share given: the partner receives none, the lead keeps it.
        (["ML"], "NL", [row("A", "ML")], Decimal("0.00"), False, 1),
        # No country of focus: the share is unknown, not zero.
        ([], "ML", [row("A", "ML", 30)], None, None, 1),
        # No lead country: the share still counts the partners.
        (["ML"], "", [row("A", "ML", 40)], Decimal("40.00"), None, 1),
    ],
)
def test_the_figures(countries, lead, rows, local_share, lead_is_local, named):
    answers = {"countries": countries, "organisation_country": lead, "partners": rows}
    if not lead:
        del answers["organisation_country"]

    found = balance.figures(questionnaire_2021(), answers)

    assert found == {
        "local_share": local_share,
        "lead_is_local": lead_is_local,
        "partners_named": named,
    }


def test_the_figures_follow_the_answers_as_they_are_saved(eoi):
    save_partners(eoi, [row("A", "ML", 30), row("B", "FR", 20)])
    eoi.refresh_from_db()
    assert (eoi.local_share, eoi.lead_is_local, eoi.partners_named) == (Decimal("80"), True, 2)

    domain.save_step(eoi, eoi.owner, eoi.version, {"organisation_country": "FR"})
    eoi.refresh_from_db()
    assert (eoi.local_share, eoi.lead_is_local) == (Decimal("30"), False)


# ---- Asking and answering --------------------------------------------------------------------


def asked_link(partner):
    """The link the partner was mailed (the token is nowhere else)."""
    mail = OutboundEmail.objects.get(event="partner_asked", to=partner.email)
    start = mail.body_text.index("/partners/confirm/")
    return mail.body_text[start:].split()[0]


def test_asking_mails_each_partner_with_an_address_once(eoi):
    save_partners(
        eoi,
        [row("Femmes de Mopti", share=10, email="a@example.org"), row("B", share=10)],
    )

    assert domain.ask_partners(eoi, eoi.owner) == 1
    assert domain.ask_partners(eoi, eoi.owner) == 0  # its link still works: no second mail

    mail = OutboundEmail.objects.get(event="partner_asked")
    assert mail.to == "a@example.org"
    assert mail.recipient is None
    link = asked_link(eoi.partners.get(name="Femmes de Mopti"))
    # The link carries a random token only: no address, name or reference.
    token = link.removeprefix("/partners/confirm/").rstrip("/")
    assert len(token) == 43  # 32 random bytes
    for personal in ("a@example.org", "Femmes", eoi.uuid.hex, str(eoi.uuid), "KMF21"):
        assert personal not in token
    assert partners.digest(token) == eoi.partners.get(name="Femmes de Mopti").token_hash
    assert eoi.partners.get(name="Femmes de Mopti").confirmation == Confirmation.PENDING
    assert eoi.partners.get(name="B").confirmation == Confirmation.NOT_ASKED
    assert AuditEntry.objects.filter(action="partner.asked").count() == 1


def test_the_link_shows_the_row_and_confirms_it_once(client, eoi):
    save_partners(eoi, [row("A", country="BF", share=30, email="a@example.org")])
    domain.ask_partners(eoi, eoi.owner)
    link = asked_link(eoi.partners.get())

    page = client.get(link).content.decode()
    assert "30" in page
    assert "Burkina Faso" in page
    assert "(the lead organisation keeps 70" in page
    response = client.post(link, {"answer": "confirm", "comment": "All right."})

    assert response.status_code == 200
    partner = eoi.partners.get()
    assert partner.confirmation == Confirmation.CONFIRMED
    assert partner.comment == "All right."
    assert partner.token_hash == ""
    eoi.refresh_from_db()
    assert eoi.partners_confirmed == 1
    entry = AuditEntry.objects.get(action="partner.confirmed")
    assert entry.actor is None
    assert entry.details["by_link"] is True
    # Used: the same link is a clear page, not the form.
    again = client.post(link, {"answer": "decline"})
    assert again.status_code == 404
    assert "This link no longer works" in again.content.decode()
    partner.refresh_from_db()
    assert partner.confirmation == Confirmation.CONFIRMED


def test_an_expired_or_tampered_link_is_a_clear_page(client, eoi):
    save_partners(eoi, [row("A", share=30, email="a@example.org")])
    domain.ask_partners(eoi, eoi.owner)
    link = asked_link(eoi.partners.get())

    tampered = link.rstrip("/")[:-1] + ("x" if link.rstrip("/")[-1] != "x" else "y") + "/"
    for url in (tampered, "/partners/confirm/x/", "/partners/confirm/" + "a" * 300 + "/"):
        response = client.get(url)
        assert response.status_code == 404
        assert "This link no longer works" in response.content.decode()

    Partner.objects.update(token_expires_at=timezone.now() - timedelta(seconds=1))
    response = client.post(link, {"answer": "confirm"})
    assert response.status_code == 404
    assert eoi.partners.get().confirmation == Confirmation.PENDING


def test_a_link_answers_for_its_own_partner_only(client, call, eoi):
    other = attach_budget(EOIFactory(call=call))
    save_partners(eoi, [row("A", share=30, email="a@example.org")])
    save_partners(other, [row("A", share=30, email="a@example.org")])
    domain.ask_partners(eoi, eoi.owner)
    link = asked_link(eoi.partners.get())

    client.post(link, {"answer": "decline", "comment": "Not us."})

    assert eoi.partners.get().confirmation == Confirmation.DECLINED
    assert other.partners.get().confirmation == Confirmation.NOT_ASKED


def test_a_verified_address_answers_from_its_account(client, eoi):
    save_partners(eoi, [row("A", share=30, email="Partner@Example.org")])
    partner = eoi.partners.get()
    person = ApplicantFactory(email="partner@example.org")
    stranger = ApplicantFactory()
    unverified = ApplicantFactory()
    EmailAddress.objects.create(user=unverified, email="partner@example.org", verified=False)
    url = reverse("submissions:partner_answer", args=[partner.pk])
    client.force_login(person)
    # Not asked yet: a draft's claims are the lead's until they ask.
    assert client.post(url, {"answer": "confirm"}).status_code == 404
    domain.ask_partners(eoi, eoi.owner)

    for who in (stranger, unverified, eoi.owner):
        client.force_login(who)
        assert client.post(url, {"answer": "confirm"}).status_code == 404
    client.force_login(person)
    assert "A" in client.get(reverse("submissions:my_partnerships")).content.decode()
    client.post(url, {"answer": "confirm"})

    partner.refresh_from_db()
    assert partner.confirmation == Confirmation.CONFIRMED
    assert partner.answered_by == person
    assert AuditEntry.objects.get(action="partner.confirmed").actor == person


def test_the_applicant_asks_from_the_eoi_page(client, eoi):
    save_partners(eoi, [row("A", share=30, email="a@example.org")])
    client.force_login(eoi.owner)

    page = client.get(eoi.get_absolute_url()).content.decode()
    assert "Ask the partners to confirm" in page
    client.post(reverse("submissions:ask_partners", args=[eoi.uuid]))

    assert OutboundEmail.objects.filter(event="partner_asked").count() == 1


# ---- Submitting ------------------------------------------------------------------------------

DECLARED = {"declares_accuracy": True, "declares_consent": True}


def test_submitting_asks_the_partners_not_asked_yet(eoi):
    save_partners(eoi, [row("A", share=30, email="a@example.org")])
    eoi.refresh_from_db()

    domain.submit_eoi(eoi, eoi.owner, DECLARED)

    assert OutboundEmail.objects.filter(event="partner_asked").count() == 1


def test_a_call_that_requires_confirmation_refuses_the_submission_until_then(eoi):
    eoi.call.partners_must_confirm = True
    eoi.call.save()
    save_partners(
        eoi, [row("A", share=30, email="a@example.org"), row("Without address", share=10)]
    )
    eoi.refresh_from_db()

    with pytest.raises(domain.Incomplete) as refused:
        domain.submit_eoi(eoi, eoi.owner, DECLARED)
    assert any("confirm its row" in str(item.message) for item in refused.value.missing)
    # The submit step lists it before anyone tries.
    assert any("confirm its row" in str(item.message) for item in domain.missing_items(eoi))
    assert ExpressionOfInterest.objects.get(pk=eoi.pk).status == "draft"

    domain.ask_partners(eoi, eoi.owner)
    domain.answer_partner(eoi.partners.get(name="A"), None, confirmed=True)
    eoi.refresh_from_db()
    submitted = domain.submit_eoi(eoi, eoi.owner, DECLARED)

    assert submitted.status == "submitted"


def test_the_lead_keeps_what_the_partners_do_not_receive(eoi):
    save_partners(eoi, [row("A", "ML", 30)])
    eoi.refresh_from_db()
    figures = eoi_answers.columns(eoi_answers.answered(eoi), eoi.answers)
    assert figures["local_share"] == Decimal("100.00")
    assert partners.lead_share(eoi.partners.all()) == Decimal("70")


# ---- Privacy ---------------------------------------------------------------------------------


def test_the_data_downloads_hold_the_partners_and_the_answers_given(client, eoi):
    save_partners(eoi, [row("Femmes de Mopti", share=30, email="partner@example.org")])
    person = ApplicantFactory(email="partner@example.org")
    domain.answer_partner(eoi.partners.get(), person, confirmed=True, comment="Yes.")

    client.force_login(eoi.owner)
    lead = client.get(reverse("accounts:data_export")).json()
    client.force_login(person)
    answered = client.get(reverse("accounts:data_export")).json()

    (kept,) = lead["expressions_of_interest"][0]["partners"]
    assert kept["name"] == "Femmes de Mopti"
    assert kept["confirmation"] == "confirmed"
    assert kept["email"] == "partner@example.org"
    (mine,) = answered["partnerships_answered"]
    assert (mine["name"], mine["comment"]) == ("Femmes de Mopti", "Yes.")
    assert answered["expressions_of_interest"] == []


def test_a_partner_with_an_account_finds_its_rows_from_its_applications(client, eoi):
    save_partners(eoi, [row("Femmes de Mopti", share=30, email="partner@example.org")])
    domain.ask_partners(eoi, eoi.owner)
    person = ApplicantFactory(email="partner@example.org")
    client.force_login(person)

    page = client.get(reverse("submissions:dashboard")).content.decode()

    assert reverse("submissions:my_partnerships") in page
    client.force_login(ApplicantFactory())
    assert (
        reverse("submissions:my_partnerships")
        not in client.get(reverse("submissions:dashboard")).content.decode()
    )


def test_the_partners_forms_carry_their_csrf_token(eoi):
    save_partners(eoi, [row("Femmes de Mopti", share=30, email="partner@example.org")])
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(eoi.owner)
    page = browser.get(eoi.get_absolute_url()).content.decode()
    ask = reverse("submissions:ask_partners", args=[eoi.uuid])

    assert browser.post(ask).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    browser.post(ask, {"csrfmiddlewaretoken": token})
    link = asked_link(eoi.partners.get())

    stranger = Client(enforce_csrf_checks=True)
    form = stranger.get(link).content.decode()
    assert stranger.post(link, {"answer": "confirm"}).status_code == 403
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    stranger.post(link, {"answer": "confirm", "csrfmiddlewaretoken": token})
    assert eoi.partners.get().confirmation == Confirmation.CONFIRMED


def test_the_lead_does_not_confirm_a_partner_for_it(client, eoi):
    """A lead who gives their own address as a partner's would confirm what they said
    themselves: no link goes to it, and their account cannot answer for it. A co-applicant
    (invited at the partner's address, accepted with it) answers for their own row."""
    from submissions import coapplicants

    colleague = ApplicantFactory(email="colleague@example.org")
    coapplicants.accept(coapplicants.invite(eoi, eoi.owner, colleague.email, []), colleague)
    EmailAddress.objects.create(user=eoi.owner, email="second@example.org", verified=True)
    save_partners(
        eoi,
        [
            row("Mine", share=10, email=eoi.owner.email.upper()),
            row("Also mine", share=10, email="second@example.org"),
            row("Theirs", share=10, email="colleague@example.org"),
        ],
    )

    assert domain.ask_partners(eoi, eoi.owner) == 1
    assert list(
        OutboundEmail.objects.filter(event="partner_asked").values_list("to", flat=True)
    ) == ["colleague@example.org"]
    Partner.objects.filter(eoi=eoi).update(confirmation=Confirmation.PENDING)  # as if asked
    client.force_login(eoi.owner)
    for name in ("Mine", "Also mine"):
        partner = eoi.partners.get(name=name)
        url = reverse("submissions:partner_answer", args=[partner.pk])
        assert client.post(url, {"answer": "confirm"}).status_code == 404
        with pytest.raises(domain.NotAllowed):
            domain.answer_partner(partner, eoi.owner, confirmed=True)
        partner.refresh_from_db()
        assert partner.confirmation == Confirmation.PENDING
    client.force_login(colleague)
    theirs = eoi.partners.get(name="Theirs")
    client.post(reverse("submissions:partner_answer", args=[theirs.pk]), {"answer": "confirm"})
    eoi.refresh_from_db()
    assert eoi.partners_confirmed == 1


def test_a_withdrawn_applications_link_confirms_nothing(client, eoi):
    save_partners(eoi, [row("A", share=10, email="a@example.org")])
    domain.ask_partners(eoi, eoi.owner)
    link = asked_link(eoi.partners.get())
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
        status=ExpressionOfInterest.Status.WITHDRAWN
    )

    assert client.get(link).status_code == 404
    client.post(link, {"answer": "confirm"})

    assert eoi.partners.get().confirmation == Confirmation.PENDING


def test_after_submitting_a_change_to_what_a_partner_confirmed_asks_it_again_at_once(eoi):
    save_partners(eoi, [row("A", share=30, email="a@example.org")])
    domain.answer_partner(eoi.partners.get(), None, confirmed=True)
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(
        status=ExpressionOfInterest.Status.SUBMITTED, reference="KMF21-0001"
    )

    # Named to reviewers now, though it confirmed a page that said it would not be.
    save_partners(eoi, [{**row("A", share=30, email="a@example.org"), "not_named": True}])
    assert eoi.partners.get().confirmation == Confirmation.PENDING
    save_partners(eoi, [row("A", share=55, email="a@example.org")])

    partner = eoi.partners.get()
    assert partner.confirmation == Confirmation.PENDING
    assert partner.token_hash  # a new link, mailed
    assert OutboundEmail.objects.filter(event="partner_asked", to="a@example.org").count() == 1
