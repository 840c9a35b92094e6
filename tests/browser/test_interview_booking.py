"""A shortlisted applicant in Tokyo picks an interview slot on a phone: the slots in their
own time zone and in the call's, a radio list they choose from by keyboard, no page wider
than the screen, no serious accessibility problem."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.roles import SECRETARIAT
from interviews import domain
from interviews.models import Booking
from submissions.models import Stage
from tests.browser.pages import inspect, record, sign_in
from tests.factories import ApplicantFactory, CallFactory, EOIFactory, give_role

pytestmark = [pytest.mark.needs_browser, pytest.mark.django_db(transaction=True)]


def test_an_applicant_in_tokyo_picks_a_slot_on_a_phone(live_server, browser):
    now = timezone.now()
    call = CallFactory(
        opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=30),
        time_zone="Europe/Amsterdam", contact_email="kmf@example.org",
    )  # fmt: skip
    stage = Stage.objects.create(call=call, order=2, kind=Stage.Kind.INTERVIEW)
    secretariat = give_role(ApplicantFactory(), SECRETARIAT)
    first = (now + timedelta(days=5)).replace(hour=8, minute=0, second=0, microsecond=0)
    slots = domain.offer_slots(stage, [first, first + timedelta(hours=1)], duration_minutes=45,
                               location="Video call", video_url="https://meet.example.org/x",
                               interviewers=[], actor=secretariat)  # fmt: skip
    eoi = EOIFactory(call=call, status="shortlisted", stage=stage, reference="KMF-0007")
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, timezone_id="Asia/Tokyo", locale="en-GB"
    )
    page = record(context.new_page())
    sign_in(context, live_server.url, eoi.owner)
    origin = live_server.url

    # The application's page leads there; its script tells the site the zone.
    page.goto(origin + eoi.get_absolute_url())
    page.get_by_role("link", name="Pick a time for your interview").click()
    page.reload()  # now the site knows the zone, and writes the times in it

    tokyo = timezone.localtime(slots[1].starts_at, timezone.get_fixed_timezone(9 * 60))
    amsterdam = timezone.localtime(slots[1].starts_at, call.zone)
    second = page.get_by_role("radio").nth(1)
    label = page.locator(f"label[for=slot-{slots[1].pk}]")
    expect(label).to_contain_text(f"{tokyo:%H:%M} (Asia/Tokyo)")
    expect(label).to_contain_text(f"{amsterdam:%H:%M} in the call's time zone (Europe/Amsterdam)")
    problems = inspect(page, "interview-slots", origin=origin)

    page.get_by_role("radio").first.focus()
    page.keyboard.press("ArrowDown")  # a radio group moves by arrows
    expect(second).to_be_checked()
    page.get_by_role("button", name="Book this slot").click()

    expect(page.get_by_text("Your interview is booked.")).to_be_visible()
    booking = Booking.objects.get()
    assert (booking.slot, booking.time_zone) == (slots[1], "Asia/Tokyo")
    expect(page.get_by_role("heading", name="Booked")).to_be_visible()
    problems += inspect(page, "interview-booked", origin=origin)
    assert problems == []
    context.close()
