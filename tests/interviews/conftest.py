from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import REVIEWERS, SECRETARIAT
from interviews import domain
from submissions.models import ExpressionOfInterest, Stage
from tests.factories import ApplicantFactory, CallFactory, EOIFactory, give_role


@pytest.fixture
def interview_call(db):
    """A call (in Amsterdam's time zone) whose interview stage is open for a month."""
    now = timezone.now()
    call = CallFactory(
        reference_prefix="KMF30",
        opens_at=now - timedelta(days=60),
        closes_at=now - timedelta(days=30),
        contact_email="kmf@example.org",
        time_zone="Europe/Amsterdam",
    )
    Stage.objects.create(
        call=call,
        order=2,
        kind=Stage.Kind.INTERVIEW,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )
    return call


@pytest.fixture
def stage(interview_call):
    return interview_call.stages.get(kind=Stage.Kind.INTERVIEW)


@pytest.fixture
def make_shortlisted(interview_call):
    counter = iter(range(1, 1000))

    def make(owner=None, **fields):
        eoi = EOIFactory(
            call=interview_call,
            owner=owner or ApplicantFactory(),
            status=ExpressionOfInterest.Status.SHORTLISTED,
            # Shortlisted at the full proposal: in the interview stage, as the lifecycle leaves it.
            stage=interview_call.stages.get(kind=Stage.Kind.INTERVIEW),
            reference=f"KMF30-{next(counter):04d}",
            submitted_at=timezone.now() - timedelta(days=40),
            **fields,
        )
        return eoi

    return make


@pytest.fixture
def secretariat(db):
    person = ApplicantFactory(name="Sara Secretariat", is_staff=True)
    return give_role(person, SECRETARIAT)


@pytest.fixture
def interviewer(db):
    person = ApplicantFactory(name="Ivo Interviewer")
    return give_role(person, REVIEWERS)


def in_days(days, hour=10):
    """A whole hour `days` from now."""
    return (timezone.now() + timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


@pytest.fixture
def offer(stage, secretariat):
    def offer(*starts, interviewers=()):
        return domain.offer_slots(
            stage,
            list(starts),
            duration_minutes=45,
            location="Video call",
            video_url="https://meet.example.org/kmf",
            interviewers=list(interviewers),
            actor=secretariat,
        )

    return offer


def calendar_of(mail):
    (attachment,) = mail.attachments
    assert attachment["content_type"] == "text/calendar"
    assert attachment["filename"] == "interview.ics"
    return attachment["content"].replace("\r\n ", "").split("\r\n"), attachment["method"]


def field(lines, name):
    return next(line.split(":", 1)[1] for line in lines if line.startswith(name + ":"))
