"""The Secretariat's page of an EOI names its co-applicants (issue 19), read in one query."""

from django.urls import reverse
from django.utils import timezone

from submissions import coapplicants
from submissions.models import CoApplicant, ExpressionOfInterest
from tests.clients import Client
from tests.factories import ApplicantFactory
from tests.review.test_query_counts import assert_constant

Status = ExpressionOfInterest.Status


def invited(eoi, email, parts=("step:project",), accept=False, revoke=False):
    invitation = coapplicants.invite(eoi, eoi.owner, email, list(parts))
    if accept:
        person = ApplicantFactory(email=email, name=f"Person {email.split('@')[0]}")
        invitation = coapplicants.accept(invitation, person)
    if revoke:
        coapplicants.revoke(invitation, eoi.owner)
    return invitation


def page_of(secretariat, eoi):
    client = Client()
    client.force_login(secretariat)
    return client, reverse("review:secretariat_eoi", args=[eoi.uuid])


def test_the_page_shows_each_coapplicant_its_state_and_its_parts(make_eoi, secretariat):
    eoi = make_eoi(status=Status.DRAFT)
    invited(eoi, "awa@example.org", accept=True)
    invited(eoi, "pending@example.org", parts=("question:title",))
    invited(eoi, "gone@example.org", parts=(), accept=True, revoke=True)
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(status=Status.UNDER_REVIEW)
    client, url = page_of(secretariat, eoi)

    page = client.get(url).content.decode()

    section = page[page.index('id="coapplicants"') :]
    assert "Person awa · awa@example.org" in section
    assert "Accepted on" in section
    assert "May edit: The whole step: " in section
    assert "pending@example.org" in section
    assert "not accepted yet" in section
    assert "gone@example.org" in section
    assert "Revoked on" in section
    assert "had accepted on" in section
    assert "nothing (reads only)" in section

    secretariat.preferred_language = "fr"
    secretariat.save()
    page_fr = client.get(url).content.decode()
    section_fr = page_fr[page_fr.index('id="coapplicants"') :]
    assert "Révoqué le" in section_fr
    assert "Peut modifier" in section_fr


def test_an_eoi_without_coapplicants_says_so(make_eoi, secretariat):
    client, url = page_of(secretariat, make_eoi())
    assert "The applicant invited no co-applicants." in client.get(url).content.decode()


def test_the_coapplicants_are_read_in_one_query_however_many(
    make_eoi, secretariat, django_assert_num_queries
):
    eoi = make_eoi(status=Status.DRAFT)
    invited(eoi, "one@example.org", accept=True)
    ExpressionOfInterest.objects.filter(pk=eoi.pk).update(status=Status.UNDER_REVIEW)
    client, url = page_of(secretariat, eoi)

    def more():  # rows alone: the page's audit trail stays as long
        now = timezone.now()
        for number in range(2, 6):
            CoApplicant.objects.create(
                eoi=eoi,
                email=f"p{number}@example.org",
                user=ApplicantFactory() if number % 2 == 0 else None,
                accepted_at=now if number % 2 == 0 else None,
                revoked_at=now if number == 5 else None,
                token_hash=f"{number:064d}",
                parts=["step:project", "question:title"],
            )

    body = assert_constant(client, url, more, django_assert_num_queries).decode()
    assert "p4@example.org" in body
    assert "p5@example.org" in body
