"""The Secretariat grants an applicant a later deadline in the admin, picking them by name."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import SECRETARIAT
from submissions.models import Extension
from tests.factories import ApplicantFactory, CallFactory, give_role
from tests.totp import fresh_code

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = (
    "/admin/autocomplete/?app_label=submissions&model_name=extension&field_name=applicant"
)


@pytest.fixture
def secretariat_client(client):
    """A Secretariat member (not a superuser), signed in with password and second factor."""
    member = give_role(ApplicantFactory(is_staff=True), SECRETARIAT)
    password = client.post(
        reverse("account_login"), {"login": member.email, "password": "correct horse battery"}
    )
    assert password["Location"] == reverse("mfa_authenticate")
    second_factor = client.post(
        reverse("mfa_authenticate"), {"code": fresh_code(member.totp_secret)}
    )
    assert second_factor.status_code == 302
    client.member = member
    return client


def test_the_secretariat_finds_an_applicant_by_name_and_grants_an_extension(secretariat_client):
    awa = ApplicantFactory(name="Awa Traoré", email="awa@example.org")
    ApplicantFactory(name="Jonas Berg")
    call = CallFactory()

    found = secretariat_client.get(f"{AUTOCOMPLETE}&term=Awa")

    assert found.status_code == 200
    assert [result["id"] for result in found.json()["results"]] == [str(awa.pk)]
    until = timezone.localtime(call.closes_at + timedelta(days=3))
    granted = secretariat_client.post(
        reverse("admin:submissions_extension_add"),
        {
            "call": call.pk,
            "applicant": awa.pk,
            "until_0": until.strftime("%Y-%m-%d"),
            "until_1": until.strftime("%H:%M:%S"),
            "reason": "Flooding cut the power in Mopti",
        },
    )
    assert granted.status_code == 302
    extension = Extension.objects.get()
    assert (extension.applicant, extension.granted_by) == (awa, secretariat_client.member)


def test_looking_people_up_is_all_the_secretariat_may_do_with_accounts(secretariat_client):
    applicant = ApplicantFactory()
    member = secretariat_client.member

    assert member.has_perm("accounts.view_user")
    assert not member.has_perm("accounts.change_user")
    assert not member.has_perm("accounts.add_user")
    assert not member.has_perm("accounts.delete_user")
    assert not member.is_superuser
    change = reverse("admin:accounts_user_change", args=[applicant.pk])
    assert secretariat_client.get(change).status_code == 200  # read-only
    assert secretariat_client.post(change, {"email": "taken@example.org"}).status_code == 403
    applicant.refresh_from_db()
    assert applicant.email != "taken@example.org"


def test_an_applicant_cannot_look_people_up_through_the_autocomplete(client):
    client.force_login(ApplicantFactory())
    ApplicantFactory(name="Awa Traoré")

    response = client.get(f"{AUTOCOMPLETE}&term=Awa")

    assert response.status_code == 302  # the admin sends non-staff to its sign-in page


def test_granting_an_extension_mails_the_applicant_the_new_deadline_and_again_when_moved(
    secretariat_client, django_capture_on_commit_callbacks
):
    from django.core import mail

    awa = ApplicantFactory(name="Awa Traoré", preferred_language="fr")
    call = CallFactory()
    until = timezone.localtime(call.closes_at + timedelta(days=3))

    def grant(moment, url=None):
        url = url or reverse("admin:submissions_extension_add")
        with django_capture_on_commit_callbacks(execute=True):
            response = secretariat_client.post(
                url,
                {
                    "call": call.pk,
                    "applicant": awa.pk,
                    "until_0": moment.strftime("%Y-%m-%d"),
                    "until_1": moment.strftime("%H:%M:%S"),
                    "reason": "Flooding cut the power in Mopti",
                },
            )
        assert response.status_code == 302

    grant(until)
    [told] = mail.outbox
    assert told.to == [awa.email]
    assert "prolong" in told.body.lower() or "nouvelle" in told.body.lower()  # in her language
    extension = Extension.objects.get()
    change = reverse("admin:submissions_extension_change", args=[extension.pk])
    grant(until, change)  # saved again, the same date: nothing new to tell
    assert len(mail.outbox) == 1
    grant(until + timedelta(days=1), change)
    assert len(mail.outbox) == 2


def test_an_extension_enters_the_history_of_the_applicants_eoi(secretariat_client):
    from audit.trail import entries_for
    from audit.wording import sentence
    from tests.factories import EOIFactory

    eoi = EOIFactory()
    until = timezone.localtime(eoi.call.closes_at + timedelta(days=3))
    secretariat_client.post(
        reverse("admin:submissions_extension_add"),
        {
            "call": eoi.call.pk,
            "applicant": eoi.owner.pk,
            "until_0": until.strftime("%Y-%m-%d"),
            "until_1": until.strftime("%H:%M:%S"),
        },
    )

    [entry] = entries_for(eoi).filter(action="eoi.extended")
    assert entry.actor == secretariat_client.member
    shown = timezone.localtime(Extension.objects.get().until, eoi.call.zone)  # the call's zone
    assert f"extended the applicant's deadline to {shown:%-d %B %Y, %H:%M}" in str(sentence(entry))


def test_an_extension_to_the_year_9999_is_refused(secretariat_client):
    call = CallFactory()

    refused = secretariat_client.post(
        reverse("admin:submissions_extension_add"),
        {
            "call": call.pk,
            "applicant": ApplicantFactory().pk,
            "until_0": "9999-12-31",
            "until_1": "23:59:00",
        },
    )

    assert refused.status_code == 200
    assert "Give a date between 2000 and 2100." in refused.content.decode()
    assert not Extension.objects.exists()
