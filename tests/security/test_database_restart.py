"""Faults with real processes: PostgreSQL restarts while gunicorn serves applicants."""

import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psycopg2
import pytest
import requests

from tests.conftest import PROJECT, free_port, production_env
from tests.processes import GunicornProcess

pytestmark = pytest.mark.needs_postgres


class PrivateCluster:
    """A PostgreSQL cluster of the test's own, on a free port, that the test restarts."""

    def __init__(self):
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin"))[-1])
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/postgres"
        self.data = Path(tempfile.mkdtemp(prefix="kmf-pg-"))
        # PostgreSQL refuses to run as root; CI runs as root.
        self.as_owner = []
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def pg_ctl(self, *args):
        subprocess.run(
            [*self.as_owner, self.bin / "pg_ctl", "-D", self.data, "-w", "-s", *args],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def create(self):
        subprocess.run(
            [*self.as_owner, self.bin / "initdb", "-D", self.data, "-U", "postgres", "-A",
             "trust", "--no-sync"],
            check=True,
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} -c fsync=off"
        self.pg_ctl("-o", options, "-l", self.data / "log", "start")

    def destroy(self):
        subprocess.run(
            [*self.as_owner, self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.data, ignore_errors=True)


@pytest.fixture
def cluster():
    cluster = PrivateCluster()
    cluster.create()
    yield cluster
    cluster.destroy()


@pytest.fixture
def site(cluster):
    """gunicorn with two workers and persistent database connections, as in production."""
    env = production_env(
        DATABASE_URL=cluster.url,
        CONN_MAX_AGE="600",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    manage = [sys.executable, "manage.py"]
    for command in (["migrate", "--no-input"], ["load_2021_call"]):
        subprocess.run([*manage, *command], cwd=PROJECT, env=env, check=True, capture_output=True)
    access_log = cluster.data / "access.log"
    server = GunicornProcess(env)
    server.command += ("--access-logfile", str(access_log))
    server.start()
    yield server.url, access_log
    server.stop()


def sign_up(url, email):
    browser = requests.Session()
    form = browser.get(f"{url}/accounts/signup/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return browser.post(
        f"{url}/accounts/signup/",
        {"csrfmiddlewaretoken": token, "email": email, "password1": "a long passphrase 2021",
         "password2": "a long passphrase 2021", "name": "Awa Traoré", "country": "ML"},
        headers={"Referer": f"{url}/accounts/signup/"},
        allow_redirects=False,
        timeout=10,
    )  # fmt: skip


def test_the_site_recovers_by_itself_when_postgresql_restarts_under_load(cluster, site):
    site, access_log = site
    page = f"{site}/calls/kmf-2021/?utm_source=newsletter"
    outcomes = []  # (sent at, answered at, status or error), in seconds since the start
    stop = threading.Event()
    start = time.monotonic()

    def applicant():
        with requests.Session() as browser:
            while not stop.is_set():
                sent_at = time.monotonic() - start
                try:
                    status = browser.get(page, timeout=10).status_code
                except requests.RequestException as error:
                    status = type(error).__name__
                outcomes.append((sent_at, time.monotonic() - start, status))

    applicants = [threading.Thread(target=applicant) for _ in range(4)]
    for thread in applicants:
        thread.start()
    time.sleep(2)
    down_at = time.monotonic() - start
    cluster.pg_ctl("-m", "fast", "restart")
    up_at = time.monotonic() - start
    time.sleep(3)
    stop.set()
    for thread in applicants:
        thread.join()

    before = [status for _, answered, status in outcomes if answered < down_at]
    after = [status for sent, _, status in outcomes if sent >= up_at + 0.5]
    assert before
    assert set(before) == {200}
    # While it is down, a page that says so: never an error page or a dropped connection.
    assert {status for _, _, status in outcomes} <= {200, 503}
    # Every worker reconnects by itself: nobody restarts anything.
    assert len(after) > 20
    assert set(after) == {200}, set(after)
    assert sign_up(site, "after.restart@example.org").status_code == 302
    with psycopg2.connect(cluster.url) as database, database.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM accounts_user WHERE email = %s", ["after.restart@example.org"]
        )
        assert cursor.fetchone() == (1,)
    # Its access log (gunicorn.conf.py) names neither the visitor's address nor query strings.
    logged = access_log.read_text()
    assert '"GET /calls/kmf-2021/" 200' in logged
    assert "127.0.0.1" not in logged
    assert "utm_source" not in logged
