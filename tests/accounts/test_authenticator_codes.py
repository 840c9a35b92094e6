"""Why a sign-in with an authenticator code failed now and then, and the codes tests type now.

The browser journey typed the code of the moment its line ran ("Incorrect code" about once in
every hundred sign-ins): a code lives for its 30-second period only and is accepted once, so the
turn of a period or a second sign-in in the same period refused it. `tests.totp.fresh_code`
gives every sign-in a code the server will still take. The clock is moved by time-machine, and
the helper's waiting moves it too, so nothing here waits.
"""

import re
import time
from pathlib import Path

import pytest
import time_machine
from allauth.mfa import app_settings
from django.test import Client
from django.urls import reverse

from accounts.roles import REVIEWERS
from tests.factories import ApplicantFactory, give_role
from tests.totp import ROUND_TRIP, code_for, fresh_code, period_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer():
    return give_role(ApplicantFactory(), REVIEWERS)


def next_turn():
    """The moment the next period starts."""
    return (period_at(time.time()) + 1) * app_settings.TOTP_PERIOD


def passes_the_password(client, user):
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "correct horse battery"}
    )
    assert response["Location"] == reverse("mfa_authenticate")


def answers(client, code):
    """The second-factor page's answer to `code`; the client is signed in if it was taken."""
    return client.post(reverse("mfa_authenticate"), {"code": code})


def is_signed_in(client, user):
    return client.session.get("_auth_user_id") == str(user.pk)


def test_the_code_of_the_moment_is_refused_when_its_period_ends_before_the_check(client, reviewer):
    with time_machine.travel(next_turn() - 0.5, tick=False) as clock:
        passes_the_password(client, reviewer)
        code = code_for(reviewer.totp_secret, period_at(time.time()))
        clock.shift(1)  # the browser and the server take a second
        refused = answers(client, code)

    assert "Incorrect code" in refused.content.decode()
    assert not is_signed_in(client, reviewer)


@pytest.mark.parametrize("seconds_left", [29, ROUND_TRIP + 1, ROUND_TRIP, ROUND_TRIP - 1, 0.5])
def test_a_fresh_code_outlasts_the_round_trip_wherever_in_its_period_it_is_asked(
    client, reviewer, seconds_left
):
    with time_machine.travel(next_turn() - seconds_left, tick=False) as clock:
        passes_the_password(client, reviewer)
        code = fresh_code(reviewer.totp_secret, sleep=clock.shift)
        clock.shift(ROUND_TRIP - 0.1)  # as slow as tests may be
        answers(client, code)

    assert is_signed_in(client, reviewer)


def test_a_second_sign_in_in_the_same_period_gets_a_code_not_used_yet(client, reviewer):
    with time_machine.travel(next_turn() + 1, tick=False) as clock:
        passes_the_password(client, reviewer)
        code = fresh_code(reviewer.totp_secret, sleep=clock.shift)
        answers(client, code)
        assert is_signed_in(client, reviewer)

        # allauth takes a code once: the same user signing in again in this period with it
        # is refused.
        again = Client()
        passes_the_password(again, reviewer)
        assert "Incorrect code" in answers(again, code).content.decode()
        assert not is_signed_in(again, reviewer)

        answers(again, fresh_code(reviewer.totp_secret, sleep=clock.shift))
        assert is_signed_in(again, reviewer)


def test_tests_make_authenticator_codes_only_with_the_helper():
    """The code of the moment is what failed; a test that makes codes by itself brings it
    back."""
    tests = Path(__file__).resolve().parents[1]
    own_codes = re.compile(r"\b(?:hotp_value|yield_hotp_counters_from_time)\(")
    makers = [
        str(path.relative_to(tests))
        for path in sorted(tests.rglob("*.py"))
        if path.name != "totp.py" and own_codes.search(path.read_text())
    ]
    assert makers == [], "make codes with tests.totp.fresh_code"
