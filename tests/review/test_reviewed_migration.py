"""review 0009 marks every assignment whose review was submitted as reviewed, so that the
reviews still to do (the reviewer picker, the reminders) are read from the assignments alone."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("review", "0009_saved_view_of_site_list")]
AFTER = [("review", "0010_assignment_reviewed_at")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_assignments_with_a_submitted_review_are_marked_reviewed():
    apps = migrate(BEFORE)
    try:
        User = apps.get_model("accounts", "User")
        Call = apps.get_model("submissions", "Call")
        EOI = apps.get_model("submissions", "ExpressionOfInterest")
        Assignment = apps.get_model("review", "Assignment")
        Review = apps.get_model("review", "Review")
        now = timezone.now()
        owner = User.objects.create(email="owner@example.org")
        reviewer = User.objects.create(email="reviewer@example.org")
        call = Call.objects.create(
            slug="kmf-2021", title="KMF 2021", opens_at=now, closes_at=now + timedelta(days=9)
        )
        submitted, draft, unreviewed = (
            EOI.objects.create(call=call, owner=owner, reference=f"KMF21-000{n}") for n in (1, 2, 3)
        )
        for eoi in (submitted, draft, unreviewed):
            Assignment.objects.create(eoi=eoi, reviewer=reviewer, due_at=now)
        at = now - timedelta(days=2)
        Review.objects.create(eoi=submitted, reviewer=reviewer, status="submitted", submitted_at=at)
        Review.objects.create(eoi=draft, reviewer=reviewer, status="draft")

        apps = migrate(AFTER)

        Assignment = apps.get_model("review", "Assignment")
        reviewed = dict(Assignment.objects.values_list("eoi__reference", "reviewed_at"))
        assert reviewed == {"KMF21-0001": at, "KMF21-0002": None, "KMF21-0003": None}
    finally:
        migrate(latest())
