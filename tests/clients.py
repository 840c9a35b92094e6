"""The test client the suite signs people in with."""

from django import test

from accounts.two_factor import remember_second_factor


class Client(test.Client):
    """Django's test client, whose force_login stands for a whole sign-in: password and, for
    staff with an authenticator, its code, as the sign-in pages leave a session. Tests of the
    sign-in itself go through those pages, or use Django's own client for a session that
    skipped the second factor."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        session = self.session
        remember_second_factor(session, user)
        session.save()
