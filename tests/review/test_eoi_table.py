"""The Secretariat's EOI list as a table: filters, sorting by its headers, pages, the columns
shown, and each person's saved views."""

import csv
import io
import re

import pytest
from django.urls import reverse

from review.models import SavedView
from submissions.models import Stage
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listed(client, secretariat, rubric_call, make_eoi):
    client.force_login(secretariat)
    make_eoi(title="Bravo radio", organisation_name="Ouest", budget_requested=5000)
    make_eoi(title="Alpha forums", organisation_name="Nord", budget_requested=90000)
    make_eoi(title="Charlie theatre", organisation_name="Sud", budget_requested=20000)
    return reverse("review:eoi_list", args=[rubric_call.slug])


def titles(response):
    assert response.status_code == 200
    return re.findall(r"(Alpha forums|Bravo radio|Charlie theatre)", response.content.decode())


def test_the_filters_narrow_the_list(client, listed):
    assert titles(client.get(listed, {"q": "theatre"})) == ["Charlie theatre"]
    assert titles(client.get(listed, {"q": "nord"})) == ["Alpha forums"]
    assert titles(client.get(listed, {"status": "submitted"})) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"min_score": "abc"}, "Enter a number."),
        ({"reviewer": "999999"}, "Select a valid choice."),
        ({"challenge": "abc"}, "Select a valid choice."),
        ({"country": "France"}, "Ensure this value has at most 2 characters"),
    ],
)
def test_a_bad_filter_is_named_and_the_list_still_shows(client, listed, query, message):
    response = client.get(listed, query)

    assert message in response.content.decode()
    assert len(titles(response)) == 3


def test_a_header_sorts_the_list_and_says_how_to_screen_readers(client, listed):
    by_reference = client.get(listed)
    assert titles(by_reference) == ["Bravo radio", "Alpha forums", "Charlie theatre"]
    assert re.search(
        r'<th scope="col" aria-sort="ascending">\s*<a href="\?sort=-reference',
        (by_reference.content.decode()),
    )
    page = by_reference.content.decode()
    title_link = re.search(r'<a href="(\?sort=title[^"]*)">Title</a>', page).group(1)

    by_title = client.get(listed + title_link.replace("&amp;", "&"))

    assert titles(by_title) == ["Alpha forums", "Bravo radio", "Charlie theatre"]
    assert 'aria-sort="ascending">\n        <a href="?sort=-title' in by_title.content.decode()
    assert titles(client.get(listed, {"sort": "-title"})) == [
        "Charlie theatre",
        "Bravo radio",
        "Alpha forums",
    ]
    assert titles(client.get(listed, {"sort": "-budget"})) == [
        "Alpha forums",
        "Charlie theatre",
        "Bravo radio",
    ]


def test_the_export_follows_the_lists_filters_and_sort(client, listed, rubric_call):
    url = reverse("review:export_eois", args=[rubric_call.slug, "csv"])

    body = client.get(url, {"sort": "-budget", "q": "o"}).getvalue().decode()

    rows = list(csv.reader(io.StringIO(body)))[1:]
    assert [row[0] for row in rows] == ["KMF21-0002", "KMF21-0003", "KMF21-0001"]


def test_the_list_shows_fifty_a_page(client, listed, make_eoi):
    for number in range(50):
        make_eoi(title=f"Filler {number}")

    first = client.get(listed).content.decode()
    second = client.get(listed, {"page": 2}).content.decode()

    assert first.count('name="eoi"') == 50
    assert second.count('name="eoi"') == 3
    assert "Page 2 of 2 (53 in all)" in second
    assert client.get(listed, {"page": "junk"}).status_code == 200


def test_a_column_left_unticked_is_not_shown(client, listed):
    every = client.get(listed).content.decode()
    assert ">Median</a>" in every
    assert every.count('name="columns"') == 11
    assert re.search(r'name="columns" value="median"[^>]*checked', every)

    chosen = client.get(listed, {"columns": ["title", "mean"]}).content.decode()

    assert ">Median</a>" not in chosen
    assert not re.search(r'name="columns" value="median"[^>]*checked', chosen)
    assert ">Mean</a>" in chosen
    assert "Bravo radio" in chosen
    assert ">Status</a>" not in chosen
    assert "Under review" not in chosen.split("<tbody>")[1]


def test_a_saved_view_reopens_the_list_as_it_was(client, listed, secretariat, rubric_call):
    query = "?q=radio&sort=-title&columns=title&page=1"

    response = client.post(listed + query, {"name": "  Radio, by title  "})

    saved = SavedView.objects.get(owner=secretariat, call=rubric_call)
    assert saved.name == "Radio, by title"
    assert saved.query == "q=radio&sort=-title&columns=title"
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert f'href="{listed}?q=radio&amp;sort=-title&amp;columns=title">Radio, by title</a>' in page
    assert titles(client.get(f"{listed}?{saved.query}")) == ["Bravo radio"]


@pytest.mark.parametrize(
    ("name", "message"), [("", "Name the view to save it."), ("Mine", "already")]
)
def test_a_name_refused_is_said_and_keeps_what_was_typed(
    client, listed, secretariat, rubric_call, name, message
):
    SavedView.objects.create(owner=secretariat, call=rubric_call, name="Mine", query="q=x")

    response = client.post(listed + "?q=radio", {"name": name})

    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert f'name="name" value="{name}"' in page or not name
    assert titles(response) == ["Bravo radio"]  # still the list as filtered
    assert SavedView.objects.count() == 1


def test_a_name_too_long_is_refused(client, listed):
    response = client.post(listed, {"name": "x" * 81})

    assert "at most 80 characters" in response.content.decode()
    assert not SavedView.objects.exists()


def test_each_sees_and_deletes_only_their_own_views(client, listed, secretariat, rubric_call):
    other = ApplicantFactory()
    theirs = SavedView.objects.create(owner=other, call=rubric_call, name="Theirs", query="")
    mine = SavedView.objects.create(owner=secretariat, call=rubric_call, name="Mine", query="")

    page = client.get(listed).content.decode()
    assert ">Mine</a>" in page
    assert "Theirs" not in page

    delete = "review:delete_view"
    assert client.post(reverse(delete, args=[rubric_call.slug, theirs.pk])).status_code == 404
    assert SavedView.objects.filter(pk=theirs.pk).exists()
    response = client.post(reverse(delete, args=[rubric_call.slug, mine.pk]))
    assert response.status_code == 302
    assert not SavedView.objects.filter(pk=mine.pk).exists()


def test_a_column_that_does_not_exist_is_named_and_every_column_shown(client, listed):
    page = client.get(listed, {"columns": "nope"}).content.decode()

    assert "Select a valid choice. nope is not one of the available choices." in page
    assert ">Median</a>" in page


def test_a_cell_renderer_is_inspected_once_not_per_cell(client, listed, monkeypatch):
    """django-tables2 reads the signature of each column's render_FOO for each cell; the
    list keeps it per function (review/tables.py): a page of many rows, read again, inspects
    no function again."""
    import inspect

    inspected = []
    real = inspect.signature

    def counting(function, *args, **kwargs):
        inspected.append(function)
        return real(function, *args, **kwargs)

    client.get(listed)
    monkeypatch.setattr(inspect, "signature", counting)
    response = client.get(listed)
    assert sorted(titles(response)) == ["Alpha forums", "Bravo radio", "Charlie theatre"]
    assert not [f for f in inspected if hasattr(f, "__func__")]


def test_the_stage_column_and_filter_follow_the_stage_each_eoi_is_in(
    client, listed, rubric_call, secretariat
):
    interview = Stage.objects.create(call=rubric_call, order=3, kind=Stage.Kind.INTERVIEW)
    rubric_call.eois.filter(title="Alpha forums").update(stage=interview, status="shortlisted")

    every = client.get(listed).content.decode()
    assert re.search(r"<th[^>]*>\s*Stage\s*</th>", every)
    cells = re.findall(r"<td>(Interview|Expression of interest)</td>", every)
    assert sorted(cells) == ["Expression of interest", "Expression of interest", "Interview"]
    assert titles(client.get(listed, {"stage": "interview"})) == ["Alpha forums"]
    # A call's EOIs in no stage row are in the expression of interest's.
    assert titles(client.get(listed, {"stage": "eoi"})) == ["Bravo radio", "Charlie theatre"]
    assert titles(client.get(listed, {"stage": "award"})) == []
    refused = client.get(listed, {"stage": "nowhere"})
    assert "Select a valid choice." in refused.content.decode()
    assert len(titles(refused)) == 3
    # A saved view keeps the stage; the export follows it and says it.
    client.post(listed + "?stage=interview", {"name": "Interviews"})
    saved = SavedView.objects.get(owner=secretariat, name="Interviews")
    assert titles(client.get(f"{listed}?{saved.query}")) == ["Alpha forums"]
    export = reverse("review:export_eois", args=[rubric_call.slug, "csv"])
    body = client.get(export, {"stage": "interview"}).getvalue().decode()
    (header, row) = list(csv.reader(io.StringIO(body)))
    assert dict(zip(header, row, strict=True))["stage"] == "Interview"
    # In French, the stage is said in French.
    secretariat.preferred_language = "fr"
    secretariat.save(update_fields=["preferred_language"])
    french = client.get(listed, {"stage": "interview"}).content.decode()
    assert "<td>Entretien</td>" in french
