"""What every benchmark shares: a production-like environment, a fresh database, gunicorn on
loopback, signed-in sessions, and the percentiles."""

import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

PROJECT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres:postgres@127.0.0.1:5432/kmf_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/4"


def configure():
    """The settings production runs with (DEBUG off, Redis, PostgreSQL), on plain loopback HTTP.
    Call before django.setup(); child processes inherit the same environment."""
    os.environ.update(
        DJANGO_SETTINGS_MODULE="kmf.settings.base",
        KMF_ENV_FILE=str(PROJECT / "bench" / "no-such.env"),
        DEBUG="0",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        SITE_URL="http://127.0.0.1",
        DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
        REDIS_URL=os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
        SECURE_COOKIES="false",
        LOG_LEVEL="WARNING",
        MEDIA_ROOT=str(PROJECT / "var" / "bench-media"),
        EMAIL_URL=os.environ.get("BENCH_EMAIL_URL", "smtp://127.0.0.1:1"),
    )


def recreate_database():
    """Drop and create the benchmark database, then migrate it. Refuses any non-bench name."""
    drop_and_create(os.environ["DATABASE_URL"])
    manage("migrate", "--no-input", "-v", "0")
    # DEBUG is off: pages name the hashed static files of the manifest.
    manage("collectstatic", "--no-input", "-v", "0")


def drop_and_create(database_url):
    """An empty database at `database_url`. Refuses any name without 'bench' in it."""
    import psycopg2

    url = urlsplit(database_url)
    name = url.path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop {name!r}: the benchmark database's name must contain 'bench'")
    connection = psycopg2.connect(url._replace(path="/postgres").geturl())
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def floor_database_url():
    """The floor's database (bench/floor/): the benchmark's, on the same server, named
    <its name>_floor."""
    url = urlsplit(os.environ["DATABASE_URL"])
    return url._replace(path=url.path + "_floor").geturl()


def flush_redis():
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()


def manage(*arguments):
    subprocess.run([sys.executable, "manage.py", *arguments], cwd=PROJECT, check=True)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of its own on a free port, which a benchmark or a fault test stops and
    starts again (the shared one is never touched)."""

    def __init__(self):
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        import redis

        command = [
            shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
            "--save", "", "--appendonly", "no",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        for _attempt in range(100):
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


@contextmanager
def gunicorn(workers=None, threads=None, app="kmf.wsgi", config=(), env=None):
    """The site (or `app`) under gunicorn on a free loopback port; yields its base URL. Without
    `config` (["-c", path]), gunicorn reads the site's gunicorn.conf.py."""
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", app, *config,
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers or web_workers()),
        "--threads", str(threads or os.environ.get("BENCH_THREADS", "1")),
        "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=PROJECT, start_new_session=True, env=env)
    base = f"http://127.0.0.1:{port}"
    SERVERS[base] = server.pid
    try:
        for _attempt in range(100):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not answer on /healthz")
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # workers still busy with a queue of requests
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)


SERVERS = {}


def web_workers():
    return int(os.environ.get("BENCH_WORKERS", "3"))


def server_cpu_seconds(base):
    """CPU time (user + system) used so far by the gunicorn serving `base` and its workers:
    unlike wall-clock times, it does not grow when other processes share the machine."""
    master = SERVERS[base]
    total = 0
    for stat_file in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a process that just ended
        pid, parent = int(stat_file.parent.name), int(fields[1])
        if master in (pid, parent):
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def server_peak_memory_mb(base):
    """The largest peak resident memory (VmHWM) of the gunicorn workers serving `base`, in MB:
    what the most memory-hungry request so far has needed, plus the worker itself."""
    master = SERVERS[base]
    peak = 0
    for status_file in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status_file.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if int(fields.get("PPid", "0").strip()) == master and "VmHWM" in fields:
            peak = max(peak, int(fields["VmHWM"].split()[0]))
    return round(peak / 1024, 1)


def session_for(user):
    """A signed-in session for `user`, as the sign-in page would leave it; returns its key."""
    from importlib import import_module

    from django.conf import settings

    from accounts.two_factor import remember_second_factor

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "accounts.backends.AuthenticationBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    remember_second_factor(store, user)  # staff pass their authenticator at the sign-in page
    store.create()
    return store.session_key


def percentile(values, share):
    """The nearest-rank percentile of `values` (share 0.5 is the median, 0.95 the p95)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]
