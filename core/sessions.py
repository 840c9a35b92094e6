"""Django's sessions, kept in the database (a session kept in a cache would outlive its sign-out
in a worker's memory while Redis is away: core/cache.py falls back to it), read by SQL built
once per process."""

from datetime import UTC, datetime
from functools import cache

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends import db
from django.db import connection
from django.utils import timezone

from .prepared import prepare

_NO_KEY = "\x00no session key"  # stand-ins for a run's own values, in the SQL built once
_NO_TIME = datetime(1970, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


# Sessions signed in before the site's own backend (accounts.backends) name allauth's, which
# Django no longer accepts once it is out of AUTHENTICATION_BACKENDS: read as the site's, so
# that a deploy signs nobody out.
RENAMED_BACKENDS = {
    "allauth.account.auth_backends.AuthenticationBackend": "accounts.backends.AuthenticationBackend"
}


def _renamed(data):
    backend = data.get(BACKEND_SESSION_KEY)
    if backend in RENAMED_BACKENDS:
        data[BACKEND_SESSION_KEY] = RENAMED_BACKENDS[backend]
    return data


class SessionStore(db.SessionStore):
    def load(self):
        return _renamed(super().load())

    async def aload(self):
        return _renamed(await super().aload())

    def _get_session_from_db(self):
        # As Django's: the session of this key that has not expired, at this server's time.
        expiry = self.model._meta.get_field("expire_date")
        found = _live_session(self.model).get(
            key=self.session_key, now=expiry.get_db_prep_value(timezone.now(), connection)
        )
        if found is None:
            self._session_key = None
        return found


@cache
def _live_session(model):
    expiry = model._meta.get_field("expire_date")
    return prepare(
        model.objects.filter(session_key=_NO_KEY, expire_date__gt=_NO_TIME),
        key=_NO_KEY,
        now=expiry.get_db_prep_value(_NO_TIME, connection),
    )
