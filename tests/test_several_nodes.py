"""Several web nodes: two gunicorn processes with one PostgreSQL, one Redis and one folder of
uploads, as docs/DEPLOY.md runs them. An applicant's requests land on either node, in any
order, and nothing they do depends on which one answered."""

import re
import subprocess
import sys
import time

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from submissions.kmf2021 import load_2021_call
from tests.conftest import PROJECT, free_port, production_env
from tests.factories import ApplicantFactory
from tests.files import pdf_bytes

pytestmark = [
    pytest.mark.needs_postgres,
    pytest.mark.needs_redis,
    pytest.mark.django_db(transaction=True),
]

PASSWORD = "correct horse battery"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


@pytest.fixture
def nodes(settings, tmp_path):
    """Two web nodes on the test database (sessions too), sharing Redis and the uploads."""
    database = connection.settings_dict
    env = production_env(
        DATABASE_URL=(
            f"postgres://{database['USER']}:{database['PASSWORD'] or ''}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}"
        ),
        # A Redis database of its own: the nodes' cache, no one else's.
        REDIS_URL=settings.REDIS_URL.rsplit("/", 1)[0] + "/7",
        MEDIA_ROOT=str(tmp_path / "media"),
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input"],
        cwd=PROJECT, env=env, check=True, capture_output=True,
    )  # fmt: skip
    servers, urls = [], []
    for _node in range(2):
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "kmf.wsgi", "-b", f"127.0.0.1:{port}"]
        servers.append(subprocess.Popen(command, cwd=PROJECT, env=env, stderr=subprocess.DEVNULL))
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            for _ in range(300):
                try:
                    if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                        break
                except requests.RequestException:
                    time.sleep(0.1)
            assert requests.get(f"{url}/healthz", timeout=5).status_code == 200
        yield urls
    finally:
        for server in servers:
            server.terminate()
            server.wait(15)


def form_token(response):
    assert response.status_code == 200, response.status_code
    return CSRF.search(response.text).group(1)


def test_an_applicant_moves_between_nodes_without_noticing(nodes):
    first, second = nodes
    load_2021_call()
    applicant = ApplicantFactory(name="Awa Traoré")
    # Hashed as production hashes: the tests' own hasher is a fast one the nodes do not know.
    applicant.password = PBKDF2PasswordHasher().encode(PASSWORD, salt="several-nodes")
    applicant.save(update_fields=["password"])
    browser = requests.Session()

    # Signed in on the first node…
    token = form_token(browser.get(f"{first}/accounts/login/", timeout=10))
    signed_in = browser.post(
        f"{first}/accounts/login/",
        {"csrfmiddlewaretoken": token, "login": applicant.email, "password": PASSWORD},
        headers={"Referer": f"{first}/accounts/login/"},
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302
    # …and on the second, which reads the same session from the database.
    dashboard = browser.get(f"{second}/eois/", timeout=10)
    assert dashboard.status_code == 200
    # "Successfully signed in as …", written by the first node, shown by the second.
    assert f"signed in as {applicant.email}" in dashboard.text

    # An EOI started on the second node, its step opened on the first, autosaved on the second
    # with the first node's form token.
    token = form_token(browser.get(f"{second}/calls/kmf-2021/", timeout=10))
    started = browser.post(
        f"{second}/calls/kmf-2021/apply/",
        {"csrfmiddlewaretoken": token},
        headers={"Referer": f"{second}/calls/kmf-2021/"},
        allow_redirects=False,
        timeout=10,
    )
    assert started.status_code == 302
    eoi_path = started.headers["Location"].rsplit("/", 2)[0]  # /eois/<uuid>
    step = browser.get(f"{first}{eoi_path}/project/", timeout=10)
    token, version = form_token(step), VERSION.search(step.text).group(1)
    saved = browser.post(
        f"{second}{eoi_path}/project/autosave/",
        {"csrfmiddlewaretoken": token, "version": version, "title": "Forums that decide"},
        headers={"Referer": f"{first}{eoi_path}/project/"},
        timeout=10,
    )
    assert saved.status_code == 200, saved.text
    assert 'value="Forums that decide"' in browser.get(f"{first}{eoi_path}/project/").text

    # A budget uploaded through the first node is downloaded through the second.
    token = form_token(browser.get(f"{first}{eoi_path}/attachments/", timeout=10))
    uploaded = browser.post(
        f"{first}{eoi_path}/attachments/",
        {"csrfmiddlewaretoken": token},
        files={"budget": ("budget.pdf", pdf_bytes(), "application/pdf")},
        headers={"Referer": f"{first}{eoi_path}/attachments/"},
        allow_redirects=False,
        timeout=10,
    )
    assert uploaded.status_code == 302
    page = browser.get(f"{second}{eoi_path}/attachments/", timeout=10).text
    download = re.search(rf'href="({eoi_path}/files/\d+/)"', page).group(1)
    assert browser.get(f"{second}{download}", timeout=10).content == pdf_bytes()

    # Signed out on the second node: the first no longer knows them either.
    token = form_token(browser.get(f"{second}/accounts/logout/", timeout=10))
    browser.post(
        f"{second}/accounts/logout/",
        {"csrfmiddlewaretoken": token},
        headers={"Referer": f"{second}/accounts/logout/"},
        timeout=10,
    )
    assert browser.get(f"{first}/eois/", allow_redirects=False, timeout=10).status_code == 302
