"""The deadline, to the second, whatever the applicant's time zone; and individual extensions."""

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from core.timezones import TIME_ZONE_COOKIE
from submissions import domain
from submissions.models import ExpressionOfInterest, Extension
from tests.factories import EOIFactory
from tests.files import attach_budget

pytestmark = pytest.mark.django_db

# 23:59:59 in Amsterdam (CET) on 27 January 2027 is 22:59:59 UTC.
DEADLINE = datetime(2027, 1, 27, 22, 59, 59, tzinfo=UTC)
SECOND = timedelta(seconds=1)


@pytest.fixture
def complete_draft(applicant):
    eoi = EOIFactory(
        owner=applicant,
        call__opens_at=DEADLINE - timedelta(days=60),
        call__closes_at=DEADLINE,
        call__time_zone="Europe/Amsterdam",
    )
    with time_machine.travel(DEADLINE - timedelta(days=1), tick=False):
        attach_budget(eoi)
    return eoi


@contextmanager
def signed_in_at(moment, client, user):
    """Travel to `moment` and sign in there (a session from today would have expired)."""
    with time_machine.travel(moment, tick=False):
        client.force_login(user)
        yield


def submit(client, eoi):
    url = reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": "submit"})
    return client.post(url, {"declares_accuracy": "on", "declares_consent": "on"})


def test_one_second_before_the_deadline_a_submission_from_kiritimati_is_accepted(
    client, complete_draft
):
    client.cookies[TIME_ZONE_COOKIE] = "Pacific/Kiritimati"  # already the 28th there
    with signed_in_at(DEADLINE - SECOND, client, complete_draft.owner):
        response = submit(client, complete_draft)

    complete_draft.refresh_from_db()
    assert response.status_code == 302
    assert complete_draft.status == ExpressionOfInterest.Status.SUBMITTED
    assert complete_draft.submitted_at == DEADLINE - SECOND


def test_at_the_deadline_a_submission_is_refused_with_a_clear_message(client, complete_draft):
    client.cookies[TIME_ZONE_COOKIE] = "America/Los_Angeles"  # still the 27th there
    with signed_in_at(DEADLINE + SECOND, client, complete_draft.owner):
        response = submit(client, complete_draft)
        page = client.get(response["Location"]).content.decode()

    complete_draft.refresh_from_db()
    assert complete_draft.status == ExpressionOfInterest.Status.DRAFT
    assert complete_draft.reference is None
    assert "can no longer be changed" in page


@pytest.mark.parametrize(
    ("moment", "accepted"),
    [(DEADLINE - SECOND, True), (DEADLINE, False), (DEADLINE + SECOND, False)],
)
def test_the_domain_itself_refuses_a_submission_at_the_deadline(complete_draft, moment, accepted):
    declared = {"declares_accuracy": True, "declares_consent": True}

    if accepted:
        assert domain.submit_eoi(
            complete_draft, complete_draft.owner, declared, now=moment
        ).reference
    else:
        with pytest.raises(domain.CallNotOpen):
            domain.submit_eoi(complete_draft, complete_draft.owner, declared, now=moment)


def test_from_kiritimati_the_deadline_is_already_the_next_day(client, complete_draft):
    client.cookies[TIME_ZONE_COOKIE] = "Pacific/Kiritimati"  # UTC+14
    with signed_in_at(DEADLINE - timedelta(hours=5), client, complete_draft.owner):
        step = reverse(
            "submissions:eoi_step", kwargs={"uuid": complete_draft.uuid, "step": "submit"}
        )
        page = client.get(step).content.decode()

    assert "Deadline: 28 January 2027, 12:59 +14 (<span data-countdown" in page
    assert ">5 hours</span> left)." in page


def test_withdrawing_after_the_deadline_is_not_possible(client, complete_draft):
    url = reverse("submissions:eoi_withdraw", kwargs={"uuid": complete_draft.uuid})
    with signed_in_at(DEADLINE + SECOND, client, complete_draft.owner):
        response = client.post(url)

    complete_draft.refresh_from_db()
    assert response.status_code == 404
    assert complete_draft.status == ExpressionOfInterest.Status.DRAFT


def test_after_the_deadline_steps_and_autosave_are_read_only(client, complete_draft):
    step = reverse("submissions:eoi_step", kwargs={"uuid": complete_draft.uuid, "step": "project"})
    autosave = reverse(
        "submissions:eoi_autosave", kwargs={"uuid": complete_draft.uuid, "step": "project"}
    )
    with signed_in_at(DEADLINE + SECOND, client, complete_draft.owner):
        assert client.get(step)["Location"] == complete_draft.get_absolute_url()
        response = client.post(autosave, {"version": 1, "title": "Too late"})
        detail = client.get(complete_draft.get_absolute_url()).content.decode()

    complete_draft.refresh_from_db()
    assert response.status_code == 403
    assert complete_draft.title != "Too late"
    assert "Community justice forums in Mopti" in detail
    assert ">Edit<" not in detail


def test_an_extension_lets_one_applicant_submit_after_the_deadline(
    client, complete_draft, applicant
):
    Extension.objects.create(
        call=complete_draft.call, applicant=applicant, until=DEADLINE + timedelta(days=2)
    )
    with signed_in_at(DEADLINE + timedelta(days=1), client, complete_draft.owner):
        response = submit(client, complete_draft)

    complete_draft.refresh_from_db()
    assert response.status_code == 302
    assert complete_draft.status == ExpressionOfInterest.Status.SUBMITTED


def test_an_extension_is_personal(client, complete_draft):
    other = EOIFactory(call=complete_draft.call)
    Extension.objects.create(
        call=complete_draft.call, applicant=complete_draft.owner, until=DEADLINE + timedelta(days=2)
    )

    with signed_in_at(DEADLINE + timedelta(days=1), client, other.owner):
        assert not domain.is_editable(other)
        submit(client, other)

    other.refresh_from_db()
    assert other.status == ExpressionOfInterest.Status.DRAFT


def test_the_dashboard_shows_the_time_left(client, complete_draft):
    with signed_in_at(DEADLINE - timedelta(days=2, hours=3), client, complete_draft.owner):
        page = client.get(reverse("submissions:dashboard")).content.decode()

    assert ">2 days, 3 hours</span> left" in page
    assert "27 January 2027, 23:59 CET" in page  # the call's zone while the visitor's is unknown


def test_the_dashboard_shows_the_deadline_in_the_visitors_zone(client, complete_draft):
    client.cookies[TIME_ZONE_COOKIE] = "Africa/Bamako"
    with signed_in_at(DEADLINE - timedelta(days=2), client, complete_draft.owner):
        page = client.get(reverse("submissions:dashboard")).content.decode()

    assert "27 January 2027, 22:59 GMT" in page


def test_nobody_can_start_an_eoi_before_the_call_opens(applicant_client, call):
    call.opens_at = call.closes_at - timedelta(days=1)
    call.save()

    response = applicant_client.post(reverse("submissions:apply", args=[call.slug]))

    assert response["Location"] == call.get_absolute_url()
    assert not ExpressionOfInterest.objects.exists()
