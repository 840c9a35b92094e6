"""An interview in the applicants' data download, and gone from the calendar files once the
applicant deletes their account."""

import pytest

from accounts.privacy import delete_account, personal_data
from interviews import domain
from notifications.models import OutboundEmail
from submissions import coapplicants
from tests.factories import ApplicantFactory

from .conftest import in_days

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(make_shortlisted, stage, secretariat, interviewer):
    lead = ApplicantFactory(email="amina@example.org", name="Amina Traoré")
    eoi = make_shortlisted(owner=lead)
    (slot,) = domain.offer_slots(
        stage, [in_days(5)], duration_minutes=45, location="Room 4", video_url="",
        interviewers=[interviewer], actor=secretariat,
    )  # fmt: skip
    domain.book(eoi, slot.pk, lead, time_zone="Africa/Bamako")
    return eoi, slot


def test_the_lead_and_a_coapplicant_find_the_interview_in_their_data(booked):
    eoi, slot = booked
    partner = ApplicantFactory(email="partner@example.org")
    coapplicants.accept(coapplicants.invite(eoi, eoi.owner, partner.email, []), partner)

    for person, booked_by_them in ((eoi.owner, True), (partner, False)):
        (interview,) = personal_data(person)["interviews"]
        assert interview["reference"] == eoi.reference
        assert interview["starts_at"] == slot.starts_at.isoformat()
        assert interview["time_zone"] == "Africa/Bamako"
        assert interview["booked_by_you"] is booked_by_them
        assert "notes" not in interview
        assert "score" not in interview
    assert personal_data(ApplicantFactory())["interviews"] == []


def test_deleting_the_account_clears_the_invitations_that_name_the_applicant(booked, interviewer):
    eoi, _slot = booked
    invitations = OutboundEmail.objects.exclude(attachments=[])
    # One to the applicant, one to the interviewer: both name the applicant as attendee.
    assert sorted(invitations.values_list("to", flat=True)) == sorted(
        ["amina@example.org", interviewer.email]
    )
    assert all("amina@example.org" in unfolded(mail) for mail in invitations)

    delete_account(eoi.owner)

    assert [
        unfolded(mail) for mail in OutboundEmail.objects.all() if "amina" in unfolded(mail)
    ] == []


def unfolded(mail):
    return "".join(part["content"] for part in mail.attachments).replace("\r\n ", "")
