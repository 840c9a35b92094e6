"""The deadline crowd: each simulated applicant opens a step of their draft, autosaves it a few
times while typing, then submits. Run by bench/spike.py, which seeds the drafts and hands each
user a signed-in session through the file named in BENCH_SPIKE_APPLICANTS."""

import json
import os
import re
from itertools import count

from locust import HttpUser, between, task

APPLICANTS = json.loads(open(os.environ["BENCH_SPIKE_APPLICANTS"]).read())  # noqa: SIM115
AUTOSAVES = int(os.environ.get("BENCH_SPIKE_AUTOSAVES", "4"))
NEXT = count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


class LateApplicant(HttpUser):
    # The page autosaves 1.5 s after the last keystroke: someone typing with pauses sends one
    # every few seconds.
    wait_time = between(3, 8)

    def on_start(self):
        self.applicant = APPLICANTS[next(NEXT) % len(APPLICANTS)]
        self.client.cookies.set("sessionid", self.applicant["session"])
        self.eoi = f"/eois/{self.applicant['uuid']}"
        page = self.client.get(f"{self.eoi}/project/", name="step page")
        self.csrf = CSRF.search(page.text).group(1)
        self.version = int(VERSION.search(page.text).group(1))
        self.saves = 0
        self.done = False

    def post(self, path, data, name):
        data = {"csrfmiddlewaretoken": self.csrf, **data}
        headers = {"Referer": self.client.base_url + path}
        return self.client.post(
            path, data, headers=headers, name=name, allow_redirects=False, catch_response=True
        )

    @task
    def type_then_submit(self):
        if self.done:
            return
        if self.saves < AUTOSAVES:
            self.saves += 1
            # The whole step, as the page's script sends it.
            answers = {
                "version": self.version,
                "title": f"Last-minute forums, take {self.saves}",
                "summary": "Local forums decide which disputes matter. " * self.saves,
                "problem_context": "Donor-defined programmes leave little room for local choice.",
                "activities_timeline": "Months 1-3: forums. Months 4-9: exchanges and a report.",
                "outcomes_uptake": "A playbook shared with donors and the Platform community.",
                "countries": ["ML", "BF"],
                "duration_months": "9",
            }
            with self.post(f"{self.eoi}/project/autosave/", answers, "autosave") as response:
                if response.status_code == 200 and "version" in response.json():
                    self.version = response.json()["version"]
                    response.success()
                else:
                    response.failure(f"autosave answered {response.status_code}")
            return
        declarations = {"declares_accuracy": "on", "declares_consent": "on"}
        with self.post(f"{self.eoi}/submit/", declarations, "submit") as response:
            if response.status_code == 302 and "/receipt/" in response.headers.get("Location", ""):
                response.success()
            else:
                response.failure(f"submit answered {response.status_code}")
        self.done = True
