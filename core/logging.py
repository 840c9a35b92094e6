"""Logs carry no personal data and no secrets: email addresses and the one-time keys of mailed
links are masked wherever they turn up.

Our own log lines name mails and EOIs by ID only, but exception texts we do not write (an SMTP
server refusing <amina@example.org>, a unique-key violation) can carry an applicant's address,
and every request line of a confirmation or password-reset link carries a key that whoever
reads the log could use.
"""

import logging
import re
import traceback

EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# /accounts/confirm-email/<key>/ and /accounts/password/reset/key/<uidb36>-<key>/ (allauth), and
# a partner's /partners/confirm/<token>/ (submissions.partners) and an invitation to co-apply,
# /invitations/<token>/ (submissions.coapplicants).
MAILED_KEY = re.compile(
    r"(/(?:confirm-email|password/reset/key|partners/confirm|invitations)/)(?!done/)[^/\s?#\"']+"
)


def redact(text):
    return MAILED_KEY.sub(r"\1[key]", EMAIL_ADDRESS.sub("[email]", text))


class RedactPersonalData(logging.Filter):
    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:
            # A bad format string must not break the code that logs; keep the raw text.
            message = f"{record.msg} {record.args!r}"
        record.msg = redact(message)
        record.args = ()
        if record.exc_info:
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
