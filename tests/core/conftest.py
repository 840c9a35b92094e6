import pytest


@pytest.fixture
def superuser(db):
    """A superuser in no group, with the authenticator staff two-factor requires."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from tests.factories import UserFactory

    person = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(person, generate_totp_secret())
    return person
