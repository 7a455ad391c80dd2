"""Where a page's server time goes: SQL, template rendering, and the rest.

    .venv/bin/python bench/breakdown.py                 # SQLite at scale 10
    .venv/bin/python bench/breakdown.py --database postgres --scale 1

Runs against a database seeded by bench/run.py. For each page of each role (the same walk
as the benchmark), median milliseconds over `--repeat` servings of: the whole request;
the SQL (from sending a query to having read its rows: SQLite does its work while the rows
are read, wherever that happens); the templates (minus
the SQL run from inside them, a queryset read by a {% for %}); the rest (middleware,
views, forms, building the queries). Prints a table sorted by time, the median page's row,
and the login page's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def child(repeat: int) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoles.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.backends.utils import CursorWrapper
    from django.template.backends.django import Template
    from django.test import Client
    from measure import LOGIN, ROLES, SKIP

    from ecoles.models import User
    from tests.urlwalk import crawl

    settings.ALLOWED_HOSTS = ["*"]
    clock = {"sql": 0.0, "template": 0.0, "sql_in_template": 0.0, "depth": 0}

    def timed_sql(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            count_time(time.perf_counter() - started)

    def count_time(spent: float) -> None:
        clock["sql"] += spent
        if clock["depth"]:
            clock["sql_in_template"] += spent

    def timed_fetch(name: str):
        def fetch(self, *args):
            started = time.perf_counter()
            try:
                return getattr(self.cursor, name)(*args)
            finally:
                count_time(time.perf_counter() - started)

        return fetch

    for name in ("fetchone", "fetchmany", "fetchall"):
        setattr(CursorWrapper, name, timed_fetch(name))

    render = Template.render

    def timed_render(self, context=None, request=None):
        clock["depth"] += 1
        started = time.perf_counter()
        try:
            return render(self, context, request)
        finally:
            clock["depth"] -= 1
            if not clock["depth"]:
                clock["template"] += time.perf_counter() - started

    Template.render = timed_render

    def serve(client, url: str) -> dict:
        samples = []
        client.get(url)
        for _ in range(repeat):
            clock.update(sql=0.0, template=0.0, sql_in_template=0.0)
            started = time.perf_counter()
            client.get(url)
            total = time.perf_counter() - started
            template = clock["template"] - clock["sql_in_template"]
            samples.append((total, clock["sql"], template, total - clock["sql"] - template))
        return {
            key: statistics.median(s[i] for s in samples) * 1000
            for i, key in enumerate(("total", "sql", "template", "rest"))
        }

    with connection.execute_wrapper(timed_sql):
        rows = [("anonymous", "login", serve(Client(), LOGIN))]
        for username in ROLES:
            client = Client(raise_request_exception=False)
            client.force_login(User.objects.get(username=username))
            for name, url in crawl(client, 60, SKIP).items():
                if ".pdf" not in url and "pdf" not in name:
                    rows.append((username, name, serve(client, url)))
    pages = sorted(rows[1:], key=lambda row: row[2]["total"])
    middle = pages[len(pages) // 2]
    print(f"{'role':11} {'page':34} {'total':>7} {'SQL':>7} {'tmpl':>7} {'rest':>7}")
    for role, name, t in [*pages, ("", "", None), ("median:", *middle[1:]), rows[0]]:
        if t is None:
            print()
            continue
        print(
            f"{role:11} {name:34} {t['total']:7.1f} {t['sql']:7.1f} "
            f"{t['template']:7.1f} {t['rest']:7.1f}"
        )
    share = {k: statistics.median(p[2][k] / p[2]["total"] for p in pages) for k in middle[2]}
    print(
        f"\nMedian shares over {len(pages)} pages: SQL {share['sql']:.0%}, templates "
        f"{share['template']:.0%}, the rest {share['rest']:.0%}."
    )
    # Templates against templates, the rest against the rest: which part a faster engine
    # or leaner views would have to shrink to bring the median page to a multiple of login.
    login = rows[0][2]
    drawn = statistics.median(p[2]["template"] for p in pages)
    done = statistics.median(p[2]["total"] - p[2]["template"] for p in pages)
    print(
        f"Median page: templates {drawn:.1f} ms ({drawn / login['template']:.1f}× the login "
        f"page's), the rest with SQL {done:.1f} ms "
        f"({done / (login['total'] - login['template']):.1f}× the login page's)."
    )


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.repeat)
        return 0
    from run import PY, environment, prepare

    prepare(args.database, args.scale)
    command = [PY, __file__, "--child", "--repeat", str(args.repeat)]
    return subprocess.run(  # noqa: S603
        command, env=environment(args.database, args.scale), cwd=ROOT, check=False
    ).returncode


if __name__ == "__main__":
    sys.exit(main())
