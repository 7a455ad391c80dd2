"""Measure every page of every demo role against the configured database.

Run by bench/run.py in a subprocess whose environment points at a seeded database; prints
one JSON document. Pages are found the way a person finds them: from each role's home
page, following links (breadth first), one URL per route name.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoles.settings")

ROLES = ["director", "office", "trainer", "teacher", "accountant"]
SKIP = re.compile(r"^/(admin|static|media)/|logout|/langue/|\.csv|export|/compte/")
HREF = re.compile(r'href="(/[^"#]*)"')


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def measure(client, url: str, repeat: int) -> dict:
    from django.db import connection

    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    client.get(url)  # warm caches (templates, connection)
    with connection.execute_wrapper(count):
        response = client.get(url)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return {
        "url": url,
        "status": response.status_code,
        "content_type": response.get("Content-Type", "").split(";")[0],
        "queries": len(queries),
        "median_ms": statistics.median(times),
        "p95_ms": percentile(times, 95),
    }


def crawl(client, max_pages: int) -> dict[str, str]:
    """Route name -> first URL reached for it, breadth first from the home page."""
    from django.urls import Resolver404, resolve

    found: dict[str, str] = {}
    queue, seen = deque(["/"]), {"/"}
    while queue and len(found) < max_pages:
        url = queue.popleft()
        try:
            name = resolve(url.split("?")[0]).view_name
        except Resolver404:
            continue
        key = name + ("?" + url.split("?")[1].split("=")[0] if "?" in url else "")
        if key in found:
            continue
        response = client.get(url)
        if response.status_code != 200:
            continue
        found[key] = url
        if response.get("Content-Type", "").startswith("text/html"):
            for href in HREF.findall(response.content.decode()):
                href = href.replace("&amp;", "&")
                if href not in seen and not SKIP.search(href):
                    seen.add(href)
                    queue.append(href)
    return found


def main() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from ecoles.models import User

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--max-pages", type=int, default=60)
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]

    rows = []
    anonymous = Client(raise_request_exception=False)
    login = measure(anonymous, "/compte/login/", args.repeat)
    login.update(role="anonymous", name="login")
    rows.append(login)
    for username in ROLES:
        client = Client(raise_request_exception=False)
        client.force_login(User.objects.get(username=username))
        for name, url in crawl(client, args.max_pages).items():
            row = measure(client, url, args.repeat)
            row.update(role=username, name=name)
            rows.append(row)
            print(
                f"{username:11} {name:40} {row['median_ms']:8.1f} ms {row['queries']:3} q",
                file=sys.stderr,
            )
    print(json.dumps(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
