"""A call's stages: the expression of interest, then a full proposal, interviews and the award,
configured on the call's admin page, loaded for 2021 and shown on the call page."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from accounts.roles import SECRETARIAT
from audit.models import AuditEntry
from core.timezones import TIME_ZONE_COOKIE
from questionnaires import definition as definitions
from questionnaires.models import Kind, Questionnaire
from review.models import Criterion, eoi_rubric
from submissions.kmf2021 import load_2021_call, proposal_questionnaire_2021, questionnaire_2021
from submissions.models import Call, Stage, sequence_problems
from tests.factories import CallFactory
from tests.review.conftest import in_group
from tests.review.test_rubric_admin import admin_form_data, open_call_in_admin
from tests.submissions.test_public_pages import page_text

pytestmark = pytest.mark.django_db

EOI, PROPOSAL, INTERVIEW, AWARD = Stage.Kind


def at(day, hour=0, minute=0):
    return datetime(2027, 3, day, hour, minute, tzinfo=UTC)


def stage(call, order, kind, opens=None, closes=None, **fields):
    return Stage(call=call, order=order, kind=kind, opens_at=opens, closes_at=closes, **fields)


# ----- One stage ---------------------------------------------------------------------------


def test_the_eoi_stage_takes_the_calls_dates_and_questionnaire():
    call = CallFactory()
    eoi = stage(call, 1, EOI, opens=at(1), closes=at(2))

    with pytest.raises(ValidationError) as refused:
        eoi.full_clean()

    assert set(refused.value.message_dict) == {"opens_at", "closes_at"}
    assert "takes the call's dates" in refused.value.message_dict["opens_at"][0]
    eoi = stage(call, 1, EOI)
    eoi.full_clean()
    assert (eoi.starts_at, eoi.ends_at) == (call.opens_at, call.closes_at)
    assert eoi.questionnaire_asked_id == call.questionnaire_id


@pytest.mark.parametrize(
    ("opens", "closes", "field", "message"),
    [
        (at(1), None, "closes_at", "Give the stage both dates, or neither"),
        (None, at(1), "opens_at", "Give the stage both dates, or neither"),
        (at(2), at(1), "closes_at", "The stage closes after it opens."),
    ],
)
def test_a_later_stage_has_both_dates_in_order(opens, closes, field, message):
    proposal = stage(CallFactory(), 2, PROPOSAL, opens=opens, closes=closes)

    with pytest.raises(ValidationError) as refused:
        proposal.full_clean()

    assert message in refused.value.message_dict[field][0]


def test_a_stage_without_dates_is_to_be_announced(client):
    call = CallFactory()
    stage(call, 1, EOI).save()
    interview = stage(call, 2, INTERVIEW)
    interview.full_clean()
    interview.save()

    page = page_text(client.get(call.get_absolute_url()))

    assert "Interviews of the shortlisted Dates to be announced" in page


def test_a_stage_closes_with_its_kinds_decisions_only():
    award = stage(CallFactory(), 4, AWARD, decisions=["invited"])

    with pytest.raises(ValidationError) as refused:
        award.full_clean()

    assert refused.value.message_dict["decisions"] == [
        "Award is closed by these decisions only: Awarded a grant, Waitlisted, Not selected."
    ]
    award.decisions = []
    award.full_clean()
    assert award.decisions == ["awarded", "waitlisted", "not_selected"]
    award.decisions = ["not_selected", "awarded"]
    assert award.outcomes == ["awarded", "not_selected"]


def test_the_database_keeps_one_order_and_one_stage_of_each_kind_per_call():
    call = CallFactory()
    stage(call, 1, EOI).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        stage(call, 1, PROPOSAL).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        stage(call, 2, EOI).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        stage(call, 3, AWARD, opens=at(2), closes=at(1)).save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.filter(call=call, kind=EOI).update(opens_at=at(1))


# ----- The stages of a call --------------------------------------------------------------------


def test_stages_go_eoi_first_then_in_the_order_of_their_kinds():
    call = CallFactory(closes_at=at(1))

    assert sequence_problems(call, []) == []
    assert sequence_problems(call, [stage(call, 1, PROPOSAL, at(2), at(3))]) == [
        "The first stage (lowest order) is the expression of interest."
    ]
    backwards = [stage(call, 1, EOI), stage(call, 2, AWARD), stage(call, 3, INTERVIEW)]
    assert sequence_problems(call, backwards) == [
        "The stages go in this order, each once: expression of interest, full proposal, "
        "interview, award. “Interview” cannot come after “Award”."
    ]
    skipping = [stage(call, 1, EOI), stage(call, 5, AWARD, at(2), at(3))]
    assert sequence_problems(call, skipping) == []


def test_each_stage_opens_once_the_one_before_has_closed():
    call = CallFactory(opens_at=at(1) - timedelta(days=30), closes_at=at(10))
    early = [stage(call, 1, EOI), stage(call, 2, PROPOSAL, at(9), at(20))]
    overlapping = [
        stage(call, 1, EOI),
        stage(call, 2, PROPOSAL, at(11), at(20)),
        stage(call, 3, INTERVIEW, None, None),
        stage(call, 4, AWARD, at(19), at(25)),
    ]

    assert sequence_problems(call, early) == [
        "“Full proposal” opens before “Expression of interest” closes."
    ]
    assert sequence_problems(call, overlapping) == ["“Award” opens before “Full proposal” closes."]
    overlapping[-1].opens_at = at(20)
    assert sequence_problems(call, overlapping) == []


def test_a_call_without_stages_is_its_expression_of_interest_alone():
    call = CallFactory()

    [only] = call.stages_in_order()

    assert only.is_eoi
    assert only.pk is None
    assert only.ends_at == call.closes_at


# ----- The 2021 call ---------------------------------------------------------------------------


def test_the_2021_call_is_loaded_with_its_four_stages_in_amsterdam_time():
    call, _ = load_2021_call()
    deadline_day = call.closes_at.astimezone(call.zone).date()

    stages = call.stages_in_order()

    assert [(s.order, s.kind) for s in stages] == [
        (1, EOI),
        (2, PROPOSAL),
        (3, INTERVIEW),
        (4, AWARD),
    ]
    assert sequence_problems(call, stages) == []
    for s in stages:
        s.full_clean()
    proposal = stages[1]
    assert proposal.opens_at == datetime.combine(
        deadline_day + timedelta(days=28), time(0, 0), tzinfo=call.zone
    )
    assert proposal.closes_at.astimezone(call.zone).time() == time(23, 59, 59)
    assert proposal.reviewed
    assert proposal.outcomes == [
        "shortlisted",
        "recommended",
        "waitlisted",
        "not_selected",
    ]
    assert stages[0].outcomes == ["invited", "waitlisted", "not_selected"]
    assert [s.questionnaire_id is not None for s in stages] == [False, True, False, False]
    # The proposal's milestones are its stages now: the timeline does not say them twice.
    assert list(call.milestones.values_list("title", flat=True)) == [
        "Information webinar",
        "Cohort kick-off",
    ]


def test_the_full_proposal_asks_what_the_fund_asked_in_english_and_french():
    call, _ = load_2021_call()
    asked = definitions.definition(call.stages.get(kind=PROPOSAL).questionnaire_id)

    assert asked.steps == proposal_questionnaire_2021().steps
    assert [step.key for step in asked.steps] == [
        "description",
        "activities",
        "budget",
        "partners",
        "risks",
        "learning",
    ]
    assert asked.by_key["description"].word_limit == 1000
    assert asked.by_key["activities"].is_rows
    assert asked.by_key["deliverables"].is_rows
    budget = asked.by_key["budget_lines"]
    columns = {column.key: column for column in budget.columns}
    assert columns["amount"].kind == Kind.MONEY
    assert "personnel" in [choice.value for choice in columns["category"].choices]
    assert "overheads" not in [choice.value for choice in columns["category"].choices]
    assert "partner" in columns
    for question in asked.questions:
        for asked_text in (question, *question.columns):
            assert asked_text.label.fr, asked_text.key
    assert all(step.title.fr for step in asked.steps)


def test_loading_the_2021_call_twice_changes_no_stage():
    load_2021_call()
    stages = list(Stage.objects.values())
    questionnaires = Questionnaire.objects.count()
    criteria = list(Criterion.objects.values())

    load_2021_call()

    assert list(Stage.objects.values()) == stages
    assert Questionnaire.objects.count() == questionnaires
    assert list(Criterion.objects.values()) == criteria


def test_the_2021_full_proposal_is_reviewed_on_a_rubric_of_its_own_in_both_languages():
    call, _ = load_2021_call()
    proposal_stage = call.stages.get(kind=PROPOSAL)

    rubric = list(call.criteria.filter(stage=proposal_stage).order_by("position"))
    assert sum(c.weight for c in rubric) == 100
    assert rubric[0].title == "Shift of power in the partnership"
    assert rubric[0].title_fr == "Transfert de pouvoir dans le partenariat"
    assert all(c.description and c.description_fr for c in rubric)
    assert eoi_rubric(call).count() == 5  # the EOI's stays its own
    # A stage the Secretariat gave criteria keeps them on the next load.
    rubric[0].delete()
    load_2021_call()
    assert call.criteria.filter(stage=proposal_stage).count() == 4


def test_a_2021_call_loaded_before_there_were_stages_gets_them_on_its_next_load():
    call, _ = load_2021_call()
    Criterion.objects.filter(call=call, stage__isnull=False).delete()  # they protect a stage
    Stage.objects.filter(call=call).delete()

    load_2021_call()

    assert [s.kind for s in call.stages.all()] == [EOI, PROPOSAL, INTERVIEW, AWARD]
    # And the full proposal's rubric with them.
    assert call.criteria.filter(stage__kind=PROPOSAL).count() == 5


def test_the_secretariats_stages_are_left_as_they_are():
    call, _ = load_2021_call()
    Stage.objects.filter(call=call, kind=INTERVIEW).delete()

    load_2021_call()

    assert [s.kind for s in call.stages.all()] == [EOI, PROPOSAL, AWARD]


# ----- The call page -------------------------------------------------------------------------


def _call_page(call, language="en"):
    from django.test import Client

    client = Client()
    return client.get(call.get_absolute_url(), headers={"accept-language": language})


@pytest.fixture
def call_2021():
    call, _ = load_2021_call()
    # 23:59:59 on 27 January 2027 in Amsterdam: the proposal opens 28 days later, in winter
    # time (UTC+1), and closes on 24 March, still in winter time.
    Call.objects.filter(pk=call.pk).update(closes_at=datetime(2027, 1, 27, 22, 59, 59, tzinfo=UTC))
    Criterion.objects.filter(call=call, stage__isnull=False).delete()  # they protect a stage
    Stage.objects.filter(call=call).delete()
    call.refresh_from_db()
    load_2021_call()
    return call


def test_the_call_page_shows_each_stage_in_the_calls_time_zone_and_in_utc(client, call_2021):
    text = page_text(client.get(call_2021.get_absolute_url()))

    assert (
        "24 February 2027, 00:00 – 24 March 2027, 23:59 Europe/Amsterdam (CET) "
        "Full proposals, by invitation "
        "In your time zone: 23 February 2027, 23:00 UTC – 24 March 2027, 22:59 UTC"
    ) in text
    assert "Interviews of the shortlisted" in text
    assert (
        "7 April 2027, 00:00 – 13 April 2027, 23:59 Europe/Amsterdam (CEST) "
        "Interviews of the shortlisted"
    ) in text
    assert (
        "14 April 2027, 00:00 – 21 April 2027, 23:59 Europe/Amsterdam (CEST) Award decisions"
    ) in text
    # In date order, after the EOI deadline.
    assert text.index("Deadline for expressions of interest") < text.index("Full proposals")
    assert (
        text.index("Full proposals") < text.index("Interviews of") < text.index("Award decisions")
    )


def test_the_call_page_shows_the_stages_in_the_visitors_time_zone(client, call_2021):
    client.cookies[TIME_ZONE_COOKIE] = "Africa/Nairobi"

    text = page_text(client.get(call_2021.get_absolute_url()))

    assert (
        "In your time zone: 24 February 2027, 02:00 – 25 March 2027, 01:59 Africa/Nairobi" in text
    )


def test_the_call_page_shows_the_stages_in_french(client, call_2021):
    text = page_text(_call_page(call_2021, "fr"))

    assert "24 février 2027, 00:00 – 24 mars 2027, 23:59 Europe/Amsterdam (CET)" in text
    for title in (
        "Propositions complètes, sur invitation",
        "Entretiens des présélectionnés",
        "Décisions d’attribution",
        "Dans votre fuseau horaire :",  # page_text folds the no-break space
    ):
        assert title in text


# ----- The admin -------------------------------------------------------------------------------


def test_the_secretariat_configures_the_stages_on_the_calls_page_in_its_time_zone(client):
    secretariat = in_group(SECRETARIAT, is_staff=True)
    call, _ = load_2021_call()
    url, page = open_call_in_admin(client, secretariat, call)
    # Shown in the call's zone: the proposal opens at midnight in Amsterdam.
    assert 'name="stages-1-opens_at_1" value="00:00:00"' in page.content.decode()
    data = admin_form_data(page)
    interview = 2  # the third row
    data[f"stages-{interview}-opens_at_0"] = "2030-05-06"
    data[f"stages-{interview}-opens_at_1"] = "09:00"
    data[f"stages-{interview}-closes_at_0"] = "2030-05-10"
    data[f"stages-{interview}-closes_at_1"] = "17:30"
    data[f"stages-{interview}-decisions"] = ["recommended", "not_selected"]
    data["stages-3-opens_at_0"] = "2030-06-01"  # the award, after them
    data["stages-3-closes_at_0"] = "2030-06-10"

    response = client.post(url, data)

    assert response.status_code == 302, page_text(response)[:3000]
    interview = call.stages.get(kind=INTERVIEW)
    # Typed in Amsterdam summer time (UTC+2).
    assert interview.opens_at == datetime(2030, 5, 6, 7, 0, tzinfo=UTC)
    assert interview.closes_at == datetime(2030, 5, 10, 15, 30, tzinfo=UTC)
    assert interview.outcomes == ["recommended", "not_selected"]
    changed = AuditEntry.objects.filter(action="call.changed").latest("pk")
    assert changed.details == {"fields": ["stages"]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"stages-0-DELETE": "on"},
            "The first stage (lowest order) is the expression of interest.",
        ),
        ({"stages-2-order": "9"}, "“Interview” cannot come after “Award”."),
        (
            {"stages-1-opens_at_0": "2000-01-01"},
            "“Full proposal” opens before “Expression of interest” closes.",
        ),
        (
            {"stages-0-opens_at_0": "2030-01-01", "stages-0-opens_at_1": "10:00"},
            "takes the call&#x27;s dates",
        ),
        ({"stages-3-decisions": ["invited"]}, "Award is closed by these decisions only"),
        ({"stages-3-order": "2"}, "Please correct the duplicate data for order."),
    ],
)
def test_the_admin_refuses_stages_out_of_order_with_a_message(client, change, message):
    secretariat = in_group(SECRETARIAT, is_staff=True)
    call, _ = load_2021_call()
    url, page = open_call_in_admin(client, secretariat, call)
    before = list(Stage.objects.values())
    data = admin_form_data(page) | change

    response = client.post(url, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert list(Stage.objects.values()) == before


def test_a_new_call_is_added_with_its_stages(client):
    secretariat = in_group(SECRETARIAT, is_staff=True)
    client.force_login(secretariat)
    url = reverse("admin:submissions_call_add")
    page = client.get(url)
    data = admin_form_data_for_add(page)
    data.update(
        {
            "stages-TOTAL_FORMS": "2",
            "stages-0-order": "1",
            "stages-0-kind": "eoi",
            "stages-1-order": "2",
            "stages-1-kind": "proposal",
            "stages-1-opens_at_0": "2031-03-01",
            "stages-1-opens_at_1": "00:00",
            "stages-1-closes_at_0": "2031-03-31",
            "stages-1-closes_at_1": "23:59",
            "stages-1-reviewed": "on",
        }
    )

    response = client.post(url, data)

    assert response.status_code == 302, page_text(response)[:3000]
    call = Call.objects.get(slug="kmf-2031")
    assert [(s.kind, s.decisions) for s in call.stages_in_order()] == [
        ("eoi", ["invited", "waitlisted", "not_selected"]),
        ("proposal", ["shortlisted", "recommended", "waitlisted", "not_selected"]),
    ]
    assert call.stages.get(kind="proposal").opens_at == datetime(2031, 2, 28, 23, 0, tzinfo=UTC)


def admin_form_data_for_add(page):
    data = {}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{formset.formset.prefix}-{name}"] = management[name].value()
    data.update(
        {
            "slug": "kmf-2031",
            "title_en": "Knowledge Management Fund 2031",
            "headline_en": "Knowledge for Peace",
            "body_en": "A call.",
            "opens_at_0": "2031-01-01",
            "opens_at_1": "00:00",
            "closes_at_0": "2031-02-01",
            "closes_at_1": "23:59",
            "time_zone": "Europe/Amsterdam",
            "max_amount": "20000",
            "max_duration_months": "9",
            "questionnaire": str(definitions.save(questionnaire_2021()).pk),
            "reference_prefix": "KMF31",
            "one_eoi_per_applicant": "on",
            "reviews_per_eoi": "3",
            "score_scale_max": "5",
            "disagreement_threshold": "25",
            "reminder_offsets": "[168, 48, 24]",
            "is_published": "on",
        }
    )
    return data


# ----- A stage's rubric ------------------------------------------------------------------------


def test_a_reviewed_stage_has_its_own_rubric_beside_the_eois(client):
    secretariat = in_group(SECRETARIAT, is_staff=True)
    call, _ = load_2021_call()
    Criterion.objects.filter(call=call, stage__isnull=False).delete()  # the loaded one's
    proposal = call.stages.get(kind=PROPOSAL)
    url, page = open_call_in_admin(client, secretariat, call)
    data = admin_form_data(page)
    rows = int(data["criteria-TOTAL_FORMS"])
    for index, (title, weight) in enumerate([("Quality of the plan", 60), ("Budget", 40)]):
        row = rows + index
        data.update(
            {
                f"criteria-{row}-stage": str(proposal.pk),
                f"criteria-{row}-title_en": title,
                f"criteria-{row}-weight": str(weight),
                f"criteria-{row}-position": str(index + 1),
            }
        )
    data["criteria-TOTAL_FORMS"] = str(rows + 2)

    response = client.post(url, data)

    assert response.status_code == 302, page_text(response)[:3000]
    assert [c.title for c in proposal.criteria.all()] == ["Quality of the plan", "Budget"]
    # The EOI's reviews score its own five criteria, as before.
    assert len(eoi_rubric(call)) == 5
    assert Criterion.objects.filter(call=call).count() == 7


@pytest.mark.parametrize(
    ("kind", "weights", "message"),
    [
        (
            PROPOSAL,
            [60, 30],
            "The weights of the criteria of “Full proposal” must add up to 100 (now 90).",
        ),
        (AWARD, [100], "“Award” is not reviewed: tick “reviewed” on the stage first."),
    ],
)
def test_a_stages_rubric_is_refused_with_a_message(client, kind, weights, message):
    secretariat = in_group(SECRETARIAT, is_staff=True)
    call, _ = load_2021_call()
    Criterion.objects.filter(call=call, stage__isnull=False).delete()  # the loaded one's
    stage_row = call.stages.get(kind=kind)
    url, page = open_call_in_admin(client, secretariat, call)
    data = admin_form_data(page)
    rows = int(data["criteria-TOTAL_FORMS"])
    for index, weight in enumerate(weights):
        data.update(
            {
                f"criteria-{rows + index}-stage": str(stage_row.pk),
                f"criteria-{rows + index}-title_en": f"Criterion {index}",
                f"criteria-{rows + index}-weight": str(weight),
            }
        )
    data["criteria-TOTAL_FORMS"] = str(rows + len(weights))

    response = client.post(url, data)

    assert response.status_code == 200
    with translation.override("en"):
        assert message in page_text(response)
    assert Criterion.objects.filter(stage=stage_row).count() == 0


def test_a_stage_with_a_rubric_is_not_deleted_from_under_it(client):
    secretariat = in_group(SECRETARIAT, is_staff=True)
    call, _ = load_2021_call()
    proposal = call.stages.get(kind=PROPOSAL)
    Criterion.objects.create(call=call, stage=proposal, title="Quality of the plan", weight=100)
    url, page = open_call_in_admin(client, secretariat, call)
    data = admin_form_data(page) | {"stages-1-DELETE": "on"}

    response = client.post(url, data)

    assert response.status_code == 200
    assert "would require deleting the following protected related objects" in page_text(response)
    assert call.stages.filter(pk=proposal.pk).exists()
