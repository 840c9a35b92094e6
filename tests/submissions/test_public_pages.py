import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from core.timezones import TIME_ZONE_COOKIE
from submissions.kmf2021 import add_stages, load_2021_call
from submissions.models import Question
from tests.factories import CallDocumentFactory, CallFactory, ChallengeFactory
from tests.files import add_document
from tests.submissions.test_kmf2021 import seed_paragraphs

pytestmark = pytest.mark.django_db


def page_text(response):
    """The visible text of a page: tags removed, entities decoded, white space folded."""
    text = re.sub(r"</?(strong|em|a|span|time|code)\b[^>]*>", "", response.content.decode())
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(html.unescape(text).split())


@pytest.fixture
def call_2021():
    call, _ = load_2021_call()
    # A fixed deadline makes the expected strings exact: 23:59:59 in Amsterdam is 22:59:59 UTC.
    call.closes_at = datetime(2027, 1, 27, 22, 59, 59, tzinfo=UTC)
    call.save()
    return call


def test_the_call_page_shows_the_complete_text_and_each_challenge(client, call_2021):
    response = client.get("/calls/kmf-2021/")

    text = page_text(response)
    assert response.status_code == 200
    assert "Asymmetric Power & Partnerships" in text
    for paragraph in seed_paragraphs():
        assert " ".join(paragraph.split()) in text
    for challenge in call_2021.challenges.all():
        assert f"{challenge.number}. {challenge.title}" in text
        assert challenge.description in text


def test_the_call_page_shows_who_may_apply_the_timeline_and_the_faq(client, call_2021):
    text = page_text(client.get(call_2021.get_absolute_url()))

    assert "Who may apply" in text
    assert "individuals, consortia, think-tanks" in text
    assert "Timeline" in text
    for milestone in call_2021.milestones.all():
        assert milestone.title in text
    assert "Frequently asked questions" in text
    assert "Can I submit more than one expression of interest?" in text


def test_the_deadline_is_shown_in_the_calls_time_zone_and_in_utc(client, call_2021):
    text = page_text(client.get(call_2021.get_absolute_url()))

    assert "Wednesday 27 January 2027, 23:59 Europe/Amsterdam (CET)" in text
    assert "27 January 2027, 22:59 UTC" in text


def test_without_javascript_the_visitors_chosen_time_zone_shows_the_deadline(client, call_2021):
    response = client.post(
        reverse("choose_time_zone"), {"time_zone": "Africa/Bamako", "next": "/calls/kmf-2021/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/calls/kmf-2021/"

    text = page_text(client.get(response["Location"]))

    assert "In your time zone Wednesday 27 January 2027, 22:59 Africa/Bamako" in text


def test_the_visitors_time_zone_can_lie_on_the_other_side_of_midnight(client, call_2021):
    client.cookies[TIME_ZONE_COOKIE] = "Asia/Tokyo"

    text = page_text(client.get(call_2021.get_absolute_url()))

    assert "Thursday 28 January 2027, 07:59 Asia/Tokyo" in text


def test_an_unknown_time_zone_cookie_is_ignored(client, call_2021):
    client.cookies[TIME_ZONE_COOKIE] = "Mars/Olympus_Mons"

    response = client.get(call_2021.get_absolute_url())

    assert response.status_code == 200
    assert "Choose your time zone to see it here." in page_text(response)


def test_choosing_a_time_zone_refuses_a_foreign_next_address_and_unknown_zones(client):
    response = client.post(
        reverse("choose_time_zone"), {"time_zone": "UTC", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"

    response = client.post(reverse("choose_time_zone"), {"time_zone": "Nowhere/Atlantis"})
    assert response.status_code == 200
    assert "Select a valid choice" in page_text(response)


def test_the_call_page_speaks_french(client, call_2021):
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})

    response = client.get(call_2021.get_absolute_url())
    text = page_text(response)

    assert '<html lang="fr">' in response.content.decode()
    assert "Date limite" in text
    assert "mercredi 27 janvier 2027, 23:59" in text
    assert "Subvention maximale 20 000 €" in text  # page_text makes every space plain


def test_home_lists_open_upcoming_and_closed_calls(client):
    now = timezone.now()
    CallFactory(headline="Open call", opens_at=now - timedelta(days=1))
    CallFactory(
        headline="Upcoming call",
        opens_at=now + timedelta(days=10),
        closes_at=now + timedelta(days=40),
    )
    CallFactory(
        headline="Closed call",
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=30),
    )
    CallFactory(headline="Unpublished call", is_published=False)

    text = page_text(client.get("/"))

    open_at, upcoming_at, closed_at = (
        text.index(heading) for heading in ("Open calls", "Upcoming calls", "Closed calls")
    )
    assert open_at < text.index(": Open call") < upcoming_at
    assert upcoming_at < text.index(": Upcoming call") < closed_at
    assert closed_at < text.index(": Closed call")
    assert "Unpublished call" not in text


def test_an_unpublished_call_is_not_found(client):
    call = CallFactory(is_published=False)

    assert client.get(call.get_absolute_url()).status_code == 404


def test_markup_in_call_texts_is_escaped(client):
    call = CallFactory(body='<script>alert("body")</script> [x](javascript:alert(1))')
    ChallengeFactory(call=call, title="<b>bold</b>", description="<img src=x onerror=alert(1)>")

    content = client.get(call.get_absolute_url()).content.decode()

    assert "<script>alert" not in content
    assert "&lt;script&gt;" in content
    assert 'href="javascript:' not in content
    assert "<b>bold</b>" not in content
    assert "<img src=x" not in content


def test_home_and_call_pages_keep_a_constant_number_of_queries(client, django_assert_num_queries):
    def make_call():
        call = CallFactory()
        ChallengeFactory.create_batch(3, call=call)
        return call

    call = make_call()
    with django_assert_num_queries(3):
        client.get("/")
    # The call, then its challenges, milestones, stages, questions and documents.
    with django_assert_num_queries(6):
        client.get(call.get_absolute_url())

    for _ in range(3):
        make_call()
    ChallengeFactory.create_batch(5, call=call)
    # Documents, listed and mentioned by the FAQ, come with the call's other rows.
    add_document(call)
    for document in CallDocumentFactory.create_batch(3, call=call):
        Question.objects.create(call=call, question="Where?", answer=f"See [[{document.key}]].")
    add_stages(call)
    with django_assert_num_queries(3):
        client.get("/")
    with django_assert_num_queries(6):
        client.get(call.get_absolute_url())
