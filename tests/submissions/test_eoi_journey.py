"""An applicant's whole journey with the Django test client: start, fill in, submit, change."""

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEntry
from submissions.models import ExpressionOfInterest
from tests.files import budget_pdf

pytestmark = pytest.mark.django_db

Status = ExpressionOfInterest.Status


def step_url(eoi, step):
    return reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": step})


def post_step(client, eoi, step, data, go="next"):
    eoi.refresh_from_db()
    return client.post(step_url(eoi, step), {"version": eoi.version, "go": go, **data})


def fill_in_everything(client, eoi, call):
    responses = [
        post_step(
            client,
            eoi,
            "organisation",
            {
                "organisation_name": "Réseau Justice Locale",
                "organisation_type": "local_cso",
                "organisation_country": "ML",
                "organisation_website": "https://rjl.example.org",
            },
        ),
        post_step(
            client,
            eoi,
            "project",
            {
                "title": "Community justice forums in Mopti",
                "summary": "Forums decide which disputes matter.",
                "problem_context": "Donor priorities crowd out local ones.",
                "activities_timeline": "Months 1-3 forums; 4-9 exchanges.",
                "outcomes_uptake": "A playbook for donors.",
                "countries": ["ML", "BF"],
                "duration_months": "9",
            },
        ),
        post_step(
            client,
            eoi,
            "challenges",
            {
                # Challenges are chosen by their number in the call.
                "challenges": ["2", "3"],
                "asymmetry": "Budget decisions move to the forums.",
            },
        ),
        post_step(
            client,
            eoi,
            "budget",
            {
                "budget_requested": "18000",
                "personnel_share": "25",
                "partners-TOTAL_FORMS": "1",
                "partners-INITIAL_FORMS": "0",
                "partners-0-name": "Association des Femmes de Mopti",
                "partners-0-country": "ML",
                "partners-0-role": "Hosts the forums",
                "partners-0-locally_led": "on",
            },
        ),
        client.post(step_url(eoi, "attachments"), {"budget": budget_pdf(), "go": "next"}),
    ]
    return responses


def test_an_applicant_starts_fills_in_and_submits_an_eoi(
    applicant_client, applicant, call, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://grants.example.org"
    response = applicant_client.post(reverse("submissions:apply", args=[call.slug]))
    eoi = ExpressionOfInterest.objects.get(owner=applicant)
    assert response["Location"] == step_url(eoi, "organisation")
    assert eoi.status == Status.DRAFT
    assert eoi.organisation_name == applicant.organisation

    responses = fill_in_everything(applicant_client, eoi, call)
    steps = ["project", "challenges", "budget", "attachments", "submit"]
    assert [r["Location"] for r in responses] == [step_url(eoi, s) for s in steps]

    review = applicant_client.get(step_url(eoi, "submit"))
    assert "Before you can submit" not in review.content.decode()
    assert "Association des Femmes de Mopti" in review.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = applicant_client.post(
            step_url(eoi, "submit"), {"declares_accuracy": "on", "declares_consent": "on"}
        )

    eoi.refresh_from_db()
    assert response["Location"] == reverse("submissions:eoi_receipt", args=[eoi.uuid])
    assert eoi.status == Status.SUBMITTED
    assert eoi.reference == "KMF21-0001"
    assert eoi.submitted_at is not None
    assert [country.code for country in eoi.countries] == ["BF", "ML"]
    assert [c.number for c in eoi.challenges.all()] == [2, 3]
    assert eoi.answers["partners"] == [
        {
            "name": "Association des Femmes de Mopti",
            "country": "ML",
            "role": "Hosts the forums",
            "budget_share": None,
            "locally_led": True,
            "email": None,
            "not_named": False,
        }
    ]
    assert eoi.attachments.get().original_name == "budget.pdf"

    receipt = applicant_client.get(response["Location"]).content.decode()
    assert "KMF21-0001" in receipt

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [applicant.email]
    assert "KMF21-0001" in mail.outbox[0].subject
    assert "Community justice forums in Mopti" in mail.outbox[0].body
    assert "Budget decisions move to the forums." in mail.outbox[0].body
    # Links start where the deployment says visitors reach the site.
    assert f"https://grants.example.org{eoi.get_absolute_url()}" in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="eoi.submitted", object_id=str(eoi.pk)).exists()


def test_starting_again_resumes_the_same_draft(applicant_client, applicant, call):
    apply_url = reverse("submissions:apply", args=[call.slug])
    applicant_client.post(apply_url)
    applicant_client.post(apply_url)

    assert ExpressionOfInterest.objects.filter(owner=applicant).count() == 1


def test_moving_back_and_forth_loses_nothing(applicant_client, applicant, call):
    applicant_client.post(reverse("submissions:apply", args=[call.slug]))
    eoi = ExpressionOfInterest.objects.get(owner=applicant)

    post_step(
        applicant_client,
        eoi,
        "project",
        {"title": "Forums", "summary": "Half a thought"},
        go="back",
    )
    page = applicant_client.get(step_url(eoi, "project")).content.decode()

    assert 'value="Forums"' in page
    assert "Half a thought</textarea>" in page


def test_a_submitted_eoi_can_be_edited_until_the_deadline_on_the_record(
    applicant_client, applicant, call
):
    applicant_client.post(reverse("submissions:apply", args=[call.slug]))
    eoi = ExpressionOfInterest.objects.get(owner=applicant)
    fill_in_everything(applicant_client, eoi, call)
    applicant_client.post(
        step_url(eoi, "submit"), {"declares_accuracy": "on", "declares_consent": "on"}
    )

    eoi.refresh_from_db()
    data = {
        "title": "Community justice forums in Mopti and Ségou",
        "summary": eoi.answers.get("summary", ""),
        "problem_context": eoi.answers.get("problem_context", ""),
        "activities_timeline": eoi.answers.get("activities_timeline", ""),
        "outcomes_uptake": eoi.answers.get("outcomes_uptake", ""),
        "countries": ["ML"],
        "duration_months": "9",
    }
    response = post_step(applicant_client, eoi, "project", data)

    eoi.refresh_from_db()
    assert response.status_code == 302
    assert eoi.status == Status.SUBMITTED
    assert eoi.reference == "KMF21-0001"
    assert eoi.title.endswith("Ségou")
    entry = AuditEntry.objects.get(action="eoi.edited_after_submission")
    assert entry.actor == applicant
    assert "title" in entry.details["fields"]


def test_a_submitted_eoi_cannot_lose_a_required_answer(applicant_client, call):
    from tests.factories import EOIFactory

    eoi = EOIFactory(call=call)
    eoi.status = Status.SUBMITTED
    eoi.save()
    applicant_client.force_login(eoi.owner)

    response = post_step(applicant_client, eoi, "organisation", {"organisation_name": ""})

    eoi.refresh_from_db()
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert eoi.organisation_name == "Réseau Justice Locale"


def test_withdrawing_asks_first_and_goes_on_the_record(applicant_client, applicant, call):
    from tests.factories import EOIFactory

    eoi = EOIFactory(call=call, owner=applicant)
    withdraw_url = reverse("submissions:eoi_withdraw", args=[eoi.uuid])

    confirmation = applicant_client.get(withdraw_url)
    assert "Withdraw your expression of interest?" in confirmation.content.decode()
    eoi.refresh_from_db()
    assert eoi.status == Status.DRAFT

    applicant_client.post(withdraw_url)

    eoi.refresh_from_db()
    assert eoi.status == Status.WITHDRAWN
    assert AuditEntry.objects.filter(action="eoi.withdrawn", object_id=str(eoi.pk)).exists()
    assert applicant_client.get(withdraw_url).status_code == 404


def test_the_dashboard_lists_my_eois_with_status_reference_and_time_left(
    applicant_client, applicant, call
):
    from tests.factories import EOIFactory

    EOIFactory(
        call=call,
        owner=applicant,
        title="My forums",
        status=Status.SUBMITTED,
        reference="KMF21-0007",
    )
    EOIFactory(call=call, title="Somebody else's")

    page = applicant_client.get(reverse("submissions:dashboard")).content.decode()

    assert "My forums" in page
    assert "KMF21-0007" in page
    assert "Submitted" in page
    assert " left" in page
    assert "Somebody else" not in page


def test_the_dashboard_keeps_a_constant_number_of_queries(
    applicant_client, applicant, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import EOIFactory

    EOIFactory(owner=applicant)
    url = reverse("submissions:dashboard")
    applicant_client.get(url)
    with CaptureQueriesContext(connection) as first:
        applicant_client.get(url)

    EOIFactory.create_batch(4, owner=applicant)
    with django_assert_num_queries(len(first.captured_queries)):
        applicant_client.get(url)


def test_the_dashboard_lists_the_eois_i_lead_and_those_i_co_apply_to_and_no_other(
    applicant_client, applicant, call
):
    from django.utils import timezone

    from submissions.models import CoApplicant
    from tests.factories import EOIFactory

    EOIFactory(call=call, owner=applicant, title="Forums I lead")
    theirs = EOIFactory(call=call, title="Forums I co-apply to")
    CoApplicant.objects.create(
        eoi=theirs,
        email=applicant.email,
        user=applicant,
        accepted_at=timezone.now(),
        token_hash="a" * 64,
    )
    revoked = EOIFactory(call=call, title="Forums I left")
    CoApplicant.objects.create(
        eoi=revoked,
        email=applicant.email,
        user=applicant,
        accepted_at=timezone.now(),
        revoked_at=timezone.now(),
        token_hash="b" * 64,
    )
    EOIFactory(call=call, title="Somebody else's")

    page = applicant_client.get(reverse("submissions:dashboard")).content.decode()

    assert "Forums I lead" in page
    assert "Forums I co-apply to" in page
    assert "Forums I left" not in page
    assert "Somebody else" not in page


@pytest.mark.needs_postgres
def test_the_dashboard_finds_an_applicants_eois_through_indexes_not_by_reading_every_eoi(
    applicant, call
):
    """Looking up "owner, or an active co-applicant" in one WHERE made PostgreSQL read every
    EOI of every call for each applicant's dashboard (98 ms at 50,000 EOIs): the plan must look
    the applicant's EOIs up by their owner, whatever the table's size."""
    from django.db import connection

    from submissions.selectors import applicant_eois
    from tests.factories import EOIFactory

    EOIFactory.create_batch(3, call=call)
    EOIFactory(call=call, owner=applicant)
    sql, params = applicant_eois(applicant).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    # The applicant's own EOIs by the owner's index; before, every EOI of each call was read
    # and filtered on "owner or co-applicant".
    assert "Index Cond: (owner_id = " in plan, plan


def test_a_second_withdrawal_of_the_same_eoi_is_told_not_an_error(
    applicant_client, applicant, call
):
    from submissions import domain
    from tests.factories import EOIFactory

    eoi = EOIFactory(call=call, owner=applicant)
    confirmation = reverse("submissions:eoi_withdraw", args=[eoi.uuid])
    applicant_client.get(confirmation)
    domain.withdraw_eoi(eoi, applicant)  # the other tab was quicker

    with pytest.MonkeyPatch.context() as patch:
        # The permission was checked before the other tab's withdrawal landed.
        patch.setattr("rules.has_perm", lambda *a: True)  # as core.permissions.can asks
        response = applicant_client.post(confirmation, follow=True)

    assert response.status_code == 200
    assert "can no longer be withdrawn" in response.content.decode()
