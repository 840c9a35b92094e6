"""References are gap-free per call and unique, also when many applicants submit at once."""

import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connection

from submissions import domain
from submissions.models import ExpressionOfInterest, ReferenceCounter
from tests.factories import CallFactory, EOIFactory
from tests.files import attach_budget

DECLARED = {"declares_accuracy": True, "declares_consent": True}


def ready_to_submit(call):
    eoi = EOIFactory(call=call)
    attach_budget(eoi)
    return eoi


@pytest.mark.django_db
def test_references_count_per_call_with_the_calls_prefix():
    first_call = CallFactory(reference_prefix="KMF21")
    second_call = CallFactory(reference_prefix="KMF22")

    references = [
        domain.submit_eoi(eoi, eoi.owner, DECLARED).reference
        for eoi in [
            ready_to_submit(first_call),
            ready_to_submit(second_call),
            ready_to_submit(first_call),
        ]
    ]

    assert references == ["KMF21-0001", "KMF22-0001", "KMF21-0002"]


@pytest.mark.django_db(transaction=True)
def test_a_submission_that_rolls_back_uses_no_number_and_sends_no_mail():
    call = CallFactory(reference_prefix="KMF21")
    failing, succeeding = ready_to_submit(call), ready_to_submit(call)

    with (
        mock.patch("audit.trail.AuditEntry.objects.create", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        domain.submit_eoi(failing, failing.owner, DECLARED)

    failing.refresh_from_db()
    assert failing.status == ExpressionOfInterest.Status.DRAFT
    assert failing.reference is None
    assert mail.outbox == []

    assert domain.submit_eoi(succeeding, succeeding.owner, DECLARED).reference == "KMF21-0001"
    assert len(mail.outbox) == 1


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_get_unique_gap_free_references():
    call = CallFactory(reference_prefix="KMF21")
    eois = [ready_to_submit(call) for _ in range(12)]
    start = threading.Barrier(len(eois))
    errors = []

    def submit(eoi):
        try:
            start.wait()
            domain.submit_eoi(eoi, eoi.owner, DECLARED)
        except Exception as error:  # reported below, with the thread's own failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=[eoi]) for eoi in eois]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    references = sorted(ExpressionOfInterest.objects.values_list("reference", flat=True))
    assert references == [f"KMF21-{n:04d}" for n in range(1, 13)]
    assert ReferenceCounter.objects.get(call=call).last_number == 12
