"""Whatever people type, no page fails; what is accepted reads back as it was typed (trimmed);
and markup comes out escaped on every page that shows it."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review import domain as review_domain
from submissions.models import ExpressionOfInterest
from tests.factories import ApplicantFactory, EOIFactory, add_partner, give_role

FIELDS = ["title", "summary", "problem_context", "activities_timeline", "outcomes_uptake"]

hostile_text = st.one_of(
    st.text(max_size=400),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.sampled_from(
        [
            "\u202eright-to-left override\u202c",
            "مرحبا بالعالم — שלום",
            "👩🏿‍⚖️🧑🏽‍🌾 " * 30,
            "\x00NUL in the middle",
            "x" * 1_000_000,
            "word " * 5000,
            '<script>alert("x")</script>',
            "=cmd|' /C calc'!A0",
            "\r\n\t  padded  \r\n",
        ]
    ),
)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(field=st.sampled_from(FIELDS), text=hostile_text)
def test_any_text_in_any_answer_never_fails_and_reads_back_unchanged(client, field, text):
    eoi = EOIFactory()
    before = eoi.answers.get(field, "")
    client.force_login(eoi.owner)
    url = reverse("submissions:eoi_autosave", kwargs={"uuid": eoi.uuid, "step": "project"})

    response = client.post(url, {"version": eoi.version, field: text})

    assert response.status_code == 200
    errors = response.json()["errors"]
    stored = ExpressionOfInterest.objects.get(pk=eoi.pk).answers.get(field, "")
    if field in errors:
        assert stored == before  # refused, with a message, and nothing half-saved
    else:
        assert stored == text.strip()
    page = client.get(reverse("submissions:eoi_step", kwargs={"uuid": eoi.uuid, "step": "project"}))
    assert page.status_code == 200


PAYLOAD = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


@pytest.mark.django_db
def test_markup_in_answers_is_escaped_for_applicants_reviewers_and_the_secretariat(client):
    from accounts.roles import REVIEWERS, SECRETARIAT

    eoi = EOIFactory(
        status="under_review",
        reference="KMF21-0001",
        title=PAYLOAD,
        summary=PAYLOAD,
        organisation_name=PAYLOAD,
        asymmetry=PAYLOAD,
    )
    add_partner(eoi, name=PAYLOAD, country="ML", role=PAYLOAD)
    reviewer = give_role(ApplicantFactory(), REVIEWERS)
    secretariat = give_role(ApplicantFactory(is_staff=True), SECRETARIAT)
    review_domain.assign([eoi], reviewer, secretariat)

    pages = [
        (eoi.owner, eoi.get_absolute_url()),
        (eoi.owner, reverse("submissions:dashboard")),
        (reviewer, reverse("review:review_eoi", args=[eoi.uuid])),
        (reviewer, reverse("review:assignments")),
        (secretariat, reverse("review:secretariat_eoi", args=[eoi.uuid])),
        (secretariat, reverse("review:eoi_list", args=[eoi.call.slug])),
    ]
    for person, url in pages:
        client.force_login(person)
        content = client.get(url).content.decode()
        assert "<script>alert(2)" not in content, url
        assert "<img src=x" not in content, url
        assert "&lt;script&gt;" in content or "&lt;img" in content, url
