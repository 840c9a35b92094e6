"""Applicants racing for one slot on PostgreSQL, at the same moment: exactly one wins."""

import threading

import pytest
from django.db import connection

from interviews import domain
from interviews.models import Booking
from notifications.models import OutboundEmail

from .conftest import in_days


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_of_six_applicants_booking_one_slot_at_once_exactly_one_wins(
    make_shortlisted, stage, secretariat
):
    eois = [make_shortlisted() for _ in range(6)]
    (slot,) = domain.offer_slots(stage, [in_days(5)], duration_minutes=30, location="Room",
                                 video_url="", interviewers=[], actor=secretariat)  # fmt: skip
    start = threading.Barrier(len(eois))
    outcomes, errors = [], []

    def book(eoi):
        try:
            start.wait()
            domain.book(eoi, slot.pk, eoi.owner)
            outcomes.append("booked")
        except domain.SlotTaken:
            outcomes.append("taken")
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=[eoi]) for eoi in eois]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcomes) == ["booked"] + ["taken"] * 5
    (booking,) = Booking.objects.all()
    # The losers' mails were rolled back with their attempt: only the winner's went out.
    assert set(OutboundEmail.objects.values_list("eoi", flat=True)) == {booking.eoi_id}


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_secretariat_moving_into_a_slot_an_applicant_books_at_once_one_wins(
    make_shortlisted, stage, secretariat
):
    moved, booker = make_shortlisted(), make_shortlisted()
    first, contested = domain.offer_slots(stage, [in_days(5), in_days(6)], duration_minutes=30,
                                          location="Room", video_url="", interviewers=[],
                                          actor=secretariat)  # fmt: skip
    domain.book(moved, first.pk, moved.owner)
    start = threading.Barrier(2)
    outcomes, errors = {}, []

    def attempt(name, change):
        try:
            start.wait()
            change()
            outcomes[name] = "done"
        except domain.SlotTaken:
            outcomes[name] = "taken"
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=attempt, args=["secretariat", lambda: domain.book(
            moved, contested.pk, secretariat, reason="The interviewer is ill.")]),
        threading.Thread(target=attempt, args=["applicant", lambda: domain.book(
            booker, contested.pk, booker.owner)]),
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcomes.values()) == ["done", "taken"]
    (holder,) = Booking.objects.filter(slot=contested, cancelled_at=None)
    winner = moved if outcomes["secretariat"] == "done" else booker
    assert holder.eoi == winner
    # The loser kept what it had: the moved booking its first slot, the other applicant none.
    if winner == booker:
        assert Booking.objects.get(eoi=moved).slot == first
    else:
        assert not Booking.objects.filter(eoi=booker).exists()
