"""Load test: gunicorn on PostgreSQL at scale 10, 20 users (trainers and office) for 2 min.

    .venv/bin/python bench/load.py [--users 20] [--minutes 2] [--workers 3]

Needs the scale-10 PostgreSQL database of bench/run.py (it builds it if missing) and
locust, installed into .venv-bench by this script. Loopback only, bounded in time. Appends
its result to docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, WORK, environment, manage, prepare  # noqa: E402

BENCH_VENV = ROOT / ".venv-bench"
PORT = 8765


def locust() -> str:
    exe = BENCH_VENV / "bin" / "locust"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)  # noqa: S603
        pip = [str(BENCH_VENV / "bin" / "pip"), "install", "-q", "locust>=2.30"]
        subprocess.run(pip, check=True)  # noqa: S603
    return str(exe)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--out", default=str(ROOT / "docs" / "performance.md"))
    args = parser.parse_args()
    WORK.mkdir(exist_ok=True)
    prepare("postgres", args.scale)
    env = environment("postgres", args.scale)
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    manage(env, "collectstatic", "--noinput", "-v0")
    server = subprocess.Popen(  # noqa: S603
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "ecoles.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/compte/login/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        prefix = WORK / "locust"
        subprocess.run(  # noqa: S603
            [
                locust(),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--host",
                f"http://127.0.0.1:{PORT}",
                "-u",
                str(args.users),
                "-r",
                "5",
                "-t",
                f"{int(args.minutes * 60)}s",
                "--csv",
                str(prefix),
                "--only-summary",
            ],
            check=False,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    total = next(r for r in rows if r["Name"] == "Aggregated")
    lines = [
        "",
        "## Load test (gunicorn, PostgreSQL, scale " + str(args.scale) + ")",
        "",
        f"`.venv/bin/python bench/load.py --users {args.users} --minutes {args.minutes:g} "
        f"--workers {args.workers}`: {args.users} users (half trainers, half office clerks, "
        f"1-3 s between pages) for {args.minutes:g} minutes against gunicorn with "
        f"{args.workers} sync workers (2 cores: 2 × cores - 1 leaves room for PostgreSQL), "
        "static files by WhiteNoise, over loopback.",
        "",
        "| page | requests | failures | median ms | 95th percentile ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} "
            f"| {row['50%']} | {row['95%']} |"
        )
    lines += [
        "",
        f"In all: {total['Request Count']} requests, {total['Failure Count']} failures, "
        f"95th percentile {total['95%']} ms.",
        "",
        "The users all log in during the first seconds: checking a password is a third of "
        "a second of CPU (PBKDF2, a million rounds, as Django sets it), so 20 log-ins on "
        "3 workers queue, and so do the pages asked meanwhile: what `log in` and `home` show, "
        "and likely the few 95th percentiles over a second.",
    ]
    text = "\n".join(lines) + "\n"
    with open(args.out, "a", encoding="utf-8") as handle:
        handle.write(text)
    print(text)
    return 1 if int(total["Failure Count"]) else 0


if __name__ == "__main__":
    sys.exit(main())
