"""Load test users: trainers and office clerks browsing their main pages (bench/load.py)."""

from __future__ import annotations

import random
import re

from locust import HttpUser, between, task

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(r"^/(admin|static|media)/|logout|/langue/|\.csv|export|pdf|/compte/")


class _Staff(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    username = ""

    def on_start(self) -> None:
        self.client.get("/compte/login/", name="login page")
        token = self.client.cookies.get("csrftoken", "")
        self.client.post(
            "/compte/login/",
            {"username": self.username, "password": "demo", "csrfmiddlewaretoken": token},
            headers={"Referer": self.host + "/compte/login/"},
            name="log in",
        )
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
