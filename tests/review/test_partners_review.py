"""The partners on the Secretariat's and the reviewers' side (issue 19): the balance of power
as a filter, a sort, export columns and dashboard figures; partners that asked not to be named
shown to reviewers as "a partner based in" their country."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from review import domain
from review.exports import PARTNERSHIP, eoi_rows
from submissions import answers as eoi_answers
from submissions import domain as submissions_domain
from submissions import partners as partner_rows
from submissions.models import ExpressionOfInterest, Partner

pytestmark = pytest.mark.django_db

Status = ExpressionOfInterest.Status


def partner(name, country, share, email=None, not_named=False):
    return {
        "name": name,
        "country": country,
        "role": "Hosts the forums",
        "budget_share": share,
        "locally_led": True,
        "email": email,
        "not_named": not_named,
    }


def synced(eoi):
    """The EOI with its partners' rows, as a save of its answers writes them."""
    partner_rows.sync(eoi, eoi_answers.answered(eoi), eoi.answers)
    return eoi


@pytest.fixture
def listed(client, secretariat, rubric_call, make_eoi):
    """Three EOIs about Mali: a Malian lead keeping 70 % (local share 100), a lead abroad with
    a Malian partner at 40 % (40), a lead abroad with a French partner (0)."""
    client.force_login(secretariat)
    synced(
        make_eoi(
            title="Alpha forums", partners=[partner("Femmes de Mopti", "ML", 30)], countries=["ML"]
        )
    )
    synced(
        make_eoi(
            title="Bravo radio",
            organisation_country="NL",
            countries=["ML"],
            partners=[partner("Radio Mopti", "ML", 40, email="radio@example.org")],
        )
    )
    synced(
        make_eoi(
            title="Charlie theatre",
            organisation_country="NL",
            countries=["ML"],
            partners=[partner("Théâtre de Paris", "FR", 50)],
        )
    )
    return reverse("review:eoi_list", args=[rubric_call.slug])


def titles(response):
    assert response.status_code == 200
    return re.findall(r"(Alpha forums|Bravo radio|Charlie theatre)", response.content.decode())


def test_the_figures_are_columns_of_the_eoi(listed):
    found = dict(ExpressionOfInterest.objects.values_list("title", "local_share"))
    assert found == {
        "Alpha forums": Decimal("100.00"),
        "Bravo radio": Decimal("40.00"),
        "Charlie theatre": Decimal("0.00"),
    }


def test_the_list_filters_and_sorts_on_the_balance_of_power(client, listed):
    assert titles(client.get(listed, {"min_local_share": "40"})) == ["Alpha forums", "Bravo radio"]
    assert titles(client.get(listed, {"lead_is_local": "yes"})) == ["Alpha forums"]
    assert titles(client.get(listed, {"lead_is_local": "no"})) == ["Bravo radio", "Charlie theatre"]
    assert titles(client.get(listed, {"sort": "-local_share"})) == [
        "Alpha forums",
        "Bravo radio",
        "Charlie theatre",
    ]
    assert titles(client.get(listed, {"sort": "local_share"})) == [
        "Charlie theatre",
        "Bravo radio",
        "Alpha forums",
    ]
    # No partner confirmed yet: all three; once Radio Mopti confirms, Bravo is complete.
    assert len(titles(client.get(listed, {"unconfirmed": "on"}))) == 3
    radio = Partner.objects.get(name="Radio Mopti")
    submissions_domain.answer_partner(radio, None, confirmed=True)
    assert titles(client.get(listed, {"unconfirmed": "on"})) == ["Alpha forums", "Charlie theatre"]
    page = client.get(listed, {"sort": "-partners"}).content.decode()
    assert "1/1" in page
    assert titles(client.get(listed, {"min_local_share": "lots"})) == [
        "Alpha forums",
        "Bravo radio",
        "Charlie theatre",
    ]


def test_the_python_export_has_the_figures(listed, rubric_call):
    rows = list(eoi_rows(rubric_call, rubric_call.eois.all(), "-local_share"))
    header = rows[0]
    at = header.index(PARTNERSHIP[0])
    assert header[at : at + 4] == PARTNERSHIP
    assert [row[at : at + 4] for row in rows[1:]] == [
        [Decimal("100.00"), True, 1, 0],
        [Decimal("40.00"), False, 1, 0],
        [Decimal("0.00"), False, 1, 0],
    ]


def test_the_csv_export_writes_them(client, listed, rubric_call):
    url = reverse("review:export_eois", args=[rubric_call.slug, "csv"])
    rows = list(csv.DictReader(io.StringIO(b"".join(client.get(url).streaming_content).decode())))
    assert [row[PARTNERSHIP[0]] for row in rows] == ["100.00", "40.00", "0.00"]
    assert [row[PARTNERSHIP[1]] for row in rows] == ["True", "False", "False"]


def test_the_dashboard_shows_the_balance_over_submitted_invited_and_awarded(
    client, listed, rubric_call, secretariat
):
    # Each asks €18,000. Alpha (100 % local, a Malian lead) is invited; Bravo (40 % local, a
    # lead abroad) was invited, then awarded: it counts among the invited too.
    ExpressionOfInterest.objects.filter(title="Alpha forums").update(status=Status.INVITED)
    ExpressionOfInterest.objects.filter(title="Bravo radio").update(status=Status.AWARDED)
    cache.clear()

    page = client.get(reverse("review:dashboard", args=[rubric_call.slug])).content.decode()
    table = page[page.index('id="balance"') :]
    table = table[: table.index("</table>")]
    assert re.findall(r'<th scope="col">([^<]*)</th>', table) == [
        "Submitted (3)",
        "Invited (2)",
        "Awarded (1)",
    ]
    cells = re.findall(r"<td>([^<]*)</td>", table)
    # Money: (100 + 40 + 0) / 3; (100 + 40) / 2; 40. Leads: 1 of 3; 1 of 2; 0 of 1.
    assert cells == [
        *("47&nbsp;%", "70&nbsp;%", "40&nbsp;%"),
        *("33&nbsp;%", "50&nbsp;%", "0&nbsp;%"),
        *("0/3", "0/2", "0/1"),
    ]


# ---- What reviewers see ----------------------------------------------------------------------


@pytest.fixture
def reviewed(client, make_eoi, make_reviewer, secretariat):
    eoi = make_eoi(
        countries=["ML"],
        partners=[
            partner("Femmes de Mopti", "ML", 30, email="fm@example.org", not_named=True),
            partner("Lawyers Abroad", "FR", 10, email="la@example.org"),
        ],
    )
    synced(eoi)
    reviewer = make_reviewer()
    (assignment,) = domain.assign([eoi], reviewer, secretariat)
    domain.declare_no_conflict(assignment, reviewer)
    return eoi, reviewer


def test_a_partner_not_named_is_a_partner_based_in_its_country_to_reviewers(client, reviewed):
    eoi, reviewer = reviewed
    client.force_login(reviewer)

    page = client.get(reverse("review:review_eoi", args=[eoi.uuid])).content.decode()

    assert "Femmes de Mopti" not in page
    assert page.count("A partner based in Mali") == 2  # in the answers and the partners' table
    assert "Lawyers Abroad" in page
    # No partner's address, named or not.
    assert "fm@example.org" not in page
    assert "la@example.org" not in page


def test_a_blind_review_names_no_partner(client, reviewed):
    eoi, reviewer = reviewed
    eoi.call.blind_review = True
    eoi.call.save()
    client.force_login(reviewer)

    page = client.get(reverse("review:review_eoi", args=[eoi.uuid])).content.decode()

    assert "Femmes de Mopti" not in page
    assert "Lawyers Abroad" not in page
    assert "A partner based in France" in page


def test_the_conflict_check_does_not_name_them_either(client, reviewed, make_reviewer, secretariat):
    eoi, _reviewer = reviewed
    newcomer = make_reviewer()
    domain.assign([eoi], newcomer, secretariat)
    client.force_login(newcomer)

    page = client.get(reverse("review:review_eoi", args=[eoi.uuid]), follow=True)

    text = page.content.decode()
    assert "Lawyers Abroad" in text  # the conflict check names those who may be named
    assert "Femmes de Mopti" not in text
    assert "A partner based in Mali" in text


def test_the_secretariat_sees_every_partner_and_its_answer(client, reviewed, secretariat):
    eoi, _reviewer = reviewed
    named = Partner.objects.get(name="Lawyers Abroad")
    submissions_domain.answer_partner(named, None, confirmed=False, comment="Not our share.")
    client.force_login(secretariat)

    page = client.get(reverse("review:secretariat_eoi", args=[eoi.uuid])).content.decode()

    assert "Femmes de Mopti" in page
    assert "Not named to reviewers" in page
    assert "Declined" in page
    assert "Not our share." in page
    assert "Not asked" in page
