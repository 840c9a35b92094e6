"""Grants recorded at the same moment are checked one after the other against the call's funds:
together they never spend more than there is."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from awards import domain, selectors
from awards.models import Grant
from submissions.lifecycle import DomainError


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_grants_never_overspend_the_call(make_eoi, secretariat, award_call):
    # €50,000 available; eight grants of €10,000 asked for at once: five fit.
    eois = [make_eoi(budget_requested=Decimal("10000")) for _ in range(8)]
    start = threading.Barrier(len(eois))
    refused, errors = [], []

    def record(eoi):
        try:
            start.wait()
            domain.record_grant(eoi, Decimal("10000"), "", secretariat)
        except DomainError as refusal:
            refused.append(refusal.message)
        except Exception as error:  # reported below, with the thread's own failure
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=[eoi]) for eoi in eois]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Grant.objects.count() == 5
    assert selectors.committed(award_call) == Decimal("50000")
    assert len(refused) == 3
    assert all(message.startswith("The call has €0.00 left") for message in refused)
