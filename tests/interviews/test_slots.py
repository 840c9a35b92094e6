"""The Secretariat offers slots, several at once, in the call's time zone, and takes back the
unbooked ones; the list of slots and bookings costs the same number of queries at any size."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from audit.wording import sentence
from interviews import domain
from interviews.models import Slot
from tests.factories import ApplicantFactory

from .conftest import in_days


@pytest.fixture
def secretariat_client(client, secretariat):
    client.force_login(secretariat)
    return client


def test_several_slots_are_offered_at_once_in_the_calls_time_zone(
    secretariat_client, interview_call, interviewer
):
    day = (timezone.now() + timedelta(days=10)).date()
    response = secretariat_client.post(
        reverse("interviews:slots", args=[interview_call.slug]),
        {
            "day": day.isoformat(),
            "times": "09:00, 10h30 14.00 09:00",
            "duration_minutes": "45",
            "location": "Video call",
            "video_url": "https://meet.example.org/kmf",
            "interviewers": [interviewer.pk],
        },
        follow=True,
    )

    slots = list(Slot.objects.order_by("starts_at"))
    local = [timezone.localtime(slot.starts_at, interview_call.zone) for slot in slots]
    assert [(moment.date(), moment.strftime("%H:%M")) for moment in local] == [
        (day, "09:00"),
        (day, "10:30"),
        (day, "14:00"),
    ]
    assert all(list(slot.interviewers.all()) == [interviewer] for slot in slots)
    assert "3 slots offered." in response.content.decode()
    entry = AuditEntry.objects.get(action="interview.slots_offered")
    assert sentence(entry) == "Sara Secretariat offered 3 interview slots."
    page = response.content.decode()
    assert "Video call" in page
    assert "Ivo Interviewer" in page
    assert "Free" in page


def test_a_wrong_time_is_named_and_what_was_typed_stays(secretariat_client, interview_call):
    response = secretariat_client.post(
        reverse("interviews:slots", args=[interview_call.slug]),
        {
            "day": (timezone.now() + timedelta(days=10)).date().isoformat(),
            "times": "09:00, 25:00, noon",
            "duration_minutes": "45",
            "location": "Room 4, The Hague",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "Not a time of day: 25:00, noon." in page
    assert "Room 4, The Hague" in page
    assert "09:00, 25:00, noon" in page
    assert not Slot.objects.exists()


def test_slots_outside_the_stage_or_in_the_past_are_refused(
    secretariat_client, interview_call, stage, secretariat
):
    with pytest.raises(domain.DomainError):
        domain.offer_slots(
            stage,
            [timezone.now() - timedelta(hours=1)],
            duration_minutes=30,
            location="x",
            video_url="",
            interviewers=[],
            actor=secretariat,
        )
    response = secretariat_client.post(
        reverse("interviews:slots", args=[interview_call.slug]),
        {
            "day": (timezone.now() + timedelta(days=60)).date().isoformat(),
            "times": "09:00",
            "duration_minutes": "45",
            "location": "Room 4",
        },
    )

    assert response.status_code == 400
    assert "Slots must start while the interview stage is open" in response.content.decode()
    assert not Slot.objects.exists()


def test_an_unbooked_slot_is_removed_a_booked_one_stays(
    secretariat_client, stage, secretariat, make_shortlisted
):
    free, taken = domain.offer_slots(stage, [in_days(5), in_days(6)], duration_minutes=30,
                                     location="Room 4", video_url="", interviewers=[],
                                     actor=secretariat)  # fmt: skip
    eoi = make_shortlisted()
    domain.book(eoi, taken.pk, eoi.owner)
    url = "interviews:remove_slot"

    secretariat_client.post(reverse(url, args=[stage.call.slug, free.pk]))
    response = secretariat_client.post(reverse(url, args=[stage.call.slug, taken.pk]), follow=True)

    assert list(Slot.objects.all()) == [taken]
    assert "This slot is booked: it cannot be removed." in response.content.decode()
    assert AuditEntry.objects.filter(action="interview.slot_removed").count() == 1


def test_a_call_without_an_interview_stage_says_so(secretariat_client, call):
    response = secretariat_client.get(reverse("interviews:slots", args=[call.slug]))

    assert "This call has no interview stage." in response.content.decode()
    response = secretariat_client.post(reverse("interviews:slots", args=[call.slug]), {})
    assert response.status_code == 404


def test_the_dashboard_links_to_the_slots_of_a_call_with_interviews(
    secretariat_client, interview_call, call
):
    link = reverse("interviews:slots", args=[interview_call.slug])

    assert (
        link
        in secretariat_client.get(
            reverse("review:dashboard", args=[interview_call.slug])
        ).content.decode()
    )
    assert (
        "/interviews/"
        not in secretariat_client.get(
            reverse("review:dashboard", args=[call.slug])
        ).content.decode()
    )


def test_the_list_keeps_a_constant_number_of_queries(
    secretariat_client, stage, secretariat, interviewer, make_shortlisted,
    django_assert_num_queries,
):  # fmt: skip
    def add(count, first_day):
        slots = domain.offer_slots(
            stage, [in_days(first_day + n) for n in range(count)], duration_minutes=30,
            location="Room", video_url="", interviewers=[interviewer, secretariat],
            actor=secretariat,
        )  # fmt: skip
        for slot in slots:
            eoi = make_shortlisted()
            domain.book(eoi, slot.pk, eoi.owner)

    url = reverse("interviews:slots", args=[stage.call.slug])
    add(2, 2)
    secretariat_client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert secretariat_client.get(url).status_code == 200
    add(8, 5)
    with django_assert_num_queries(len(one.captured_queries)) as many:
        page = secretariat_client.get(url).content.decode()
    assert page.count("KMF30-") == 10
    # The booked EOIs are named, not read whole: their answers are not loaded.
    eoi_reads = [
        q["sql"] for q in many.captured_queries if 'JOIN "submissions_expression' in q["sql"]
    ]
    assert eoi_reads
    assert not any('"submissions_expressionofinterest"."answers"' in sql for sql in eoi_reads)


def test_the_list_shows_fifty_slots_a_page_opening_at_the_next_slot_to_come(
    secretariat_client, stage, secretariat
):
    slots = domain.offer_slots(
        stage, [in_days(2, hour) for hour in range(8, 20)]
        + [in_days(day, hour) for day in range(3, 8) for hour in range(8, 17)],
        duration_minutes=30, location="Room", video_url="", interviewers=[], actor=secretariat,
    )  # fmt: skip
    assert len(slots) == 57
    url = reverse("interviews:slots", args=[stage.call.slug])

    first = secretariat_client.get(url).content.decode()
    assert first.count("<tr>") - 1 == 50  # the header's row, then fifty slots
    assert "Page 1 of 2 (57 in all)" in first
    second = secretariat_client.get(url, {"page": 2}).content.decode()
    assert second.count("<tr>") - 1 == 7
    assert "Page 2 of 2 (57 in all)" in second

    # Once 52 have gone by, the page opens on the second page, where the 53rd is.
    gone_by = [slot.pk for slot in sorted(slots, key=lambda slot: slot.starts_at)[:52]]
    Slot.objects.filter(pk__in=gone_by).update(starts_at=timezone.now() - timedelta(days=1))
    assert "Page 2 of 2 (57 in all)" in secretariat_client.get(url).content.decode()
    # Beyond the last page, the last; not a number, the first.
    assert "Page 2 of 2" in secretariat_client.get(url, {"page": 9}).content.decode()
    assert "Page 1 of 2" in secretariat_client.get(url, {"page": "x"}).content.decode()


def test_another_role_gets_a_404(client, interview_call):
    client.force_login(ApplicantFactory())

    assert client.get(reverse("interviews:slots", args=[interview_call.slug])).status_code == 404


def test_times_are_read_in_the_calls_zone_across_daylight_saving(interview_call):
    from interviews.forms import SlotsForm

    form = SlotsForm(
        {"day": "2031-03-30", "times": "01:30, 03:30", "duration_minutes": "30", "location": "x"},
        call=interview_call,
    )

    assert form.is_valid(), form.errors
    # Amsterdam moves from CET (UTC+1) to CEST (UTC+2) at 02:00 that night.
    assert form.starts() == [
        datetime(2031, 3, 30, 0, 30, tzinfo=UTC),
        datetime(2031, 3, 30, 1, 30, tzinfo=UTC),
    ]
