"""Load test users: trainers and office clerks browsing their main pages (bench/load.py).

Every request's time goes to the file named by BENCH_SAMPLES (JSON lines), so that
bench/load.py judges the 95th percentile over all of them and can tell the log-ins apart.
"""

from __future__ import annotations

import json
import os
import random
import re
import time

from locust import HttpUser, between, events, task

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(r"^/(admin|static|media)/|logout|/langue/|\.csv|export|pdf|/compte/")
SAMPLES = open(os.environ["BENCH_SAMPLES"], "a", encoding="utf-8")  # noqa: SIM115
START = time.monotonic()


@events.request.add_listener
def record(name, response_time, exception, **kwargs) -> None:
    at = round(time.monotonic() - START, 2)
    sample = {"name": name, "ms": response_time, "failed": exception is not None, "at": at}
    SAMPLES.write(json.dumps(sample) + "\n")


@events.quitting.add_listener
def close(**kwargs) -> None:
    SAMPLES.close()


class _Staff(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self) -> None:
        self.client.get("/compte/login/", name="login page")
        token = self.client.cookies.get("csrftoken", "")
        with self.client.post(
            "/compte/login/",
            {"username": self.username, "password": "demo", "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/compte/login/"},
            name="log in",
            catch_response=True,
        ) as response:
            if "/compte/login/" in response.url:  # the form again: refused
                response.failure("log-in refused")
        home = self.client.get("/", name="home")
        self.pages = sorted({h for h in HREF.findall(home.text) if not SKIP.search(h)}) or ["/"]
        self.details: list[str] = []

    @task(3)
    def main_page(self) -> None:
        page = random.choice(self.pages)  # noqa: S311
        response = self.client.get(page, name=page)
        links = [h for h in HREF.findall(response.text) if re.search(r"/\d+/$", h)]
        if links:
            self.details = links[:20]

    @task(1)
    def detail_page(self) -> None:
        if self.details:
            self.client.get(random.choice(self.details), name="a detail page")  # noqa: S311


class Trainer(_Staff):
    username = "trainer"


class Office(_Staff):
    username = "office"
