"""Validation of the EOI steps: what is refused, with which message, and what is kept."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from submissions import domain
from submissions.models import ExpressionOfInterest
from tests.factories import EOIFactory, partners_of
from tests.files import attach_budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(call, applicant):
    return ExpressionOfInterest.objects.create(call=call, owner=applicant)


def post_step(client, eoi, step, data, go="stay"):
    eoi.refresh_from_db()
    url = reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": step})
    return client.post(url, {"version": eoi.version, "go": go, **data})


def test_word_limits_are_enforced_on_the_server_and_the_text_is_kept(applicant_client, draft):
    too_long = " ".join(["word"] * 201)

    response = post_step(
        applicant_client, draft, "project", {"title": "Forums", "summary": too_long}
    )

    draft.refresh_from_db()
    page = response.content.decode()
    assert response.status_code == 200
    assert "At most 200 words, please: this text has 201." in page
    assert too_long in page
    assert draft.answers.get("summary", "") == ""
    assert draft.title == "Forums"  # what was valid is saved


def test_the_form_shows_each_word_limit(applicant_client, draft):
    url = reverse("submissions:eoi_step", kwargs={"uuid": draft.uuid, "step": "project"})

    page = applicant_client.get(url).content.decode()

    for limit in (200, 400, 300):
        assert f'data-word-limit="{limit}"' in page
        assert f"At most {limit} words." in page


def test_the_budget_may_not_exceed_the_calls_maximum(applicant_client, draft):
    response = post_step(
        applicant_client, draft, "budget", {"budget_requested": "20000.01", **no_partners()}
    )

    assert "This call funds at most €20,000." in response.content.decode()
    draft.refresh_from_db()
    assert draft.budget_requested is None


def test_personnel_costs_are_capped_at_30_percent(applicant_client, draft):
    response = post_step(
        applicant_client, draft, "budget", {"personnel_share": "31", **no_partners()}
    )

    # The rule with its unit, not Django's "Ensure this value is less than or equal to 30."
    assert "At most 30\u00a0%, please." in response.content.decode()


def test_a_number_field_says_what_it_wants_with_its_unit(applicant_client, applicant, draft):
    applicant.preferred_language = "fr"
    applicant.save()

    page = post_step(
        applicant_client,
        draft,
        "budget",
        {"personnel_share": "about a third", "budget_requested": "0", **no_partners()},
    ).content.decode()

    assert "Saisissez un pourcentage en chiffres, par exemple 25." in page
    assert "Au moins 1\u00a0€, s’il vous plaît." in page
    assert "Saisissez un nombre." not in page  # Django's own


def test_the_duration_may_not_exceed_the_calls_maximum(applicant_client, draft):
    response = post_step(applicant_client, draft, "project", {"duration_months": "10"})

    assert "Projects last at most 9 months in this call." in response.content.decode()


def test_a_partner_row_needs_its_name_country_and_role(applicant_client, draft):
    data = {
        **no_partners(total=1),
        "partners-0-name": "Half a partner",
        "budget_requested": "1000",
    }

    response = post_step(applicant_client, draft, "budget", data, go="next")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Half a partner" in page
    # Country and role: under each field, and again in the summary at the top with a link.
    assert page.count("This field is required.") == 4
    assert 'href="#id_partners-0-country">Partners · 1: Country</a>' in page
    # Kept as typed, like the step's other answers; the check before submitting names the rest.
    assert partners_of(draft) == [{"name": "Half a partner", **UNTYPED, "locally_led": False}]
    missing = [str(item.message) for item in domain.missing_items(draft)]
    assert "Partners, row 1, Country: This field is required." in missing
    draft.refresh_from_db()
    assert draft.budget_requested == Decimal("1000")


def test_a_partner_row_typed_halfway_is_autosaved_on_a_draft_and_finished_later(
    applicant_client, draft
):
    autosave = reverse("submissions:eoi_autosave", kwargs={"uuid": draft.uuid, "step": "budget"})
    typed = {**no_partners(total=1), "partners-0-name": "Association des Femmes de Mopti"}

    body = applicant_client.post(autosave, {"version": draft.version, **typed}).json()

    assert partners_of(draft) == [
        {"name": "Association des Femmes de Mopti", **UNTYPED, "locally_led": False}
    ]
    assert body["errors"]["partners"]  # and the page says what the row still needs
    step = reverse("submissions:eoi_step", kwargs={"uuid": draft.uuid, "step": "budget"})
    assert 'value="Association des Femmes de Mopti"' in applicant_client.get(step).content.decode()

    draft.refresh_from_db()
    finished = {
        "partners-TOTAL_FORMS": "1",
        "partners-INITIAL_FORMS": "1",
        "partners-0-name": "Association des Femmes de Mopti",
        "partners-0-country": "ML",
        "partners-0-role": "Hosts the forums",
    }
    applicant_client.post(autosave, {"version": draft.version, **finished})
    assert partners_of(draft) == [
        {
            "name": "Association des Femmes de Mopti",
            "country": "ML",
            "role": "Hosts the forums",
            **UNTYPED,
            "locally_led": False,
        }
    ]
    assert not [item for item in domain.missing_items(draft) if "Partners" in str(item.message)]


def test_a_submitted_eoi_keeps_its_partner_rows_until_the_new_one_is_complete(
    applicant_client, applicant
):
    eoi = EOIFactory(owner=applicant, status=ExpressionOfInterest.Status.SUBMITTED)
    before = partners_of(eoi)
    autosave = reverse("submissions:eoi_autosave", kwargs={"uuid": eoi.uuid, "step": "budget"})
    half = {
        "partners-TOTAL_FORMS": str(len(before) + 1),
        "partners-INITIAL_FORMS": str(len(before)),
        **{
            f"partners-{number}-{key}": value
            for number, row in enumerate(before)
            for key, value in row.items()
            if key != "locally_led"
        },
        f"partners-{len(before)}-name": "Half a partner",
    }

    applicant_client.post(autosave, {"version": eoi.version, **half})

    assert partners_of(eoi) == before  # a submitted EOI stays complete


def test_the_final_step_lists_every_missing_item_with_a_link_to_its_step(applicant_client, draft):
    url = reverse("submissions:eoi_step", kwargs={"uuid": draft.uuid, "step": "submit"})

    page = applicant_client.get(url).content.decode()

    for step, item in [
        ("organisation", "Type of organisation"),
        ("project", "Project title"),
        ("challenges", "Challenges addressed"),
        ("budget", "Budget requested (€)"),
        ("attachments", "Budget on the KMF template"),
    ]:
        link = reverse("submissions:eoi_step", kwargs={"uuid": draft.uuid, "step": step})
        assert f'<a href="{link}">{item}</a>' in page


def test_submitting_an_incomplete_eoi_is_refused_and_lists_what_is_missing(applicant_client, draft):
    url = reverse("submissions:eoi_step", kwargs={"uuid": draft.uuid, "step": "submit"})

    response = applicant_client.post(url, {"declares_accuracy": "on", "declares_consent": "on"})

    draft.refresh_from_db()
    assert draft.status == ExpressionOfInterest.Status.DRAFT
    assert draft.reference is None
    assert "Some answers are still missing." in response.content.decode()


def test_at_least_one_challenge_and_both_declarations_are_needed(applicant):
    eoi = EOIFactory(owner=applicant, challenges=[])
    attach_budget(eoi)

    with pytest.raises(domain.Incomplete) as refusal:
        domain.submit_eoi(eoi, applicant, {"declares_accuracy": True, "declares_consent": False})

    assert [str(item.message) for item in refusal.value.missing] == [
        "Challenges addressed",
        "Both declarations",
    ]


def test_two_tabs_never_silently_overwrite_each_other(applicant_client, draft):
    stale_version = draft.version
    post_step(applicant_client, draft, "project", {"title": "Saved in the first tab"})

    url = reverse("submissions:eoi_step", kwargs={"uuid": draft.uuid, "step": "project"})
    response = applicant_client.post(
        url, {"version": stale_version, "title": "Typed in the second tab", "go": "stay"}
    )

    draft.refresh_from_db()
    page = response.content.decode()
    assert draft.title == "Saved in the first tab"
    assert "changed in another tab or window" in page
    assert 'value="Typed in the second tab"' in page


def test_autosave_saves_answers_and_reports_the_new_version(applicant_client, draft):
    url = reverse("submissions:eoi_autosave", kwargs={"uuid": draft.uuid, "step": "project"})

    response = applicant_client.post(url, {"version": draft.version, "summary": "Typing…"})

    draft.refresh_from_db()
    body = response.json()
    assert response.status_code == 200
    assert draft.answers.get("summary", "") == "Typing…"
    assert body["version"] == draft.version
    assert body["message"].startswith("Saved at ")
    assert body["errors"] == {}


def test_autosave_reports_a_conflict_and_invalid_answers(applicant_client, draft):
    url = reverse("submissions:eoi_autosave", kwargs={"uuid": draft.uuid, "step": "project"})
    applicant_client.post(url, {"version": draft.version, "summary": "First"})

    conflict = applicant_client.post(url, {"version": draft.version, "summary": "Second"})
    assert conflict.status_code == 409
    assert "another tab or window" in conflict.json()["error"]

    draft.refresh_from_db()
    invalid = applicant_client.post(url, {"version": draft.version, "duration_months": "forty"})
    assert invalid.json()["errors"] == {
        "duration_months": ["Enter a whole number of months, such as 9."]
    }


# The partner columns a row keeps untyped: its share of the budget, its address, "not named".
UNTYPED = {"budget_share": None, "email": None, "not_named": False}


def no_partners(total=0):
    return {"partners-TOTAL_FORMS": str(total), "partners-INITIAL_FORMS": "0"}


def test_an_invalid_budget_with_a_new_partner_saves_once_and_autosave_goes_on(
    applicant_client, draft
):
    data = {
        **no_partners(total=1),
        "partners-0-name": "Association des Femmes de Mopti",
        "partners-0-country": "ML",
        "partners-0-role": "Hosts the forums",
        "budget_requested": "99999",
    }
    response = post_step(applicant_client, draft, "budget", data)
    page_version = int(re.search(r'name="version" value="(\d+)"', response.content.decode())[1])

    draft.refresh_from_db()
    assert len(partners_of(draft)) == 1
    assert page_version == draft.version

    autosave = reverse("submissions:eoi_autosave", kwargs={"uuid": draft.uuid, "step": "budget"})
    follow_up = applicant_client.post(
        autosave, {"version": page_version, "budget_requested": "15000"}
    )
    assert follow_up.status_code == 200


def test_autosave_says_when_an_answer_could_not_be_saved(applicant_client, draft):
    url = reverse("submissions:eoi_autosave", kwargs={"uuid": draft.uuid, "step": "project"})

    body = applicant_client.post(
        url, {"version": draft.version, "summary": " ".join(["word"] * 201)}
    ).json()

    assert body["message"].startswith("Not saved yet: Summary: At most 200 words")


def test_edits_after_submitting_record_only_what_changed_and_nothing_when_nothing_did(
    applicant_client, applicant
):
    from audit.models import AuditEntry

    eoi = EOIFactory(owner=applicant, status=ExpressionOfInterest.Status.SUBMITTED)
    url = reverse("submissions:eoi_autosave", kwargs={"uuid": eoi.uuid, "step": "organisation"})
    answers = {
        "organisation_name": eoi.organisation_name,
        "organisation_type": eoi.organisation_type,
        "organisation_country": "ML",
        "organisation_website": "",
    }

    for _ in range(3):
        applicant_client.post(url, {"version": eoi.version, **answers})
    eoi.refresh_from_db()
    assert eoi.version == 1
    assert not AuditEntry.objects.exists()

    applicant_client.post(url, {"version": eoi.version, **answers, "organisation_name": "RJL"})
    assert AuditEntry.objects.get().details == {"fields": ["organisation_name"]}


def test_editing_one_stored_partner_row_keeps_the_others(applicant_client, draft):
    autosave = reverse("submissions:eoi_autosave", kwargs={"uuid": draft.uuid, "step": "budget"})
    first = {"name": "Femmes de Mopti", "country": "ML", "role": "Hosts the forums"}
    second = {"name": "Clinique juridique", "country": "NE", "role": "Legal aid"}
    stored = {
        "partners-TOTAL_FORMS": "2",
        "partners-INITIAL_FORMS": "0",
        **{f"partners-0-{key}": value for key, value in first.items()},
        **{f"partners-1-{key}": value for key, value in second.items()},
    }
    applicant_client.post(autosave, {"version": draft.version, **stored})
    assert [row["name"] for row in partners_of(draft)] == [first["name"], second["name"]]

    # The page as it comes back: both rows stored; only the second one's role is edited.
    edited = {**stored, "partners-INITIAL_FORMS": "2", "partners-1-role": "Legal aid in Niamey"}
    draft.refresh_from_db()
    applicant_client.post(autosave, {"version": draft.version, **edited})
    assert [(row["name"], row["role"]) for row in partners_of(draft)] == [
        ("Femmes de Mopti", "Hosts the forums"),
        ("Clinique juridique", "Legal aid in Niamey"),
    ]

    # Half-cleared on a draft: the untouched first row stays whole.
    cleared = {**edited, "partners-1-country": ""}
    draft.refresh_from_db()
    applicant_client.post(autosave, {"version": draft.version, **cleared})
    assert [row.get("country") for row in partners_of(draft)] == ["ML", None]

    # Emptied and deleted rows go.
    deleted = {**cleared, "partners-1-DELETE": "on"}
    draft.refresh_from_db()
    applicant_client.post(autosave, {"version": draft.version, **deleted})
    assert [row["name"] for row in partners_of(draft)] == ["Femmes de Mopti"]
