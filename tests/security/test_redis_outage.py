"""A Redis outage as production lives it: gunicorn, a Celery worker and beat, all with the
production settings (DEBUG off, Redis cache and broker, database sessions), a Redis of the
test's own that it stops for as long as the audit did, and a real SMTP server.

Applicants and the Secretariat keep working while Redis is down, and the receipt held by the
outage arrives within a minute of Redis coming back. The later stages' pages too: the full
proposal's step and autosave, the interview's booking, the Secretariat's proposals and dashboard.
"""

import re
import time
from contextlib import ExitStack
from datetime import timedelta

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse
from django.utils import timezone

from accounts.roles import SECRETARIAT
from interviews import domain as interviews
from interviews.models import Booking
from notifications.models import OutboundEmail
from submissions.kmf2021 import questionnaire_2021
from submissions.models import ExpressionOfInterest, Proposal, Stage
from tests.conftest import wait_for
from tests.factories import ApplicantFactory, EOIFactory, give_role
from tests.files import attach_budget
from tests.processes import BeatProcess, GunicornProcess, WorkerProcess, site_env
from tests.submissions.proposal_helpers import invited_eoi
from tests.totp import fresh_code

pytestmark = [
    pytest.mark.needs_redis,
    pytest.mark.needs_postgres,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')
# As long as the audit's outage.
OUTAGE_SECONDS = 46
RECEIPT_DEADLINE_SECONDS = 60


@pytest.fixture
def site(private_redis, smtp_server, settings, tmp_path):
    """gunicorn, a worker and beat on the test database, private_redis and the SMTP sink."""
    env = site_env(private_redis.url, settings.EMAIL_PORT, MEDIA_ROOT=str(settings.MEDIA_ROOT))
    web = GunicornProcess(env)
    processes = [web, WorkerProcess(env), BeatProcess(env, tmp_path / "beat-schedule")]
    with ExitStack() as running:
        for process in processes:
            running.callback(process.stop)
            process.start()
        yield web.url


def with_password(user):
    # Hashed as production hashes: the tests' own hasher is a fast one the site does not know.
    user.password = PBKDF2PasswordHasher().encode(PASSWORD, salt="redis-outage")
    user.save(update_fields=["password"])
    return user


def token(response):
    assert response.status_code == 200, response.status_code
    return CSRF.search(response.text).group(1)


def post(browser, url, data, form_page=None):
    """Post a form as the browser does: with the token of the page that carries it."""
    form = browser.get(form_page or url, timeout=10)
    return browser.post(
        url,
        {"csrfmiddlewaretoken": token(form), **data},
        headers={"Referer": form_page or url},
        allow_redirects=False,
        timeout=10,
    )


def project_answers(eoi):
    """The project step as the applicant's browser autosaves it: every field of the step."""
    project = questionnaire_2021().step("project")
    return {question.key: eoi.answers.get(question.key, "") for question in project.questions}


def sign_in(site, user, totp_secret=None):
    browser = requests.Session()
    signed_in = post(
        browser, f"{site}/accounts/login/", {"login": user.email, "password": PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.status_code
    if totp_secret:
        assert signed_in.headers["Location"] == reverse("mfa_authenticate")
        code = fresh_code(totp_secret)
        second_factor = post(browser, f"{site}{reverse('mfa_authenticate')}", {"code": code})
        assert second_factor.status_code == 302, second_factor.status_code
    return browser


def test_applicants_and_the_secretariat_keep_working_while_redis_is_down(
    site, private_redis, smtp_server
):
    applicant = with_password(ApplicantFactory(name="Awa Traoré"))
    eoi = attach_budget(EOIFactory(owner=applicant))
    secretariat = with_password(give_role(ApplicantFactory(is_staff=True), SECRETARIAT))
    eoi_url = f"{site}/eois/{eoi.uuid}"
    before = sign_in(site, applicant)
    assert before.get(f"{eoi_url}/project/", timeout=10).status_code == 200

    private_redis.stop()
    down_at = time.monotonic()

    # Signed in before the outage: still signed in.
    assert before.get(f"{eoi_url}/project/", timeout=10).status_code == 200
    # Signing in again, autosaving and submitting.
    browser = sign_in(site, applicant)
    assert browser.get(f"{site}/eois/", timeout=10).status_code == 200
    step = browser.get(f"{eoi_url}/project/", timeout=10)
    saved = browser.post(
        f"{eoi_url}/project/autosave/",
        {"csrfmiddlewaretoken": token(step), "version": VERSION.search(step.text).group(1),
         **project_answers(eoi), "title": "Forums that decide"},
        headers={"Referer": f"{eoi_url}/project/"},
        timeout=10,
    )  # fmt: skip
    assert saved.status_code == 200, saved.status_code
    submitted = post(
        browser, f"{eoi_url}/submit/", {"declares_accuracy": "on", "declares_consent": "on"}
    )
    assert submitted.status_code == 302, submitted.status_code
    print(f"\nThe submit answered in {submitted.elapsed.total_seconds():.2f} s with Redis down")
    eoi.refresh_from_db()
    assert (eoi.status, eoi.title) == (ExpressionOfInterest.Status.SUBMITTED, "Forums that decide")
    receipt = OutboundEmail.objects.get(eoi=eoi)
    assert (receipt.status, receipt.leased_until) == (OutboundEmail.Status.PENDING, None)
    # The Secretariat signs in with their second factor and works in the admin.
    staff = sign_in(site, secretariat, totp_secret=secretariat.totp_secret)
    for page in (
        "/admin/",
        "/admin/notifications/outboundemail/",
        "/admin/submissions/extension/add/",
    ):
        assert staff.get(f"{site}{page}", timeout=10).status_code == 200, page
    # Alive for the load balancer; not ready, for the monitoring.
    alive = requests.get(f"{site}/healthz", timeout=10)
    assert (alive.status_code, alive.json()["status"]) == (200, "degraded")
    assert requests.get(f"{site}/healthz/ready", timeout=10).status_code == 503
    assert smtp_server.messages == []

    time.sleep(max(0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
    private_redis.start()
    back_at = time.monotonic()

    arrived = wait_for(lambda: smtp_server.messages, seconds=RECEIPT_DEADLINE_SECONDS)
    print(f"\nThe receipt arrived {time.monotonic() - back_at:.1f} s after Redis came back")
    assert arrived, f"no receipt {RECEIPT_DEADLINE_SECONDS} s after Redis came back"
    assert wait_for(lambda: OutboundEmail.objects.get(eoi=eoi).status == "sent")
    time.sleep(1)  # a second copy would arrive now
    assert [m["Subject"] for m in smtp_server.messages] == [
        f"We received your expression of interest {eoi.reference}"
    ]
    assert requests.get(f"{site}/healthz/ready", timeout=10).status_code == 200


def test_the_later_stages_pages_serve_while_redis_is_down(site, private_redis):
    applicant = with_password(ApplicantFactory(name="Awa Traoré"))
    secretariat = with_password(give_role(ApplicantFactory(is_staff=True), SECRETARIAT))
    invited = invited_eoi(owner=applicant)
    call = invited.call
    interview = Stage.objects.create(call=call, order=3, kind=Stage.Kind.INTERVIEW)
    shortlisted = EOIFactory(
        call=call, owner=applicant, status="shortlisted", stage=interview, reference="KMF-0900"
    )
    (slot,) = interviews.offer_slots(
        interview, [timezone.now().replace(microsecond=0) + timedelta(days=3)],
        duration_minutes=45, location="Video call", video_url="", interviewers=[],
        actor=secretariat,
    )  # fmt: skip
    proposal_step = f"{site}/eois/{invited.uuid}/proposal/risks/"
    booking_page = f"{site}{reverse('interviews:booking', args=[shortlisted.uuid])}"

    private_redis.stop()

    browser = sign_in(site, applicant)
    step = browser.get(proposal_step, timeout=10)
    assert step.status_code == 200, step.status_code
    saved = browser.post(
        f"{proposal_step}autosave/",
        {"csrfmiddlewaretoken": token(step), "version": VERSION.search(step.text).group(1),
         "risks": "Insecurity on the roads.", "do_no_harm": ""},
        headers={"Referer": proposal_step},
        timeout=10,
    )  # fmt: skip
    assert saved.status_code == 200, saved.status_code
    assert Proposal.objects.get(eoi=invited).answers["risks"] == "Insecurity on the roads."
    booked = post(browser, booking_page, {"slot": slot.pk})
    assert booked.status_code == 302, booked.status_code
    assert Booking.objects.get(eoi=shortlisted, cancelled_at=None).slot == slot
    assert browser.get(booking_page, timeout=10).status_code == 200
    staff = sign_in(site, secretariat, totp_secret=secretariat.totp_secret)
    for page in (
        reverse("review:proposal_list", args=[call.slug]),
        reverse("review:dashboard", args=[call.slug]),
    ):
        assert staff.get(f"{site}{page}", timeout=10).status_code == 200, page

    private_redis.start()
    assert wait_for(lambda: requests.get(f"{site}/healthz/ready", timeout=10).status_code == 200)
