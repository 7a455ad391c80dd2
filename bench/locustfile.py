"""The 8 o'clock rush (bench/load.py): at the start of a half-day each trainer takes his
roll call and logs his team's work, the teachers take their sessions' attendance, the
office enters the day's absences, and everyone looks at his pages in between. The family
notices the absences queue are sent by the task worker (`db_worker`), not here.

Users share the demo's accounts (three trainers, two teachers, the office, the director),
as a school's staff shares its few workshops. A write that the application refuses with a
form error (two users retaking the same roll call, a pupil's hours overlapping, an
absence already entered) is a normal answer, counted apart as "refused"; an error is a
5xx or a failed connection. Every request's time goes to the file named by BENCH_SAMPLES
(JSON lines), so that bench/load.py judges the percentiles per action.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random
import re
import time
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

HREF = re.compile(r'href="(/[^"#]*)"')
SKIP = re.compile(r"^/(admin|static|media)/|logout|/langue/|\.csv|export|pdf|/compte/")
SAMPLES = open(os.environ["BENCH_SAMPLES"], "a", encoding="utf-8")  # noqa: SIM115
START = time.monotonic()
RNG = random.Random(8)  # noqa: S311 - a load test's choices, reproducible run to run
# The server's clock (bench/clock.py): the morning it started on (a minute into the
# half-day), ticking since; it started before the users, so this is a little behind it
# (work is logged up to it).
MORNING = dt.datetime.fromisoformat(os.environ["BENCH_MORNING"])
SHARES = 5  # users of one trainer account at 30 users: each logs a fifth of the team
MINUTE, FIFTEEN = dt.timedelta(minutes=1), dt.timedelta(minutes=15)


def server_now() -> dt.datetime:
    return MORNING + dt.timedelta(seconds=time.monotonic() - START)


@events.request.add_listener
def record(name, response_time, exception, context, **kwargs) -> None:
    at = round(time.monotonic() - START, 2)
    sample = {
        "name": name,
        "ms": response_time,
        "failed": exception is not None,
        "refused": bool(context and context.get("refused")),
        "at": at,
    }
    SAMPLES.write(json.dumps(sample) + "\n")


@events.quitting.add_listener
def close(**kwargs) -> None:
    SAMPLES.close()


class Forms(HTMLParser):
    """The POST forms of a page (the log-out and language forms left out): for each, its
    action and its fields as a browser would send them untouched, the choices of its
    radios, checkboxes and selects, and the pupils it shows as busy."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.form: dict | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag == "form":
            if (a.get("method") or "").lower() == "post":
                self.form = {"action": a.get("action"), "fields": {}, "choices": {}, "busy": set()}
            return
        if self.form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("radio", "checkbox"):
                self.form["choices"].setdefault(name, []).append(a.get("value", "on"))
                if "data-busy" in a:  # a pupil absent or expected elsewhere now
                    self.form["busy"].add(a.get("value"))
                if "checked" in a:
                    self.form["fields"].setdefault(name, []).append(a.get("value", "on"))
            elif kind != "file":
                self.form["fields"][name] = [a.get("value") or ""]
        elif tag == "select" and name:
            self.select = name
            self.form["fields"].pop(name, None)  # a browser sends the first unless one is selected
            self.form["choices"][name] = []
        elif tag == "option" and self.select:
            value = a.get("value", "")
            self.form["choices"][self.select].append(value)
            if "selected" in a:
                self.form["fields"][self.select] = [value]
        elif tag == "textarea" and name:
            self.form["fields"][name] = [""]

    def handle_endtag(self, tag) -> None:
        if tag == "select" and self.form is not None and self.select:
            choices = self.form["choices"][self.select]
            self.form["fields"].setdefault(self.select, choices[:1] or [""])
            self.select = None
        elif tag == "form" and self.form is not None:
            action = self.form["action"] or ""
            if "logout" not in action and "langue" not in action:
                self.forms.append(self.form)
            self.form = None


def main_form(html: str) -> dict | None:
    parser = Forms()
    parser.feed(html)
    return max(parser.forms, key=lambda f: len(f["fields"]) + len(f["choices"]), default=None)


class _Staff(HttpUser):
    abstract = True
    wait_time = between(2, 6)
    accounts: tuple[str, ...] = ()
    turn = itertools.count()

    def on_start(self) -> None:
        number = next(self.turn)
        self.username = self.accounts[number % len(self.accounts)]
        self.share = number // len(self.accounts) % SHARES  # his share of a team
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

    def submit(self, url: str, name: str, change) -> None:
        """GET the page, change its main form's fields (`change(fields, choices, busy)`), POST
        it back as a browser would: saved when answered with a redirect, refused when the
        form comes back with its errors."""
        page = self.client.get(url, name=f"{name}: page")
        form = main_form(page.text) if page.ok else None
        if form is None:
            return
        fields = form["fields"]
        change(fields, form["choices"], form["busy"])
        with self.client.post(
            form["action"] or url,
            data=fields,
            headers={"Referer": self.host + url},
            name=f"{name}: save",
            catch_response=True,
        ) as response:
            if response.status_code >= 400:
                response.failure(f"HTTP {response.status_code}")
            elif not response.history:  # no redirect: the form again, with its errors
                response.request_meta["context"]["refused"] = True
                response.success()

    @task(2)
    def browse(self) -> None:
        page = RNG.choice(self.pages)
        self.client.get(page, name=page)

    def picked(self, url: str, name: str) -> int | None:
        """An id from a picker's JSON (`{"results": [{"id": …}]}`), searched by a letter."""
        answer = self.client.get(f"{url}?q={RNG.choice('aeilnorst')}", name=name)
        try:
            results = answer.json()["results"]
        except (ValueError, KeyError):
            return None
        return RNG.choice(results)["id"] if results else None


class Trainer(_Staff):
    weight = 5
    accounts = ("trainer", "mp.usinage", "mp.cuisine")

    @task(3)
    def roll_call(self) -> None:
        def mark(fields, choices, busy) -> None:
            for name in choices:
                if re.fullmatch(r"s\d+", name):
                    draw = RNG.random()
                    if draw < 0.08:
                        fields[name] = ["absent"]
                    elif draw < 0.11:
                        fields[name] = ["late"]
                        fields["m" + name[1:]] = [str(RNG.choice([5, 10, 15]))]

        self.submit("/vie-scolaire/appel/", "roll call", mark)

    @task(3)
    def team_work(self) -> None:
        """The team's work since the last entry, up to now on the server's clock (work is
        logged once done): each user of an account logs his share of the team, so that
        two users of one workshop do not log the same pupils."""
        now = server_now()
        end = now.replace(second=0, microsecond=0)
        start = max(getattr(self, "logged_until", MORNING - MINUTE), end - FIFTEEN)
        if end - start < MINUTE:
            return
        order = self.picked("/temps/equipe/commandes/", "team entry: orders")
        if order is None:
            return
        share = self.share

        def fill(fields, choices, busy) -> None:
            fields["order"] = [str(order)]
            fields["date"] = [f"{end:%Y-%m-%d}"]
            fields["slot"] = ["custom"]
            fields["start_time"] = [f"{start:%H:%M}"]
            fields["end_time"] = [f"{end:%H:%M}"]
            # The pupils of his share the page does not show absent or elsewhere.
            team = [pk for pk in choices.get("students", []) if pk not in busy]
            fields["students"] = team[share::SHARES]
            fields["task"] = ["Débit et assemblage"]

        self.submit("/temps/equipe/", "team entry", fill)
        self.logged_until = end


class Teacher(_Staff):
    weight = 2
    accounts = ("teacher", "prof.maths")

    @task(3)
    def attendance(self) -> None:
        listing = self.client.get("/temps/cours/", name="theory sessions")
        sessions = sorted(set(re.findall(r'href="(/temps/cours/\d+/)"', listing.text)))
        if not sessions:
            return

        def mark(fields, choices, busy) -> None:
            fields.pop("all_present", None)
            for name, values in choices.items():
                if name.startswith("status_") and "absent" in values and RNG.random() < 0.08:
                    fields[name] = ["absent"]

        self.submit(sessions[0], "attendance", mark)


class Office(_Staff):
    weight = 2
    accounts = ("office",)

    @task(3)
    def absence(self) -> None:
        pupil = self.picked("/vie-scolaire/absences/eleves/", "absence: pupils")
        if pupil is None:
            return

        def fill(fields, choices, busy) -> None:
            fields["student"] = [str(pupil)]
            reasons = [r for r in choices.get("reason", []) if r]
            fields["reason"] = [RNG.choice(reasons)] if reasons else [""]
            how = [h for h in choices.get("reported_how", []) if h]
            fields["reported_how"] = [RNG.choice(how)] if how else [""]

        self.submit("/vie-scolaire/absences/nouvelle/", "absence", fill)

    @task(1)
    def calls(self) -> None:
        self.client.get("/vie-scolaire/appels-familles/", name="family calls")


class Director(_Staff):
    weight = 1
    accounts = ("director",)
