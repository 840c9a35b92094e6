"""Every signed-in request reads its session and its user, the user with their roles and whether
they have an authenticator (accounts.backends): two queries, not three for an applicant and four
for staff, and what they read is read afresh on each request."""

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import REVIEWERS, SECRETARIAT
from tests.factories import ApplicantFactory, CallFactory, EOIFactory, give_role

pytestmark = pytest.mark.django_db


def fixed_queries(client, path):
    """The queries of a GET of `path` that read the session, the user, groups or
    authenticators."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    tables = ("django_session", "accounts_user", "auth_group", "mfa_authenticator")
    read = [q["sql"] for q in queries.captured_queries if any(t in q["sql"] for t in tables)]
    return response, read


@pytest.mark.parametrize("role", [None, REVIEWERS, SECRETARIAT, "admin"])
def test_a_signed_in_request_reads_its_session_and_its_user_with_roles_in_two_queries(client, role):
    person = ApplicantFactory(is_staff=role == "admin", is_superuser=role == "admin")
    if role in (REVIEWERS, SECRETARIAT):
        give_role(person, role)
    elif role == "admin":
        give_role(person, SECRETARIAT)
        person.groups.clear()  # an authenticator, no group
    client.force_login(person)

    response, read = fixed_queries(client, reverse("help"))

    assert response.status_code == 200
    assert len(read) == 2, read
    assert "django_session" in read[0]
    assert "accounts_user" in read[1]


def test_a_role_removed_counts_from_the_next_request(client):
    reviewer = give_role(ApplicantFactory(), REVIEWERS)
    client.force_login(reviewer)
    assert client.get("/review/expertise/").status_code == 200

    reviewer.groups.remove(Group.objects.get(name=REVIEWERS))

    # Without a role, a former reviewer is an applicant: no reviewer's page, no second factor.
    assert client.get("/review/expertise/").status_code == 404
    assert client.get("/eois/").status_code == 200


def test_a_role_given_asks_for_an_authenticator_from_the_next_request(client):
    person = ApplicantFactory()
    client.force_login(person)
    assert client.get("/eois/").status_code == 200

    person.groups.add(Group.objects.get(name=SECRETARIAT))

    response = client.get("/eois/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_authenticator_removed_counts_from_the_next_request(client):
    reviewer = give_role(ApplicantFactory(), REVIEWERS)
    client.force_login(reviewer)
    assert client.get("/review/expertise/").status_code == 200

    Authenticator.objects.filter(user=reviewer).delete()

    response = client.get("/review/expertise/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_an_expired_session_is_no_session(client):
    person = ApplicantFactory()
    client.force_login(person)
    assert client.get("/eois/").status_code == 200

    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    response = client.get("/eois/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_user_made_inactive_is_signed_out_on_the_next_request(client):
    person = ApplicantFactory()
    client.force_login(person)
    assert client.get("/eois/").status_code == 200

    type(person).objects.filter(pk=person.pk).update(is_active=False)

    response = client.get("/eois/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_superuser_outside_the_groups_is_the_secretariat_and_needs_an_authenticator(client):
    admin = ApplicantFactory(is_staff=True, is_superuser=True)
    secretariat_page = reverse("review:dashboard", args=[CallFactory().slug])
    client.force_login(admin)
    response = client.get(secretariat_page)
    assert response["Location"] == reverse("mfa_activate_totp")

    give_role(admin, SECRETARIAT)
    admin.groups.clear()
    client.force_login(admin)
    assert client.get(secretariat_page).status_code == 200
    # Not a reviewer for all that.
    assert client.get("/review/expertise/").status_code == 404


def test_the_applicants_dashboard_costs_five_queries(
    applicant_client, applicant, django_assert_num_queries
):
    EOIFactory(owner=applicant)
    # The session, the user with their roles (their groups were one more query), the EOIs they
    # lead or co-apply to, their confirmed addresses and whether a partner names one.
    with django_assert_num_queries(5):
        response = applicant_client.get(reverse("submissions:dashboard"))
    assert response.status_code == 200


def test_a_session_signed_in_before_the_sites_backend_stays_signed_in(client):
    """Sessions from before accounts.backends name allauth's backend: a deploy signs nobody out."""
    applicant = ApplicantFactory()
    client.force_login(applicant)
    session = client.session
    session["_auth_user_backend"] = "allauth.account.auth_backends.AuthenticationBackend"
    session.save()

    response = client.get("/eois/")

    assert response.status_code == 200
    assert response.wsgi_request.user == applicant


@pytest.mark.django_db(transaction=True)
def test_a_session_from_before_the_sites_backend_reads_as_the_sites_on_the_async_path_too():
    from asgiref.sync import async_to_sync
    from django.contrib.auth import BACKEND_SESSION_KEY

    from core.sessions import SessionStore

    old = SessionStore()
    old[BACKEND_SESSION_KEY] = "allauth.account.auth_backends.AuthenticationBackend"
    old.create()

    data = async_to_sync(SessionStore(old.session_key).aload)()

    assert data[BACKEND_SESSION_KEY] == "accounts.backends.AuthenticationBackend"
