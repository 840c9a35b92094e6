"""Issue 16, items 4 and 5: a reviewer declares a conflict of interest before the EOI opens; the
Secretariat records known conflicts (with an EOI or an organisation) that no assignment crosses;
automatic assignment prefers reviewers who know an EOI's challenges (then countries), keeps the
load even, and is shown before it is saved."""

from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from review import domain
from review.models import Assignment, Conflict, Review, ReviewerExpertise
from submissions.domain import DomainError
from tests.factories import ApplicantFactory, ChallengeFactory, add_partner
from tests.files import attach_budget

pytestmark = pytest.mark.django_db

SUMMARY = "Local forums decide which disputes matter"  # EOIFactory's summary, an answer


@pytest.fixture
def assigned(make_eoi, make_reviewer, secretariat):
    """An EOI with a budget file and a partner, assigned to a reviewer who has not declared."""
    eoi = make_eoi(title="Forums in Mopti", organisation_name="Réseau Justice Locale")
    eoi.status = "draft"
    eoi.save()
    attach_budget(eoi)
    eoi.status = "under_review"
    eoi.save()
    add_partner(eoi, name="Association des Femmes", country="BF", role="Hosts the forums")
    reviewer = make_reviewer()
    (assignment,) = domain.assign([eoi], reviewer, secretariat)
    return assignment


def urls(eoi):
    return {
        "review": reverse("review:review_eoi", args=[eoi.uuid]),
        "declare": reverse("review:declare_conflict", args=[eoi.uuid]),
        "file": reverse("submissions:attachment", args=[eoi.uuid, eoi.attachments.get().pk]),
    }


# ----- Conflicts before content -----


def test_the_reviewer_sees_only_who_is_behind_the_eoi_until_they_declare(client, assigned):
    eoi, reviewer = assigned.eoi, assigned.reviewer
    client.force_login(reviewer)

    page = client.get(urls(eoi)["review"]).content.decode()

    assert "Forums in Mopti" in page
    assert "Réseau Justice Locale" in page
    assert "Association des Femmes" in page
    assert "Burkina Faso" in page
    assert "Mali" in page
    assert "No conflict — open the application" in page
    assert SUMMARY not in page
    assert "data-weight" not in page  # no scoring form either
    assert eoi.attachments.get().original_name not in page
    assert client.get(urls(eoi)["file"]).status_code == 404


def test_scores_sent_before_declaring_are_not_saved(client, assigned):
    eoi, reviewer = assigned.eoi, assigned.reviewer
    (criterion, _other) = eoi.call.rubric
    client.force_login(reviewer)

    response = client.post(urls(eoi)["review"], {f"score_{criterion.pk}": "4", "save": ""})

    assert response.status_code == 200
    assert SUMMARY not in response.content.decode()
    assert not Review.objects.exists()


def test_no_conflict_opens_the_answers_and_files_and_is_on_the_record(client, assigned):
    eoi, reviewer = assigned.eoi, assigned.reviewer
    client.force_login(reviewer)

    response = client.post(urls(eoi)["declare"], {"declaration": "no_conflict", "reason": ""})

    assert response.status_code == 302
    assert response["Location"] == urls(eoi)["review"]
    assigned.refresh_from_db()
    assert assigned.declaration == Assignment.Declaration.NO_CONFLICT
    assert assigned.declared_at is not None
    assert AuditEntry.objects.filter(action="review.no_conflict_declared").count() == 1
    assert SUMMARY in client.get(urls(eoi)["review"]).content.decode()
    assert client.get(urls(eoi)["file"]).status_code == 200


def test_the_conflict_screen_shows_the_names_even_on_a_blind_call(client, assigned):
    eoi, reviewer = assigned.eoi, assigned.reviewer
    eoi.call.blind_review = True
    eoi.call.save()
    client.force_login(reviewer)

    screen = client.get(urls(eoi)["review"]).content.decode()
    assert "Réseau Justice Locale" in screen
    assert "Association des Femmes" in screen
    assert "Forums in Mopti" not in screen.split("<main")[0]  # not in the page's title

    client.post(urls(eoi)["declare"], {"declaration": "no_conflict"})
    opened = client.get(urls(eoi)["review"]).content.decode()
    assert "Réseau Justice Locale" not in opened
    assert "Association des Femmes" not in opened


def test_a_conflict_with_no_reason_releases_the_assignment(client, assigned):
    eoi, reviewer = assigned.eoi, assigned.reviewer
    client.force_login(reviewer)

    response = client.post(urls(eoi)["declare"], {"declaration": "conflict", "reason": ""})

    assert response.status_code == 302
    assigned.refresh_from_db()
    assert assigned.released_at
    assert assigned.release_reason == Assignment.Release.CONFLICT
    assert assigned.declaration == Assignment.Declaration.CONFLICT
    assert Conflict.objects.get(eoi=eoi, reviewer=reviewer).recorded_by == reviewer
    assert [client.get(url).status_code for url in urls(eoi).values()] == [404, 404, 404]


def test_a_declaration_without_a_choice_is_asked_again(client, assigned):
    client.force_login(assigned.reviewer)

    response = client.post(urls(assigned.eoi)["declare"], {"declaration": "maybe"})

    assert response.status_code == 200
    assert "Choose whether you have a conflict of interest." in response.content.decode()
    assigned.refresh_from_db()
    assert not assigned.declaration
    assert not assigned.released_at


# ----- Known conflicts -----


def test_a_conflict_with_an_organisation_blocks_the_lead_and_the_partners(
    make_eoi, make_reviewer, secretariat
):
    reviewer = make_reviewer(name="Jonas de Vries")
    led = make_eoi(organisation_name="Radio Kledu")
    partnered = make_eoi(organisation_name="Another lead")
    add_partner(partnered, name="  radio   KLEDU ", country="ML", role="Broadcasts")
    free = make_eoi(organisation_name="Another lead")
    Conflict.objects.create(reviewer=reviewer, organisation="Radio Kledu", reason="Board member")

    with pytest.raises(DomainError, match="Jonas de Vries has a conflict of interest with Radio"):
        domain.assign([led], reviewer, secretariat)
    with pytest.raises(DomainError, match=f"Radio Kledu, named in {partnered.reference}"):
        domain.assign([free, partnered], reviewer, secretariat)

    assert not Assignment.objects.exists()  # all or none
    assert len(domain.assign([free], reviewer, secretariat)) == 1


def test_bulk_assignment_names_the_conflict_and_assigns_nothing(
    client, make_eoi, make_reviewer, secretariat
):
    reviewer = make_reviewer(name="Jonas de Vries")
    eois = [make_eoi(), make_eoi(organisation_name="Radio Kledu")]
    Conflict.objects.create(reviewer=reviewer, organisation="radio kledu")
    client.force_login(secretariat)

    response = client.post(
        reverse("review:bulk_action", args=[eois[0].call.slug]),
        {
            "action": "assign",
            "confirmed": "yes",
            "reviewer": reviewer.pk,
            "eoi": [e.uuid for e in eois],
        },
        follow=True,
    )

    assert "conflict of interest with radio kledu" in response.content.decode()
    assert not Assignment.objects.exists()


def test_automatic_assignment_never_crosses_a_conflict_with_an_organisation(
    rubric_call, make_eoi, make_reviewer, secretariat
):
    reviewers = [make_reviewer() for _ in range(3)]
    partnered = make_eoi()
    add_partner(partnered, name="Radio Kledu", country="ML", role="Broadcasts")
    led = make_eoi(organisation_name="RADIO KLEDU")
    Conflict.objects.create(reviewer=reviewers[0], organisation="Radio Kledu")

    domain.auto_assign(rubric_call, secretariat, per_eoi=3)

    assert set(Assignment.objects.filter(reviewer=reviewers[0]).values_list("eoi", flat=True)) == (
        set()
    )
    assert Assignment.objects.filter(eoi=partnered).count() == 2
    assert Assignment.objects.filter(eoi=led).count() == 2


def test_the_secretariat_records_a_conflict_in_the_admin_and_it_releases_what_crosses_it(
    client, make_eoi, make_reviewer, secretariat
):
    eoi = make_eoi()
    add_partner(eoi, name="Radio Kledu", country="ML", role="Broadcasts")
    reviewer = make_reviewer()
    (assignment,) = domain.assign([eoi], reviewer, secretariat)
    client.force_login(secretariat)
    add = reverse("admin:review_conflict_add")

    refused = client.post(add, {"reviewer": reviewer.pk, "organisation": " ", "reason": ""})
    assert "Name either an expression of interest or an organisation" in refused.content.decode()

    client.post(add, {"reviewer": reviewer.pk, "organisation": " Radio  Kledu ", "reason": "Board"})

    conflict = Conflict.objects.get(eoi=None)
    assert (conflict.organisation, conflict.recorded_by) == ("Radio Kledu", secretariat)
    assignment.refresh_from_db()
    assert assignment.release_reason == Assignment.Release.CONFLICT
    assert AuditEntry.objects.filter(action="review.conflict_recorded").exists()


# ----- Expertise -----


@pytest.fixture
def themes(rubric_call):
    return [ChallengeFactory(call=rubric_call, number=n) for n in (1, 2, 3)]


def knows(reviewer, challenges=(), countries=()):
    return domain.save_expertise(reviewer, list(challenges), list(countries), reviewer)


def test_automatic_assignment_prefers_experts_within_an_even_share(
    rubric_call, make_eoi, make_reviewer, secretariat, themes
):
    experts = [make_reviewer(), make_reviewer()]
    others = [make_reviewer(), make_reviewer()]
    for expert in experts:
        knows(expert, [themes[0]])
    knows(others[0], [themes[2]])
    on_theme = [make_eoi(challenges=[themes[0]]) for _ in range(2)]

    plan = domain.propose(rubric_call, per_eoi=1)
    assert {reviewer for p in plan.proposals for reviewer, _how in p.reviewers} == set(experts)
    assert not Assignment.objects.exists()  # a proposal saves nothing

    # Four EOIs on the theme for four reviewers: the experts take their even share, no more.
    on_theme += [make_eoi(challenges=[themes[0]]) for _ in range(2)]
    domain.auto_assign(rubric_call, secretariat, per_eoi=1)
    load = Counter(Assignment.objects.values_list("reviewer", flat=True))
    assert load == Counter({reviewer.pk: 1 for reviewer in [*experts, *others]})


def test_experts_go_where_they_are_scarce_then_countries_count(
    rubric_call, make_eoi, make_reviewer, secretariat, themes
):
    generalist, specialist, traveller = make_reviewer(), make_reviewer(), make_reviewer()
    knows(generalist, [themes[0], themes[1]])
    knows(specialist, [themes[0]])
    knows(traveller, countries=["NE"])
    common = make_eoi(challenges=[themes[0]], countries=["ML"])  # two experts
    rare = make_eoi(challenges=[themes[1]], countries=["ML"])  # only the generalist
    sahel = make_eoi(challenges=[themes[2]], countries=["NE"])  # the traveller's country

    plan = domain.propose(rubric_call, per_eoi=1)

    chosen = {p.eoi: p.reviewers[0] for p in plan.proposals}
    assert chosen[rare] == (generalist, domain.Match.CHALLENGE)
    assert chosen[common] == (specialist, domain.Match.CHALLENGE)
    assert chosen[sahel] == (traveller, domain.Match.COUNTRY)


def test_a_reviewer_states_their_expertise_from_their_reviews_page(client, make_reviewer, themes):
    reviewer = make_reviewer()
    client.force_login(reviewer)
    url = reverse("review:expertise")

    assert url in client.get(reverse("review:assignments")).content.decode()
    page = client.get(url).content.decode()
    assert themes[1].title in page
    field = f"challenges_{themes[0].call_id}"
    response = client.post(url, {field: [themes[1].pk], "countries": ["ML", "NE"]})

    assert response.status_code == 302
    expertise = ReviewerExpertise.objects.get(reviewer=reviewer)
    assert list(expertise.challenges.all()) == [themes[1]]
    assert [c.code for c in expertise.countries] == ["ML", "NE"]
    assert 'value="NE" selected' in client.get(url).content.decode()


def test_an_applicant_has_no_expertise_page(client):
    client.force_login(ApplicantFactory())

    assert client.get(reverse("review:expertise")).status_code == 404


# ----- The proposal, then the confirmation -----


def test_the_automatic_assignment_is_shown_then_saved_on_confirmation(
    client, rubric_call, make_eoi, make_reviewer, secretariat, themes
):
    expert = make_reviewer(name="Amina Traoré")
    make_reviewer(name="Pieter Jansen")
    knows(expert, [themes[0]])
    eoi = make_eoi(challenges=[themes[0]], title="Forums in Mopti")
    client.force_login(secretariat)
    url = reverse("review:auto_assign", args=[rubric_call.slug])

    sent = client.post(
        reverse("review:bulk_action", args=[rubric_call.slug]), {"action": "auto_assign"}
    )
    assert sent["Location"] == url
    page = client.get(url).content.decode()
    assert not Assignment.objects.exists()
    assert eoi.reference in page
    assert "Forums in Mopti" in page
    assert "Amina Traoré" in page
    assert "knows a challenge" in page
    assert "Pieter Jansen" in page
    plan = domain.propose(rubric_call)

    response = client.post(url, {"plan": plan.digest})

    assert response.status_code == 302
    assert sorted(Assignment.objects.values_list("eoi", "reviewer")) == plan.pairs
    assert len(plan) == 2  # the call asks for 3; two reviewers exist


def test_a_stale_proposal_saves_nothing_and_shows_the_new_one(
    client, rubric_call, make_eoi, make_reviewer, secretariat
):
    first, second = make_reviewer(), make_reviewer()
    eoi = make_eoi(organisation_name="Radio Kledu")
    client.force_login(secretariat)
    url = reverse("review:auto_assign", args=[rubric_call.slug])
    shown = domain.propose(rubric_call, per_eoi=3)
    assert (eoi.pk, first.pk) in shown.pairs
    # Meanwhile, the Secretariat learns of a conflict.
    Conflict.objects.create(reviewer=first, organisation="radio kledu")

    response = client.post(url, {"plan": shown.digest})

    assert response.status_code == 200
    assert "nothing was saved" in response.content.decode()
    assert not Assignment.objects.exists()
    fresh = domain.propose(rubric_call)
    assert fresh.pairs == [(eoi.pk, second.pk)]
    client.post(url, {"plan": fresh.digest})
    assert list(Assignment.objects.values_list("eoi", "reviewer")) == [(eoi.pk, second.pk)]


def test_the_proposal_page_keeps_a_constant_number_of_queries(
    client, rubric_call, make_eoi, make_reviewer, secretariat, themes, django_assert_num_queries
):
    for _ in range(3):
        knows(make_reviewer(), [themes[0]], ["ML"])
    Conflict.objects.create(reviewer=make_reviewer(), organisation="Radio Kledu")
    add_partner(make_eoi(challenges=[themes[0]]), name="Radio Kledu", country="ML", role="x")
    client.force_login(secretariat)
    url = reverse("review:auto_assign", args=[rubric_call.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)

    for _ in range(20):
        add_partner(make_eoi(challenges=[themes[1]]), name="Radio Kledu", country="ML", role="x")
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count('href="/review/secretariat/eois/') == 21


def test_the_expertise_page_names_countries_in_the_readers_language(client, make_reviewer):
    client.force_login(make_reviewer(preferred_language="fr"))

    page = client.get(reverse("review:expertise"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Allemagne" in page
