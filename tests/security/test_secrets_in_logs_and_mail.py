"""Secrets stay out of logs and mail: the keys of mailed links never reach a log, and a mail to
an address nobody has confirmed carries nothing its sender chose."""

import subprocess
import sys

import pytest
import requests
from django.core import mail
from django.urls import reverse

from tests.conftest import PROJECT, production_env, wait_for
from tests.processes import GunicornProcess

KEY = "MgZ8Vq-secret-key-from-a-mail"
KEYED_PATHS = (
    f"/accounts/confirm-email/{KEY}/",
    f"/accounts/password/reset/key/1z-{KEY}/",
    f"/partners/confirm/{KEY}/",
    f"/invitations/{KEY}/",
)


def test_gunicorn_writes_no_key_of_a_mailed_link_to_its_access_log(tmp_path):
    """The site as production serves it: gunicorn with the project's gunicorn.conf.py."""
    env = production_env(DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input"],
        cwd=PROJECT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    access_log = tmp_path / "access.log"
    server = GunicornProcess(env)
    server.command += ("--access-logfile", str(access_log))
    server.start()
    try:
        for path in KEYED_PATHS:
            answer = requests.get(f"{server.url}{path}", timeout=10, allow_redirects=False)
            assert answer.status_code < 500, path
        assert wait_for(lambda: access_log.read_text().count("[key]") == len(KEYED_PATHS))
    finally:
        server.stop()

    written = access_log.read_text()
    assert KEY not in written
    assert "/accounts/confirm-email/[key]/" in written
    assert "/accounts/password/reset/key/[key]/" in written
    assert "/partners/confirm/[key]/" in written


@pytest.mark.django_db
def test_the_sites_own_logs_mask_the_key_of_a_link_that_failed(client, log_output):
    for path in KEYED_PATHS:
        client.get(path.replace(KEY, KEY + "/and-more"))  # 404: Django logs the path

    assert "Not Found" in log_output.getvalue()
    assert KEY not in log_output.getvalue()


@pytest.mark.django_db
def test_a_confirmation_mail_carries_no_name_the_sender_chose(
    client, django_capture_on_commit_callbacks
):
    """Anyone can sign up with someone else's address: the mail that address gets says nothing
    the person signing up wrote."""
    bait = "Claim your grant at http://kmf-payout.example"
    with django_capture_on_commit_callbacks(execute=True):  # the outbox delivers after commit
        client.post(
            reverse("account_signup"),
            {
                "email": "someone.else@example.org",
                "password1": "a long and unusual passphrase",
                "password2": "a long and unusual passphrase",
                "name": bait,
                "organisation": bait,
                "country": "ML",
            },
        )

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["someone.else@example.org"]
    assert "kmf-payout" not in sent.subject + sent.body
    assert "someone.else@example.org" in sent.body


@pytest.mark.django_db
def test_a_password_reset_mail_carries_no_name_the_account_holder_chose(
    client, django_capture_on_commit_callbacks
):
    from tests.factories import ApplicantFactory

    ApplicantFactory(email="owner@example.org", name="Visit http://kmf-payout.example")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "owner@example.org"})

    assert len(mail.outbox) == 1
    assert "kmf-payout" not in mail.outbox[0].body
