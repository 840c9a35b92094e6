"""What the admin may not delete: the records the domain keeps of an application and its
review. An EOI leaves by withdrawal or the retention rule (its files with it), an assignment is
released, a decision replaced: each of those is in the audit trail; a delete in the admin was
not, left the EOI's files on the disk, and took its reviews and messages with it."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.roles import SECRETARIAT
from review.models import Assignment, Decision
from submissions.models import ExpressionOfInterest
from tests.factories import ApplicantFactory, EOIFactory, give_role
from tests.files import attach_budget

pytestmark = pytest.mark.django_db


def submitted_eoi():
    eoi = attach_budget(EOIFactory())
    eoi.status, eoi.reference = "submitted", "KMF21-0001"
    eoi.save()
    return eoi


@pytest.mark.parametrize("superuser", [False, True])
def test_the_admin_deletes_no_eoi_assignment_or_decision(client, superuser):
    staff = give_role(ApplicantFactory(is_staff=True, is_superuser=superuser), SECRETARIAT)
    client.force_login(staff)
    eoi = submitted_eoi()
    assignment = Assignment.objects.create(
        eoi=eoi, reviewer=ApplicantFactory(), due_at=timezone.now(), assigned_by=staff
    )
    decision = Decision.objects.create(eoi=eoi, outcome="invited", decided_by=staff)

    for model, row in [
        ("submissions_expressionofinterest", eoi),
        ("review_assignment", assignment),
        ("review_decision", decision),
    ]:
        delete = reverse(f"admin:{model}_delete", args=[row.pk])
        assert client.get(delete).status_code == 403
        assert client.post(delete, {"post": "yes"}).status_code == 403
        changelist = reverse(f"admin:{model}_changelist")
        assert "delete_selected" not in client.get(changelist).content.decode()
        refused = client.post(
            changelist, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
        )
        assert refused.status_code in (200, 302)

    assert ExpressionOfInterest.objects.filter(pk=eoi.pk).exists()
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    assert Decision.objects.filter(pk=decision.pk).exists()
    assert eoi.attachments.get().file.storage.exists(eoi.attachments.get().file.name)
