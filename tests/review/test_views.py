"""The review pages: who sees what (a 404 for anyone else), the forms, the list and the export."""

import csv
import io
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from review import domain
from review.models import Conflict, Review
from review.selectors import intake_key
from submissions import answers
from tests.factories import ApplicantFactory, add_partner
from tests.files import attach_budget

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(rubric_call, make_eoi, make_reviewer, secretariat):
    eoi = make_eoi(title="Forums in Mopti", organisation_name="Réseau Justice Locale")
    # The budget file came with the submission, before the review began.
    eoi.status = "draft"
    eoi.save()
    attach_budget(eoi)
    eoi.status = "under_review"
    eoi.save()
    assigned, unassigned, conflicted = make_reviewer(), make_reviewer(), make_reviewer()
    (assignment,) = domain.assign([eoi], assigned, secretariat)
    domain.declare_no_conflict(assignment, assigned)
    (conflict_assignment,) = domain.assign([eoi], conflicted, secretariat)
    domain.declare_conflict(conflict_assignment, "Former employer", conflicted)
    return {
        "eoi": eoi,
        "call": rubric_call,
        "anonymous": None,
        "applicant": eoi.owner,
        "other applicant": ApplicantFactory(),
        "reviewer assigned": assigned,
        "reviewer unassigned": unassigned,
        "reviewer with a conflict": conflicted,
        "secretariat": secretariat,
    }


def pages(world):
    eoi, call = world["eoi"], world["call"]
    attachment = eoi.attachments.get()
    return {
        "my reviews": reverse("review:assignments"),
        "review form": reverse("review:review_eoi", args=[eoi.uuid]),
        "conflict form": reverse("review:declare_conflict", args=[eoi.uuid]),
        "eoi list": reverse("review:eoi_list", args=[call.slug]),
        "secretariat eoi": reverse("review:secretariat_eoi", args=[eoi.uuid]),
        "attachment": reverse("submissions:attachment", args=[eoi.uuid, attachment.pk]),
    }


EXPECTED = {
    # role:                      my reviews, review form, conflict, list, secretariat eoi, file
    "anonymous": (302, 302, 302, 302, 302, 302),
    "applicant": (200, 404, 404, 404, 404, 200),
    "other applicant": (200, 404, 404, 404, 404, 404),
    "reviewer assigned": (200, 200, 200, 404, 404, 200),
    "reviewer unassigned": (200, 404, 404, 404, 404, 404),
    "reviewer with a conflict": (200, 404, 404, 404, 404, 404),
    "secretariat": (200, 404, 404, 200, 200, 200),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_permission_matrix(client, world, role):
    if world[role]:
        client.force_login(world[role])

    statuses = tuple(client.get(url).status_code for url in pages(world).values())

    assert statuses == EXPECTED[role]


def test_applicants_never_see_reviews_or_reviewer_names(client, world):
    reviewer = world["reviewer assigned"]
    Review.objects.create(eoi=world["eoi"], reviewer=reviewer, internal_comment="Weak budget")
    client.force_login(world["applicant"])

    page = client.get(world["eoi"].get_absolute_url()).content.decode()

    assert reviewer.name not in page
    assert "Weak budget" not in page


def test_a_reviewer_scores_sees_the_running_total_and_submits(client, world):
    eoi, reviewer = world["eoi"], world["reviewer assigned"]
    relevance, feasibility = world["call"].rubric
    client.force_login(reviewer)
    url = reverse("review:review_eoi", args=[eoi.uuid])

    page = client.get(url).content.decode()
    assert 'data-weight="60"' in page
    assert "Forums in Mopti" in page

    response = client.post(
        url,
        {
            f"score_{relevance.pk}": "4",
            f"score_{feasibility.pk}": "5",
            f"comment_{relevance.pk}": "Clear link to challenge 3",
            "recommendation": "invite",
            "internal_comment": "Strong",
            "applicant_feedback": "Well argued.",
            "submit": "",
        },
    )

    review = Review.objects.get(reviewer=reviewer)
    assert response.status_code == 302
    assert review.status == Review.Status.SUBMITTED
    assert float(review.total) == 85  # 60·3/4 + 40·4/4
    assert review.scores.get(criterion=relevance).comment == "Clear link to challenge 3"


def test_blind_review_hides_names(client, world):
    call = world["call"]
    call.blind_review = True
    call.save()
    eoi = world["eoi"]
    add_partner(eoi, name="Association des Femmes", country="ML", role="Hosts")
    client.force_login(world["reviewer assigned"])

    page = client.get(reverse("review:review_eoi", args=[eoi.uuid])).content.decode()

    assert "Réseau Justice Locale" not in page
    assert "Association des Femmes" not in page
    assert eoi.owner.name not in page
    assert eoi.owner.email not in page
    assert "Forums in Mopti" not in page.split("<main")[0]  # not even in the title


def test_declaring_a_conflict_through_the_page(client, world):
    eoi, reviewer = world["eoi"], world["reviewer assigned"]
    client.force_login(reviewer)

    client.post(
        reverse("review:declare_conflict", args=[eoi.uuid]),
        {"reason": "My sister leads it", "declaration": "conflict"},
    )

    assert Conflict.objects.filter(eoi=eoi, reviewer=reviewer).exists()
    assert client.get(reverse("review:review_eoi", args=[eoi.uuid])).status_code == 404


def test_the_eoi_list_keeps_a_constant_number_of_queries(
    client, world, make_eoi, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["secretariat"])
    url = reverse("review:eoi_list", args=[world["call"].slug])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)

    for _ in range(49):
        make_eoi()
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count('name="eoi"') == 50


def test_filters_and_sorting(client, world, make_eoi):
    make_eoi(title="Radio dramas on police accountability")
    client.force_login(world["secretariat"])
    url = reverse("review:eoi_list", args=[world["call"].slug])

    page = client.get(url, {"q": "radio"}).content.decode()
    assert "Radio dramas" in page
    assert "Forums in Mopti" not in page

    page = client.get(url, {"unassigned": "on"}).content.decode()
    assert "Radio dramas" in page
    assert "Forums in Mopti" not in page

    page = client.get(url, {"reviewer": world["reviewer assigned"].pk}).content.decode()
    assert "Forums in Mopti" in page
    assert "Radio dramas" not in page


def test_the_csv_export_holds_figures_and_defuses_formulas(client, world, make_eoi):
    formula = make_eoi(title='=HYPERLINK("http://evil.example","click")')
    client.force_login(world["secretariat"])

    response = client.post(
        reverse("review:bulk_action", args=[world["call"].slug]),
        {"action": "export", "eoi": [world["eoi"].uuid, formula.uuid]},
    )

    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert response["Content-Type"].startswith("text/csv")
    # A column per question of the call's questionnaire (files aside), then the figures.
    asked = [q.label.en for q in answers.asked(world["call"]).questions if not q.is_file]
    assert rows[0][: 3 + len(asked)] == ["reference", "status", "stage", *asked]
    assert rows[0][-2:] == ["mean: Relevance", "mean: Feasibility"]
    title = rows[0].index("Project title")
    titles = {row[0]: row[title] for row in rows[1:]}
    assert titles[world["eoi"].reference] == "Forums in Mopti"
    assert titles[formula.reference] == '\'=HYPERLINK("http://evil.example","click")'


def test_bulk_assignment_and_release_from_the_list(client, world, make_eoi, after_the_deadline):
    from review.models import Decision

    other = make_eoi()
    client.force_login(world["secretariat"])
    url = reverse("review:bulk_action", args=[world["call"].slug])

    client.post(
        url,
        {
            "action": "assign",
            "confirmed": "yes",
            "eoi": [other.uuid],
            "reviewer": world["reviewer unassigned"].pk,
        },
    )
    assert other.assignments.get().reviewer == world["reviewer unassigned"]

    client.post(
        reverse("review:secretariat_eoi", args=[other.uuid]),
        {"outcome": "waitlisted", "feedback": "Close call."},
    )
    client.post(url, {"action": "release", "confirmed": "yes", "eoi": [other.uuid]})
    other.refresh_from_db()
    assert other.status == "waitlisted"
    assert Decision.objects.get(eoi=other).released_at is not None


def test_the_xlsx_export_and_the_per_review_export(client, world):
    import openpyxl

    relevance, feasibility = world["call"].rubric
    (assignment,) = world["eoi"].assignments.filter(reviewer=world["reviewer assigned"])
    domain.save_review(
        assignment,
        assignment.reviewer,
        {relevance: (5, ""), feasibility: (3, "")},
        "invite",
        "=1+1",
        "Good",
        submit=True,
    )
    client.force_login(world["secretariat"])

    response = client.post(
        reverse("review:bulk_action", args=[world["call"].slug]),
        {"action": "export_xlsx", "eoi": [world["eoi"].uuid]},
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    rows = list(sheet.values)
    header = rows[0]
    assert header[:4] == ("reference", "status", "stage", "Name of the lead organisation")
    assert (rows[1][0], rows[1][2]) == (world["eoi"].reference, "Expression of interest")
    assert rows[1][header.index("Budget requested (€)")] == 18000  # a number, not text
    assert rows[1][header.index("mean")] == 80  # 60·4/4 + 40·2/4
    assert rows[1][header.index("mean: Relevance")] == 5

    reviews = client.get(reverse("review:export_reviews", args=[world["call"].slug, "csv"]))
    rows = list(csv.reader(io.StringIO(reviews.getvalue().decode())))
    assert rows[0] == [
        "reference",
        "reviewer",
        "status",
        "total",
        "recommendation",
        "comment",
        "feedback",
        "Relevance",
        "Feasibility",
    ]
    assert rows[1][:4] == [world["eoi"].reference, assignment.reviewer.email, "Submitted", "80.00"]
    assert rows[1][5] == "'=1+1"
    assert rows[1][7:] == ["5", "3"]


def test_the_dashboard_shows_intake_and_progress_in_constant_queries(
    client, world, make_eoi, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world["call"].budget_available = 250000
    world["call"].save()
    client.force_login(world["secretariat"])
    url = reverse("review:dashboard", args=[world["call"].slug])
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert "Under review" in page
    assert "of €250,000 available" in page
    assert world["reviewer assigned"].name in page

    for _ in range(49):
        make_eoi(organisation_country="SN", budget_requested=1000)
    cache.delete(intake_key(world["call"]))  # counted afresh, as a minute later
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert "Senegal" in page


def test_the_dashboard_labels_its_cached_types_in_each_readers_language(client, world, make_eoi):
    make_eoi(organisation_type="research")
    client.force_login(world["secretariat"])
    url = reverse("review:dashboard", args=[world["call"].slug])
    english = client.get(url).content.decode()  # counts, and keeps the figures a minute
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    with CaptureQueriesContext(connection) as french_look:
        french = client.get(url).content.decode()

    assert "University or research institute" in english
    assert "Université ou institut de recherche" in french
    # The cached figures carry the types' labels in both languages: no questionnaire is read
    # (the call comes with its questionnaire's stamp, joined).
    assert not [q for q in french_look.captured_queries if 'FROM "questionnaires_' in q["sql"]]


def test_the_dashboard_counts_at_most_once_a_minute(client, world, make_eoi):
    client.force_login(world["secretariat"])
    url = reverse("review:dashboard", args=[world["call"].slug])
    with time_machine.travel("2026-11-28 14:03:00 +00:00", tick=False):
        first = client.get(url).content.decode()
    assert "Counted at 14:03" in first
    make_eoi(organisation_country="SN")

    with time_machine.travel("2026-11-28 14:03:59 +00:00", tick=False):
        cached = client.get(url).content.decode()
    with time_machine.travel("2026-11-28 14:04:01 +00:00", tick=False):
        counted = client.get(url).content.decode()

    assert "Senegal" not in cached
    assert "Counted at 14:03" in cached
    assert "Senegal" in counted
    assert "Counted at 14:04" in counted


def test_bulk_decisions(client, world, make_eoi, after_the_deadline):
    from review.models import Decision

    first, second = make_eoi(), make_eoi()
    client.force_login(world["secretariat"])

    client.post(
        reverse("review:bulk_action", args=[world["call"].slug]),
        {
            "action": "decide",
            "confirmed": "yes",
            "outcome": "not_selected",
            "eoi": [first.uuid, second.uuid],
        },
    )

    assert sorted(Decision.objects.values_list("outcome", flat=True)) == ["not_selected"] * 2
    assert Decision.objects.filter(released_at=None).count() == 2


def test_assigning_and_releasing_from_the_eoi_page_come_back_to_it(
    client, world, after_the_deadline
):
    eoi = world["eoi"]
    client.force_login(world["secretariat"])
    url = reverse("review:bulk_action", args=[world["call"].slug])
    page = reverse("review:secretariat_eoi", args=[eoi.uuid])
    assign = {
        "action": "assign",
        "confirmed": "yes",
        "eoi": [eoi.uuid],
        "reviewer": world["reviewer unassigned"].pk,
    }

    response = client.post(url, {**assign, "next": page}, follow=True)

    assert response.redirect_chain == [(page, 302)]
    assert "1 assignment made." in response.content.decode()
    domain.decide(eoi, "invited", world["secretariat"])
    response = client.post(
        url, {"action": "release", "confirmed": "yes", "eoi": [eoi.uuid], "next": page}
    )
    assert response.url == page
    # Anywhere else is not followed.
    response = client.post(url, {**assign, "next": "https://evil.example/"})
    assert response.url == reverse("review:eoi_list", args=[world["call"].slug])


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_the_exports_stream_and_know_only_their_formats(client, world, file_format):
    client.force_login(world["secretariat"])

    for url in (
        reverse("review:export_eois", args=[world["call"].slug, file_format]),
        reverse("review:export_reviews", args=[world["call"].slug, file_format]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response.streaming  # written as read: constant memory, an early first byte
        assert response["Content-Disposition"].endswith(f'.{file_format}"')
        assert response.getvalue()

    assert client.get(f"/review/calls/{world['call'].slug}/eois.exe").status_code == 404


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_xlsx_export_reads_its_rows_as_they_come_not_after_a_copy(client, world):
    """Outside a transaction PostgreSQL declares the cursor WITH HOLD, which copies the whole
    result before the first row (3 s for 50,000 EOIs): the export reads inside one."""
    client.force_login(world["secretariat"])
    response = client.get(reverse("review:export_eois", args=[world["call"].slug, "xlsx"]))

    with CaptureQueriesContext(connection) as read:
        response.getvalue()

    (declared,) = [q["sql"] for q in read.captured_queries if q["sql"].startswith("DECLARE")]
    assert "WITH HOLD" not in declared


@pytest.mark.needs_postgres
def test_the_csv_export_is_written_by_the_database_in_one_statement(client, world):
    client.force_login(world["secretariat"])
    response = client.get(reverse("review:export_eois", args=[world["call"].slug, "csv"]))

    with CaptureQueriesContext(connection) as read:
        body = response.getvalue().decode()

    copies = [q["sql"] for q in read.captured_queries if q["sql"].startswith("COPY (")]
    assert len(copies) == 1
    assert not [q for q in read.captured_queries if q["sql"].startswith("DECLARE")]
    assert world["eoi"].reference in body


def test_the_eoi_list_caption_tells_what_each_figure_column_holds(client, world):
    client.force_login(world["secretariat"])

    page = client.get(reverse("review:eoi_list", args=[world["call"].slug])).content.decode()

    caption = re.search(r"<caption[^>]*>(.*?)</caption>", page, re.DOTALL).group(1)
    headers = [
        re.sub(r"<[^>]+>", "", cell).strip()
        for cell in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', page, re.DOTALL)
    ]
    assert headers[5:10] == ["Reviews", "Mean", "Median", "Spread", "Rank"]
    for header in headers[5:10]:
        assert header.lower() in caption.lower()
    assert "submitted of assigned" in caption  # the "2/3" of the Reviews column
    assert "out of 100" in caption
