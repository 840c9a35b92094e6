"""The move of the 2021 answers from their columns into `answers`, on a database seeded the old
way (submissions 0008): every answer arrives under its question's key, nothing is lost; and back,
the answers as they are then return to the columns."""

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("submissions", "0008_score_scale_at_most_ten"), ("questionnaires", None)]
WITH_COLUMNS = [("submissions", "0009_questionnaire_answers")]


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


@pytest.fixture
def old_database():
    """The schema of submissions 0008, given back at its latest state afterwards."""
    apps = migrate(BEFORE)
    yield apps
    migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_every_2021_answer_moves_into_answers_under_its_key(old_database):
    apps = old_database
    User = apps.get_model("accounts", "User")
    Call = apps.get_model("submissions", "Call")
    Challenge = apps.get_model("submissions", "Challenge")
    EOI = apps.get_model("submissions", "ExpressionOfInterest")
    Partner = apps.get_model("submissions", "Partner")
    Attachment = apps.get_model("submissions", "Attachment")
    now = timezone.now()
    call = Call.objects.create(
        slug="kmf-2021",
        title="Knowledge Management Fund 2021",
        headline="Asymmetric Power & Partnerships",
        body="…",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
        reference_prefix="KMF21",
    )
    first, _second, third = (
        Challenge.objects.create(
            call=call, number=n, title=f"Challenge {n}", title_en=f"Challenge {n}", description="…"
        )
        for n in (1, 2, 3)
    )
    owner = User.objects.create(email="amina@example.org", name="Amina")
    other = User.objects.create(email="draft@example.org")
    submitted = EOI.objects.create(
        call=call,
        owner=owner,
        status="under_review",
        reference="KMF21-0001",
        submitted_at=now - timedelta(days=2),
        organisation_name="Réseau Justice Locale",
        organisation_type="local_cso",
        organisation_country="ML",
        organisation_website="https://rjl.example.org",
        title="Community justice forums in Mopti",
        summary="Local forums decide which disputes matter.",
        problem_context="Donor-defined programmes leave little room.",
        activities_timeline="Months 1-3: forums.",
        outcomes_uptake="A playbook.",
        countries=["ML", "BF"],
        duration_months=9,
        asymmetry="Decisions move to the forums.",
        budget_requested=Decimal("18000"),
        personnel_share=Decimal("25.50"),
        declares_accuracy=True,
        declares_consent=True,
    )
    submitted.challenges.set([third, first])
    Partner.objects.create(
        eoi=submitted, name="Femmes de Mopti", country="ML", role="Forums", locally_led=True
    )
    Partner.objects.create(eoi=submitted, name="Clingendael", country="NL", role="Research")
    for kind, name in [("budget", "budget.xlsx"), ("supporting", "letter.pdf")]:
        Attachment.objects.create(
            eoi=submitted,
            kind=kind,
            file=f"eoi-attachments/{name}",
            original_name=name,
            content_type="application/pdf",
            extension=".pdf",
            size=10,
        )
    empty = EOI.objects.create(call=call, owner=other)

    migrate(latest())

    from submissions.models import Attachment as NewAttachment
    from submissions.models import ExpressionOfInterest

    eoi = ExpressionOfInterest.objects.get(pk=submitted.pk)
    assert eoi.answers == {
        "organisation_name": "Réseau Justice Locale",
        "organisation_type": "local_cso",
        "organisation_country": "ML",
        "organisation_website": "https://rjl.example.org",
        "title": "Community justice forums in Mopti",
        "summary": "Local forums decide which disputes matter.",
        "problem_context": "Donor-defined programmes leave little room.",
        "activities_timeline": "Months 1-3: forums.",
        "outcomes_uptake": "A playbook.",
        "countries": ["BF", "ML"],
        "duration_months": 9,
        "challenges": ["1", "3"],
        "asymmetry": "Decisions move to the forums.",
        "budget_requested": "18000.00",
        "personnel_share": "25.50",
        "partners": [
            {"name": "Femmes de Mopti", "country": "ML", "role": "Forums", "locally_led": True},
            {"name": "Clingendael", "country": "NL", "role": "Research", "locally_led": False},
        ],
    }
    # What lists, filters and the review read stays where it was.
    assert (eoi.reference, eoi.status, eoi.title, eoi.organisation_name) == (
        "KMF21-0001",
        "under_review",
        "Community justice forums in Mopti",
        "Réseau Justice Locale",
    )
    assert eoi.budget_requested == Decimal("18000")
    assert eoi.duration_months == 9
    assert sorted(c.number for c in eoi.challenges.all()) == [1, 3]
    assert eoi.questionnaire_id == eoi.call.questionnaire_id is not None
    assert dict(NewAttachment.objects.values_list("original_name", "question")) == {
        "budget.xlsx": "budget",
        "letter.pdf": "supporting",
    }
    # Read back through the questionnaire: every answer has its question, every question its
    # answer (the empty draft has none, and loses nothing it did not have).
    shown = {
        item["question"].key: item for part in eoi.readable_answers() for item in part["items"]
    }
    assert shown["personnel_share"]["text"] == "25.5\u00a0%"
    assert shown["challenges"]["text"] == "1. Challenge 1; 3. Challenge 3"
    assert shown["partners"]["rows"][0].startswith("Femmes de Mopti · Mali · Forums")
    assert [a.original_name for a in shown["budget"]["files"]] == ["budget.xlsx"]
    assert all(item["text"] or item["rows"] or item["files"] for item in shown.values())
    assert ExpressionOfInterest.objects.get(pk=empty.pk).answers == {}
    # The questionnaire is the migration's frozen copy of the 2021 file, whatever the seed is now.
    from questionnaires import definition as definitions
    from submissions.migrations import __path__ as migrations_path

    frozen = Path(migrations_path[0]) / "_0010_kmf_2021_eoi.json"
    written = definitions.build(eoi.questionnaire_id)
    assert written.steps == definitions.from_dict(json.loads(frozen.read_text("utf-8"))).steps

    # Answers change after the move; then the migration is reversed (and 0011 before it).
    eoi.answers["summary"] = "Forums decide, and budgets follow."
    eoi.answers["personnel_share"] = "20.00"
    eoi.answers["partners"] = eoi.answers["partners"][:1]
    eoi.answers["impact"] = "A key a later version asks: no column takes it."
    del eoi.answers["outcomes_uptake"]
    eoi.save()
    NewAttachment.objects.create(
        eoi=eoi,
        question="cv",
        file="eoi-attachments/cv.pdf",
        original_name="cv.pdf",
        content_type="application/pdf",
        extension=".pdf",
        size=10,
    )

    apps = migrate(WITH_COLUMNS)

    EOI = apps.get_model("submissions", "ExpressionOfInterest")
    back = EOI.objects.get(pk=submitted.pk)
    assert (
        back.summary,
        back.problem_context,
        back.outcomes_uptake,
        back.organisation_website,
        back.asymmetry,
        back.activities_timeline,
        back.personnel_share,
    ) == (
        "Forums decide, and budgets follow.",
        "Donor-defined programmes leave little room.",
        "",
        "https://rjl.example.org",
        "Decisions move to the forums.",
        "Months 1-3: forums.",
        Decimal("20.00"),
    )
    assert (back.title, back.budget_requested, back.duration_months) == (
        "Community justice forums in Mopti",
        Decimal("18000"),
        9,
    )
    assert sorted(c.number for c in back.challenges.all()) == [1, 3]
    Partner = apps.get_model("submissions", "Partner")
    assert [
        (p.name, p.country.code, p.role, p.locally_led)
        for p in Partner.objects.filter(eoi=back).order_by("pk")
    ] == [("Femmes de Mopti", "ML", "Forums", True)]
    kinds = apps.get_model("submissions", "Attachment").objects.values_list("original_name", "kind")
    assert dict(kinds) == {
        "budget.xlsx": "budget",
        "letter.pdf": "supporting",
        "cv.pdf": "supporting",
    }
    blank = EOI.objects.get(pk=empty.pk)
    assert (blank.summary, blank.personnel_share) == ("", None)
