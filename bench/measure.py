"""Measure every page of every demo role against the configured database.

Run by bench/run.py in a subprocess whose environment points at a seeded database, one
per scale, all alive at once: run.py asks each in turn to time the same page, so that the
scales are compared over the same seconds of the machine. Speaks JSON lines on stdin and
stdout. Pages are found the way a person finds them: from each role's home page,
following links (breadth first), one URL per route name.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoles.settings")

ROLES = ["director", "office", "trainer", "teacher", "accountant"]
LOGIN = "/compte/login/"
SKIP = re.compile(r"^/(admin|static|media)/|logout|/langue/|\.csv|\.zip|export|/compte/")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed(call, repeat: int, between=None) -> dict:
    """Run `call` once to warm caches, once counting its queries, then `repeat` times
    (calling `between` after each time, untimed here)."""
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    call()  # warm caches (templates, connection)
    with connection.execute_wrapper(count):
        result = call()
    gc.collect()  # not the garbage of the pages before
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
        if between:
            between()
    return {
        "result": result,
        "queries": len(queries),
        "median_ms": statistics.median(times),
        "p95_ms": percentile(times, 95),
        "times": times,
    }


def measure(client, url: str, repeat: int, between=None) -> dict:
    row = timed(lambda: client.get(url), repeat, between)
    response = row.pop("result")
    return {
        **row,
        "url": url,
        "status": response.status_code,
        "content_type": response.get("Content-Type", "").split(";")[0],
    }


def invoice_rendering(repeat: int) -> dict:
    """An invoice PDF rendered from the database (the page serves the stored file)."""
    from orders.invoicing import render_document

    from orders.models import Invoice

    invoice = Invoice.objects.order_by("-pk").first()
    row = timed(lambda: render_document(invoice), repeat)
    row.pop("result")
    return {
        **row,
        "url": f"render_document(invoice {invoice.number})",
        "status": 200,
        "content_type": "application/pdf",
        "role": "office",
        "name": "invoice PDF, rendered",
    }


def main() -> int:
    """Serve measurements on request: print the pages found, then answer one JSON line
    per command read on stdin (a page to time, the invoice to render, or the end)."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from ecoles.models import User
    from tests.urlwalk import crawl

    parser = argparse.ArgumentParser()
    parser.add_argument("--max-pages", type=int, default=60)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]

    anonymous = Client(raise_request_exception=False)
    login_times: list[float] = []

    def login_again() -> None:
        """The login page is served again after each timing of a page, so that the two
        are compared over the same minutes of the machine (a virtual machine's speed
        drifts by a third from one minute to the next)."""
        started = time.perf_counter()
        anonymous.get(LOGIN)
        login_times.append((time.perf_counter() - started) * 1000)

    clients = {"anonymous": anonymous}
    pages = {("anonymous", "login"): LOGIN}
    for username in ROLES:
        client = clients[username] = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        for name, url in crawl(client, args.max_pages, SKIP).items():
            pages[(username, name)] = url
    answer([{"role": role, "name": name} for role, name in pages])

    for line in sys.stdin:
        command = json.loads(line)
        if "role" in command:
            key = (command["role"], command["name"])
            between = None if key == ("anonymous", "login") else login_again
            row = measure(clients[key[0]], pages[key], command["repeat"], between)
            answer({**row, "role": key[0], "name": key[1]})
        elif "invoice" in command:
            answer(invoice_rendering(command["invoice"]))
        else:
            answer({"login_times": login_times})
            return 0
    return 0


def answer(document) -> None:
    print(json.dumps(document), flush=True)


if __name__ == "__main__":
    sys.exit(main())
