"""The benchmark: every page of every role, on SQLite and PostgreSQL, at two scales.

    .venv/bin/python bench/run.py                      # sqlite+postgres, scales 1 and 10
    .venv/bin/python bench/run.py --databases sqlite --scales 1 --repeat 5

For each database and scale it builds the demo school once (`seed_demo --scale N`, kept
between runs in /tmp/ecoles-bench-*), then runs bench/measure.py against it, and writes
the table with the ratios and the targets to docs/performance.md. Not part of the suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
WORK = Path("/tmp/ecoles-bench")  # noqa: S108 - scratch databases, rebuilt at will
PG = "postgres://postgres@127.0.0.1:5432/"

MAX_QUERIES = 15
MAX_SCALE_RATIO = 1.5
MAX_LOGIN_RATIO = 3.0


def environment(database: str, scale: int) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DEBUG="false",
        SECRET_KEY="benchmark-only-secret-key-not-for-production-use-0123456789",  # noqa: S106
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        STATIC_ROOT=str(WORK / "static"),
        DATA_DIR=str(WORK / f"sqlite-{scale}"),
        LOG_LEVEL="ERROR",
    )
    if database == "postgres":
        env["DATABASE_URL"] = f"{PG}ecoles_bench_{scale}"
        env["DATA_DIR"] = str(WORK / f"pg-{scale}")
    else:
        env.pop("DATABASE_URL", None)
    return env


def manage(env: dict, *args: str) -> None:
    subprocess.run([PY, str(ROOT / "manage.py"), *args], env=env, check=True, cwd=ROOT)  # noqa: S603


def prepare(database: str, scale: int) -> None:
    env = environment(database, scale)
    marker = WORK / f"{database}-{scale}.seeded"
    if marker.exists():
        return
    if database == "postgres":
        name = f"ecoles_bench_{scale}"
        for sql in (f"DROP DATABASE IF EXISTS {name}", f"CREATE DATABASE {name}"):
            subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True)  # noqa: S603, S607
    else:
        for path in (WORK / f"sqlite-{scale}").glob("db.sqlite3*"):
            path.unlink()
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")  # PDFs link the hashed stylesheet
    print(f"seeding {database} at scale {scale}…", file=sys.stderr)
    manage(env, "seed_demo", "--scale", str(scale), "--allow-production")
    marker.touch()


def run(database: str, scale: int, repeat: int) -> list[dict]:
    env = environment(database, scale)
    manage(env, "collectstatic", "--noinput", "-v0")
    out = subprocess.run(  # noqa: S603
        [PY, str(ROOT / "bench" / "measure.py"), "--repeat", str(repeat)],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    return json.loads(out.stdout)


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
    pg = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", "SHOW server_version"],  # noqa: S607
        capture_output=True,
        text=True,
    ).stdout.strip()
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem} GiB RAM; Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, PostgreSQL {pg or 'n/a'}"
    )


def report(results: dict, scales: list[int], repeat: int, command: str) -> str:
    small, large = min(scales), max(scales)
    lines = [
        "# Performance",
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M} on {machine()}.",
        "",
        f"Reproduce with `{command}` (about 20 minutes; the seeded databases are kept in "
        "`/tmp/ecoles-bench`). Each page is fetched as its role through Django's test client "
        f"(server time: middleware, views, templates, SQL; no network), {repeat} times after a "
        "warm-up; `q` is its number of SQL queries. Pages are found by following the links "
        "from each role's home page.",
        "",
        f"Targets: the same number of queries at scale {small} and {large}, at most "
        f"{MAX_QUERIES}; median at scale {large} at most {MAX_SCALE_RATIO}× scale {small}; the "
        f"median page at scale {large} at most {MAX_LOGIN_RATIO}× the login page; an invoice "
        "PDF under 0.5 s, a year statement under 3 s.",
        "",
    ]
    verdicts = []
    for database, by_scale in results.items():
        base = {(r["role"], r["name"]): r for r in by_scale.get(small, [])}
        top = {(r["role"], r["name"]): r for r in by_scale.get(large, [])}
        login = top.get(("anonymous", "login")) or base.get(("anonymous", "login"))
        lines += [
            f"## {database}",
            "",
            f"| role | page | q ({small}) | q ({large}) | median ms ({small}) "
            f"| median ms ({large}) | p95 ms ({large}) | {large}/{small} | ÷ login |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        medians = []
        for key in sorted(top, key=lambda k: (k[0] != "anonymous", k)):
            t, b = top[key], base.get(key)
            ratio = t["median_ms"] / b["median_ms"] if b else None
            vs_login = t["median_ms"] / login["median_ms"] if login else None
            if key != ("anonymous", "login") and not t["content_type"].endswith("pdf"):
                medians.append(t["median_ms"])
            flags = [] if t["status"] == 200 else [f"status {t['status']}"]
            if b and b["queries"] != t["queries"]:
                flags.append("queries grow")
            if t["queries"] > MAX_QUERIES:
                flags.append(f"> {MAX_QUERIES} queries")
            if ratio and ratio > MAX_SCALE_RATIO and not t["content_type"].endswith("pdf"):
                flags.append(f"> {MAX_SCALE_RATIO}×")
            if flags:
                verdicts.append(f"- {database} {key[0]} `{key[1]}`: {', '.join(flags)}")
            lines.append(
                f"| {key[0]} | `{key[1]}`{' (PDF)' if t['content_type'].endswith('pdf') else ''} "
                f"| {b['queries'] if b else '–'} | {t['queries']} "
                f"| {b['median_ms']:.1f} | {t['median_ms']:.1f} | {t['p95_ms']:.1f} "
                f"| {ratio:.2f} | {vs_login:.1f} |"
                if b
                else f"| {key[0]} | `{key[1]}` | – | {t['queries']} | – | {t['median_ms']:.1f} "
                f"| {t['p95_ms']:.1f} | – | {vs_login:.1f} |"
            )
        if medians and login:
            median_page = sorted(medians)[len(medians) // 2]
            ratio = median_page / login["median_ms"]
            lines += [
                "",
                f"Median page at scale {large}: {median_page:.1f} ms, {ratio:.1f}× the login "
                f"page ({login['median_ms']:.1f} ms).",
            ]
            if ratio > MAX_LOGIN_RATIO:
                verdicts.append(f"- {database}: median page {ratio:.1f}× login")
        lines.append("")
    lines += ["## Verdict", ""]
    lines += verdicts or ["Every target above is met on every database measured."]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--scales", nargs="+", type=int, default=[1, 10])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    results: dict[str, dict[int, list[dict]]] = {}
    for database in args.databases:
        for scale in args.scales:
            prepare(database, scale)
            results.setdefault(database, {})[scale] = run(database, scale, args.repeat)
    command = "bench/run.py " + " ".join(sys.argv[1:]) if sys.argv[1:] else "bench/run.py"
    text = report(results, args.scales, args.repeat, f".venv/bin/python {command}")
    Path(args.out).parent.mkdir(exist_ok=True)
    Path(args.out).write_text(text, encoding="utf-8")
    (WORK / "results.json").write_text(json.dumps(results), encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
