"""The Secretariat's lists in the admin: the same number of SQL queries for 2 rows as for 12."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import SECRETARIAT
from notifications.models import EmailTemplate
from review.models import Assignment, Conflict, Decision
from submissions.models import Extension
from tests.factories import (
    ApplicantFactory,
    CallFactory,
    ChallengeFactory,
    EOIFactory,
    OutboundEmailFactory,
    give_role,
)

pytestmark = pytest.mark.django_db


def outbound_email(staff):
    eoi = EOIFactory()
    return OutboundEmailFactory(recipient=eoi.owner, to=eoi.owner.email, call=eoi.call, eoi=eoi)


def questionnaire(staff):
    """A questionnaire of one step asking one question."""
    from questionnaires import definition as definitions

    question = {"key": "title", "kind": "short_text", "label": {"en": "Title", "fr": "Titre"}}
    step = {"key": "project", "title": {"en": "Project"}, "questions": [question]}
    return definitions.save(definitions.from_dict({"name": "KMF 2030", "steps": [step]}))


def assignment(staff):
    return Assignment.objects.create(
        eoi=EOIFactory(), reviewer=ApplicantFactory(), due_at=timezone.now(), assigned_by=staff
    )


def authenticator(staff):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.create(
        user=ApplicantFactory(is_staff=True), type=Authenticator.Type.TOTP, data={"secret": "x"}
    )


def group(staff):
    from django.contrib.auth.models import Group

    return Group.objects.create(name=f"Panel {Group.objects.count()}")


def conflict(staff):
    """Declared with an EOI, or recorded by the Secretariat with an organisation, in turn."""
    if Conflict.objects.count() % 2:
        return Conflict.objects.create(
            reviewer=ApplicantFactory(), organisation="Radio Kledu", recorded_by=staff
        )
    return Conflict.objects.create(eoi=EOIFactory(), reviewer=ApplicantFactory(), reason="Advised")


def expertise(staff):
    from review import domain

    challenge = ChallengeFactory()
    return domain.save_expertise(ApplicantFactory(), [challenge], ["ML"], staff)


def grant(staff):
    from awards import domain
    from submissions.models import Stage

    award = Stage.objects.create(call=CallFactory(), order=2, kind=Stage.Kind.AWARD)
    eoi = EOIFactory(call=award.call, status="recommended", stage=award)
    return domain.record_grant(eoi, Decimal("5000"), "", staff)


def interview_slot(staff):
    from interviews.models import Slot
    from submissions.models import Stage

    stage = Stage.objects.create(call=CallFactory(), order=2, kind=Stage.Kind.INTERVIEW)
    slot = Slot.objects.create(
        stage=stage, starts_at=timezone.now(), duration_minutes=30, location="Room 4"
    )
    slot.interviewers.add(staff)
    return slot


def interview_booking(staff):
    from interviews.models import Booking

    slot = interview_slot(staff)
    return Booking.objects.create(slot=slot, eoi=EOIFactory(call=slot.stage.call), score=4)


ROWS = {
    "awards/grant": grant,
    "interviews/slot": interview_slot,
    "interviews/booking": interview_booking,
    "account/emailaddress": lambda staff: ApplicantFactory(),  # with its verified address
    "accounts/user": lambda staff: ApplicantFactory(),
    "auth/group": group,
    "mfa/authenticator": authenticator,
    "notifications/outboundemail": outbound_email,
    "notifications/emailtemplate": lambda staff: EmailTemplate.objects.create(
        call=CallFactory(), event="under_review", language="en", subject="s", body="b"
    ),
    "questionnaires/questionnaire": questionnaire,
    "questionnaires/question": questionnaire,  # one question each
    "review/assignment": assignment,
    "review/conflict": conflict,
    "review/reviewerexpertise": expertise,
    "review/decision": lambda staff: Decision.objects.create(
        eoi=EOIFactory(), outcome="invited", decided_by=staff
    ),
    "submissions/call": lambda staff: CallFactory(),
    "submissions/extension": lambda staff: Extension.objects.create(
        call=CallFactory(),
        applicant=ApplicantFactory(),
        until=timezone.now() + timedelta(days=2),
        granted_by=staff,
    ),
    "submissions/expressionofinterest": lambda staff: EOIFactory(),
}


def test_every_admin_list_is_counted_here():
    from django.contrib import admin

    registered = {
        f"{model._meta.app_label}/{model._meta.model_name}" for model in admin.site._registry
    }
    assert registered == set(ROWS)


@pytest.mark.parametrize("model", sorted(ROWS))
def test_an_admin_list_runs_as_many_queries_for_twelve_rows_as_for_two(client, model):
    # A superuser sees every list; the Secretariat's role sees most of them.
    staff = give_role(ApplicantFactory(is_staff=True, is_superuser=True), SECRETARIAT)
    client.force_login(staff)
    url = reverse(f"admin:{model.replace('/', '_')}_changelist")
    make = ROWS[model]

    def rows_shown():
        client.get(url)  # per-process caches warm, as on a running site
        with CaptureQueriesContext(connection) as counted:
            response = client.get(url)
        assert response.status_code == 200
        # The list's rows, under its heading's (a list with no action has no checkboxes).
        table = response.content.decode().partition('id="result_list"')[2].partition("</table>")
        return len(counted.captured_queries), table[0].count("<tr") - 1

    for _ in range(2):
        make(staff)
    queries, shown = rows_shown()
    for _ in range(10):
        make(staff)
    more_queries, more_shown = rows_shown()

    assert more_shown - shown == 10
    assert more_queries == queries
