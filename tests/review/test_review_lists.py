"""The Secretariat's lists of a call's reviews and of its assignments: filters, sorting by
their headers, pages, the columns shown, and each person's saved views, list by list."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.timezones import TIME_ZONE_COOKIE
from review import domain
from review.models import Assignment, Review, SavedView
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(make_reviewer):
    return [make_reviewer(name="Ada Okafor"), make_reviewer(name="Bo Lindqvist")]


@pytest.fixture
def reviewed(client, secretariat, rubric_call, make_eoi, panel):
    """Three EOIs: Alpha reviewed and submitted by both, Bravo drafted by Ada only, Charlie
    assigned to Bo, not started and overdue."""
    client.force_login(secretariat)
    alpha = make_eoi(title="Alpha forums")
    bravo = make_eoi(title="Bravo radio")
    charlie = make_eoi(title="Charlie theatre")
    ada, bo = panel
    for reviewer, value in [(ada, 5), (bo, 2)]:
        (assignment,) = domain.assign([alpha], reviewer, secretariat)
        domain.declare_no_conflict(assignment, reviewer)
        save(assignment, reviewer, value, rubric_call, submit=True)
    (assignment,) = domain.assign([bravo], ada, secretariat)
    domain.declare_no_conflict(assignment, ada)
    save(assignment, ada, 3, rubric_call, submit=False)
    domain.assign([charlie], bo, secretariat, due_at=timezone.now() - timedelta(days=2))
    return {"alpha": alpha, "bravo": bravo, "charlie": charlie, "ada": ada, "bo": bo}


def save(assignment, reviewer, value, call, submit):
    scores = dict.fromkeys(call.rubric, (value, ""))
    domain.save_review(assignment, reviewer, scores, "invite", "", "", submit=submit)


def rows(response):
    """Each row of the table as the text of its cells."""
    assert response.status_code == 200
    body = response.content.decode().split("<tbody>")[1].split("</tbody>")[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.fixture
def reviews_url(rubric_call):
    return reverse("review:review_list", args=[rubric_call.slug])


@pytest.fixture
def assignments_url(rubric_call):
    return reverse("review:assignment_list", args=[rubric_call.slug])


def test_each_review_is_a_row_with_its_eoi_reviewer_and_figures(client, reviewed, reviews_url):
    listed = rows(client.get(reviews_url, {"sort": "reviewer"}))

    assert len(listed) == 3
    ada_alpha = listed[0]
    assert ada_alpha[:5] == ["KMF21-0001", "Alpha forums", "Ada Okafor", "Submitted", "100.0"]
    assert ada_alpha[5] == "Invite to full proposal"
    assert listed[1][:4] == ["KMF21-0002", "Bravo radio", "Ada Okafor", "Draft"]
    assert listed[1][6] == "—"  # a draft was never submitted
    page = client.get(reviews_url).content.decode()
    eoi_page = reverse("review:secretariat_eoi", args=[reviewed["alpha"].uuid])
    assert f'<a href="{eoi_page}">KMF21-0001</a>' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "draft"}, [("KMF21-0002", "Ada Okafor")]),
        ({"q": "forums"}, [("KMF21-0001", "Ada Okafor"), ("KMF21-0001", "Bo Lindqvist")]),
        ({"q": "0002"}, [("KMF21-0002", "Ada Okafor")]),
        ({"min_total": "50"}, [("KMF21-0001", "Ada Okafor"), ("KMF21-0002", "Ada Okafor")]),
        ({"max_total": "30"}, [("KMF21-0001", "Bo Lindqvist")]),
    ],
)
def test_the_review_filters_narrow_the_list(client, reviewed, reviews_url, query, expected):
    listed = rows(client.get(reviews_url, {**query, "sort": "reviewer"}))

    assert sorted((row[0], row[2]) for row in listed) == expected


def test_the_reviewer_filter_offers_the_reviewers_and_refuses_others(client, reviewed, reviews_url):
    bo = reviewed["bo"]
    assert [row[2] for row in rows(client.get(reviews_url, {"reviewer": bo.pk}))] == [
        "Bo Lindqvist"
    ]
    refused = client.get(reviews_url, {"reviewer": "999999", "min_total": "abc"})
    assert "Select a valid choice." in refused.content.decode()
    assert "Enter a number." in refused.content.decode()
    assert len(rows(refused)) == 3  # the list still shows, unfiltered


def test_a_review_header_sorts_and_says_so(client, reviewed, reviews_url):
    page = client.get(reviews_url).content.decode()
    assert re.search(r'aria-sort="ascending">\s*<a href="\?sort=-reference', page)
    assert re.search(r'<a href="\?sort=-total[^"]*">Weighted total</a>', page)  # highest first

    by_total = rows(client.get(reviews_url, {"sort": "-total"}))
    assert [row[4] for row in by_total] == ["100.0", "50.0", "25.0"]
    assert [row[4] for row in rows(client.get(reviews_url, {"sort": "total"}))] == [
        "25.0",
        "50.0",
        "100.0",
    ]
    # An empty figure goes last either way.
    assert rows(client.get(reviews_url, {"sort": "submitted_at"}))[-1][3] == "Draft"
    assert rows(client.get(reviews_url, {"sort": "-submitted_at"}))[-1][3] == "Draft"


def test_the_review_list_shows_fifty_a_page(
    client, reviewed, reviews_url, make_eoi, secretariat, rubric_call
):
    ada = reviewed["ada"]
    eois = [make_eoi(title=f"Filler {n}") for n in range(50)]
    for assignment in domain.assign(eois, ada, secretariat):
        save(assignment, ada, 4, rubric_call, submit=False)

    assert len(rows(client.get(reviews_url))) == 50
    second = client.get(reviews_url, {"page": 2})
    assert len(rows(second)) == 3
    assert "Page 2 of 2 (53 in all)" in second.content.decode()


def test_a_review_column_left_unticked_is_not_shown(client, reviewed, reviews_url):
    every = client.get(reviews_url).content.decode()
    assert every.count('name="columns"') == 6
    assert ">Recommendation</a>" in every

    chosen = client.get(reviews_url, {"columns": ["reviewer", "total"]}).content.decode()

    assert ">Recommendation</a>" not in chosen
    assert ">Title</a>" not in chosen
    assert ">Weighted total</a>" in chosen
    assert len(rows(client.get(reviews_url, {"columns": ["reviewer", "total"]}))[0]) == 3


def test_each_assignment_is_a_row_with_its_declaration_review_and_release(
    client, reviewed, assignments_url, secretariat
):
    charlie_for_bo = reviewed["charlie"].assignments.get()
    domain.declare_conflict(charlie_for_bo, "My sister runs it.", reviewed["bo"])

    listed = rows(client.get(assignments_url, {"sort": "reviewer"}))

    assert [row[:2] for row in listed] == [
        ["KMF21-0001", "Ada Okafor"],
        ["KMF21-0002", "Ada Okafor"],
        ["KMF21-0001", "Bo Lindqvist"],
        ["KMF21-0003", "Bo Lindqvist"],
    ]
    assert [row[3:5] for row in listed] == [
        ["No conflict of interest", "Submitted"],
        ["No conflict of interest", "Draft"],
        ["No conflict of interest", "Submitted"],
        ["Conflict of interest", "Not started"],
    ]
    assert [row[5] for row in listed[:3]] == ["Active"] * 3
    assert listed[3][5].endswith(": Conflict of interest declared")


def test_an_overdue_assignment_says_so_and_is_filtered(client, reviewed, assignments_url):
    listed = rows(client.get(assignments_url))
    assert [row[0] for row in listed if "overdue" in row[2]] == ["KMF21-0003"]

    overdue = rows(client.get(assignments_url, {"overdue": "on"}))

    assert [(row[0], row[1], row[3]) for row in overdue] == [
        ("KMF21-0003", "Bo Lindqvist", "Not yet declared")
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"state": "released"}, ["KMF21-0001"]),
        ({"state": "active"}, ["KMF21-0001", "KMF21-0001", "KMF21-0002", "KMF21-0003"]),
        ({"declaration": "none"}, ["KMF21-0003"]),
        ({"declaration": "no_conflict"}, ["KMF21-0001", "KMF21-0001", "KMF21-0002"]),
        ({"declaration": "conflict"}, ["KMF21-0001"]),
    ],
)
def test_the_assignment_filters_narrow_the_list(
    client, reviewed, assignments_url, secretariat, make_reviewer, query, expected
):
    cy = make_reviewer(name="Cy Moreau")
    (released,) = domain.assign([reviewed["alpha"]], cy, secretariat)
    domain.declare_conflict(released, "I wrote part of it.", cy)

    listed = rows(client.get(assignments_url, query))

    assert [row[0] for row in listed] == expected


def test_a_bad_assignment_filter_is_named_and_the_list_still_shows(
    client, reviewed, assignments_url
):
    response = client.get(assignments_url, {"state": "gone", "declaration": "maybe"})

    assert response.content.decode().count("Select a valid choice.") == 2
    assert len(rows(response)) == 4


def test_an_assignment_header_sorts_the_list(client, reviewed, assignments_url):
    by_due = rows(client.get(assignments_url, {"sort": "due_at"}))
    assert by_due[0][0] == "KMF21-0003"  # the overdue one, due soonest
    by_review = rows(client.get(assignments_url, {"sort": "-review_status"}))
    assert [row[4] for row in by_review] == ["Submitted", "Submitted", "Not started", "Draft"]
    page = client.get(assignments_url, {"sort": "-review_status"}).content.decode()
    assert re.search(r'aria-sort="descending">\s*<a href="\?sort=review_status', page)


def test_an_assignment_column_left_unticked_is_not_shown(client, reviewed, assignments_url):
    chosen = client.get(assignments_url, {"columns": ["due_at"]}).content.decode()

    assert ">Reviewer</a>" not in chosen
    assert ">Due</a>" in chosen
    assert len(rows(client.get(assignments_url, {"columns": ["due_at"]}))[0]) == 2


@pytest.mark.parametrize(
    ("url_name", "list_name", "other"),
    [
        ("review:review_list", "reviews", "assignments"),
        ("review:assignment_list", "assignments", "reviews"),
    ],
)
def test_a_view_is_saved_on_its_own_list_only(
    client, reviewed, secretariat, rubric_call, url_name, list_name, other
):
    url = reverse(url_name, args=[rubric_call.slug])
    response = client.post(url + "?sort=-reviewer&page=2", {"name": "By reviewer"})

    assert response.status_code == 302
    saved = SavedView.objects.get(owner=secretariat, call=rubric_call)
    assert (saved.list_name, saved.query) == (list_name, "sort=-reviewer")
    page = client.get(url).content.decode()
    assert f'href="{url}?sort=-reviewer">By reviewer</a>' in page
    # Shown on no other list, and its name free there.
    other_url = reverse(f"review:{other[:-1]}_list", args=[rubric_call.slug])
    eoi_url = reverse("review:eoi_list", args=[rubric_call.slug])
    assert "By reviewer" not in client.get(other_url).content.decode()
    assert "By reviewer" not in client.get(eoi_url).content.decode()
    assert client.post(other_url, {"name": "By reviewer"}).status_code == 302
    # The same name twice on one list is refused.
    again = client.post(url, {"name": "By reviewer"})
    assert "You already have a view by this name" in again.content.decode()
    # Deleting it leads back to its own list.
    delete = reverse("review:delete_view", args=[rubric_call.slug, saved.pk])
    assert client.post(delete).url == url


def test_another_persons_view_is_not_shown_nor_deleted(client, reviewed, rubric_call):
    url = reverse("review:review_list", args=[rubric_call.slug])
    theirs = SavedView.objects.create(
        owner=ApplicantFactory(), call=rubric_call, list_name="reviews", name="Theirs"
    )

    assert "Theirs" not in client.get(url).content.decode()
    delete = reverse("review:delete_view", args=[rubric_call.slug, theirs.pk])
    assert client.post(delete).status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("url_name", ["review:review_list", "review:assignment_list"])
def test_an_empty_list_says_why_and_where_to_go(client, secretariat, rubric_call, url_name):
    client.force_login(secretariat)
    url = reverse(url_name, args=[rubric_call.slug])

    empty = client.get(url).content.decode()
    filtered = client.get(url, {"sort": "reviewer"}).content.decode()

    assert "in this call yet" in empty
    assert reverse("review:eoi_list", args=[rubric_call.slug]) in empty
    assert "matches these filters" in filtered


def test_the_dashboard_and_the_eoi_list_link_both_lists(client, reviewed, rubric_call):
    for page in ["review:dashboard", "review:eoi_list"]:
        html = client.get(reverse(page, args=[rubric_call.slug])).content.decode()
        assert reverse("review:review_list", args=[rubric_call.slug]) in html
        assert reverse("review:assignment_list", args=[rubric_call.slug]) in html


def test_the_lists_show_times_in_the_readers_time_zone_and_name_it(
    client, reviewed, reviews_url, assignments_url
):
    """Every moment in the Secretariat's lists is in the reader's zone (UTC until they choose
    one), the zone named: never a call's zone, never unnamed."""
    moment = datetime(2026, 11, 5, 23, 30, tzinfo=UTC)
    Review.objects.filter(status=Review.Status.SUBMITTED).update(submitted_at=moment)
    Assignment.objects.update(due_at=moment)

    def times():
        submitted = {row[-1] for row in rows(client.get(reviews_url)) if row[-1] != "—"}
        due = {row[2].removesuffix(" overdue") for row in rows(client.get(assignments_url))}
        return submitted, due

    assert times() == ({"11/05/2026 11:30 p.m. UTC"}, {"11/05/2026 11:30 p.m. UTC"})
    client.cookies[TIME_ZONE_COOKIE] = "Asia/Tokyo"
    assert times() == ({"11/06/2026 8:30 a.m. JST"}, {"11/06/2026 8:30 a.m. JST"})


@pytest.mark.parametrize("url_name", ["eoi_list", "review_list", "assignment_list", "outbox"])
def test_a_filter_menu_left_unchosen_reads_the_same_whatever_its_label(
    client, secretariat, rubric_call, url_name
):
    """French "Tous" beside "Déclaration de conflit d’intérêts" (feminine) read wrong: every
    menu's empty choice is the neutral "Indifférent"."""
    secretariat.preferred_language = "fr"
    secretariat.save()
    client.force_login(secretariat)
    args = [] if url_name == "outbox" else [rubric_call.slug]

    page = client.get(reverse(f"review:{url_name}", args=args)).content.decode()

    filters = page.split('<form method="get"')[1].split("</form>")[0]
    empty = re.findall(r'<option value=""[^>]*>(.*?)</option>', filters)
    assert empty
    assert set(empty) == {"Indifférent"}
