"""The site's processes as production runs them, for fault tests: a Redis of the test's own
that it stops and starts, gunicorn, a Celery worker and beat, all with DEBUG off."""

import os
import signal
import subprocess
import sys
import time

import requests
from django.db import connection

from tests.conftest import PROJECT, free_port, production_env


def site_database_url():
    """The URL of the test database (PostgreSQL), for processes of the site's own."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def site_env(redis_url, smtp_port, **variables):
    """Production's environment on the test database, with this Redis and SMTP server."""
    return production_env(
        DATABASE_URL=site_database_url(),
        REDIS_URL=redis_url,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
        **variables,
    )


class Process:
    """A process of the site in its own process group, stopped with everything it started."""

    def __init__(self, env, *command):
        self.env = env
        self.command = command
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [sys.executable, "-m", *self.command],
            cwd=PROJECT,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
        )

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


class WorkerProcess(Process):
    """`celery worker` as production runs it: prefork pool, DEBUG off."""

    def __init__(self, env):
        super().__init__(
            env, "celery", "-A", "kmf", "worker", "--pool=prefork", "--concurrency=2",
            "--loglevel=WARNING", "--without-mingle", "--without-gossip",
        )  # fmt: skip


class BeatProcess(Process):
    """`celery beat` with the production schedule (kmf/settings/tasks.py)."""

    def __init__(self, env, schedule_file):
        super().__init__(
            env, "celery", "-A", "kmf", "beat", "--loglevel=WARNING", "--schedule",
            str(schedule_file),
        )  # fmt: skip


class GunicornProcess(Process):
    """gunicorn with two workers and the project's gunicorn.conf.py, on a free port."""

    def __init__(self, env):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(env, "gunicorn", "kmf.wsgi", "-b", f"127.0.0.1:{self.port}", "-w", "2")

    def start(self):
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input"],
            cwd=PROJECT, env=self.env, check=True, capture_output=True,
        )  # fmt: skip
        super().start()
        for _ in range(300):
            try:
                if requests.get(f"{self.url}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer on /healthz")
