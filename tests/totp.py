"""Authenticator-app (TOTP) codes for tests that sign staff in.

allauth accepts a code only while its 30-second period lasts (MFA_TOTP_TOLERANCE is 0), and only
once: it marks a code used in the cache for that period. The code of "now" is therefore refused
when the period turns between making it and the server checking it, or when a second sign-in in
the same period types it again; both are refused as "Incorrect code". `fresh_code` hands out a
code no sign-in has had, of a period with ROUND_TRIP seconds still ahead, waiting for the next
period when needed.
"""

import time

from allauth.mfa import app_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

# How long a test may take from making a code to the server checking it. Measured: 0.2-0.5 s
# with two CPU hogs beside the browser tests; a wait that long would already fail the 5-s
# expectations around it. Costs on average 1.7 s of waiting per code.
ROUND_TRIP = 10

_last_period_handed_out = {}  # secret: period


def period_at(moment):
    return int(moment) // app_settings.TOTP_PERIOD


def code_for(secret, period):
    return format_hotp_value(hotp_value(secret, period))


def fresh_code(secret, *, sleep=time.sleep):
    """A code for `secret` from a period no earlier code came from, with ROUND_TRIP seconds of
    it left. Make it just before typing it (after the form is shown), not before the page
    that asks for it has loaded."""
    while True:
        now = time.time()
        period = period_at(now)
        left = (period + 1) * app_settings.TOTP_PERIOD - now
        if period > _last_period_handed_out.get(secret, -1) and left >= ROUND_TRIP:
            _last_period_handed_out[secret] = period
            return code_for(secret, period)
        sleep(left + 0.01)  # into the next period
