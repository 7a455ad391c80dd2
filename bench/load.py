"""The load test: gunicorn on PostgreSQL at scale 10, 20 users for 2 minutes (issue #15).

    .venv/bin/python bench/load.py [--users 20] [--minutes 2] [--workers 3]

Needs the scale-10 PostgreSQL database of bench/run.py (it builds it if missing) and
locust, which it installs into .venv-bench beside the project the first time. Loopback
only, bounded in time. Judges the target (0 errors, 95th percentile under 250 ms over every
request) and writes its section of docs/performance.md in place of the last one.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from datetime import datetime
from pathlib import Path

from measure import percentile  # bench/ is first on sys.path
from run import LOAD_SECTION, OUT, ROOT, WORK, environment, prepare

BENCH_VENV = ROOT / ".venv-bench"
PORT = 8765
MAX_P95_MS = 250
LOG_IN = "log in"


def locust() -> str:
    exe = BENCH_VENV / "bin" / "locust"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)  # noqa: S603
        pip = [str(BENCH_VENV / "bin" / "pip"), "install", "-q", "locust>=2.30"]
        subprocess.run(pip, check=True)  # noqa: S603
    return str(exe)


def serve(env: dict, workers: int) -> subprocess.Popen:
    """gunicorn from the interpreter's own virtualenv, on the code of this checkout."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(  # noqa: S603
        [
            str(gunicorn),
            "ecoles.wsgi",
            "--chdir",
            str(ROOT),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/compte/login/", timeout=2)  # noqa: S310
            return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("gunicorn stopped before answering") from None
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within a minute")


def p95(samples: list[dict]) -> float:
    return percentile([s["ms"] for s in samples], 95) if samples else 0.0


def section(args: argparse.Namespace, rows: list[dict], samples: list[dict]) -> str:
    failures = [s for s in samples if s["failed"]]
    overall = p95(samples)
    met = not failures and overall < MAX_P95_MS
    lines = [
        "",
        f"{LOAD_SECTION} (gunicorn, PostgreSQL, scale {args.scale})",
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M}: `.venv/bin/python bench/load.py --users "
        f"{args.users} --minutes {args.minutes:g} --workers {args.workers}`. {args.users} "
        "users (half trainers, half office clerks, each logging in once, then 1 to 3 s "
        f"between pages) for {args.minutes:g} minutes against gunicorn with {args.workers} "
        "sync workers (2 cores: 2 × cores - 1 leaves room for PostgreSQL), static files by "
        "WhiteNoise, over loopback. Times are the client's (locust), network included.",
        "",
        f"Target: 0 errors, 95th percentile under {MAX_P95_MS} ms over every request: "
        + (
            f"**{'met' if met else 'not met'}** ({len(samples)} requests, {len(failures)} "
            f"errors, 95th percentile {overall:.0f} ms)."
        ),
        "",
        "| page | requests | failures | median ms | 95th percentile ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} "
            f"| {row['50%']} | {row['95%']} |"
        )
    by_name: dict[str, list[dict]] = {}
    for sample in samples:
        by_name.setdefault(sample["name"], []).append(sample)
    logins = by_name.get(LOG_IN, [])
    last_login = max((s["at"] for s in logins), default=0)
    pages = [s for s in samples if s["name"] != LOG_IN]
    settled = [s for s in pages if s["at"] > last_login]
    lines += [
        "",
        f"Without the {len(logins)} log-ins: 95th percentile {p95(pages):.0f} ms; after the "
        f"last log-in (second {last_login:.0f} on): {p95(settled):.0f} ms over {len(settled)} "
        "requests. A log-in checks a password (PBKDF2 at Django's default rounds, CPU-bound) "
        "and its time includes the home page it is redirected to.",
    ]
    over = sorted(name for name, found in by_name.items() if p95(found) >= MAX_P95_MS)
    if over:
        lines.append(
            f"Pages whose own 95th percentile is {MAX_P95_MS} ms or more: "
            + ", ".join(f"`{name}`" for name in over)
            + "."
        )
    if failures:
        counts = Counter(s["name"] for s in failures).most_common()
        lines.append("Errors: " + ", ".join(f"`{name}` {n}" for name, n in counts) + ".")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=2)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    exe = locust()
    prepare("postgres", args.scale)
    env = environment("postgres", args.scale)
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    prefix = WORK / "locust"
    samples_file = WORK / "locust-samples.jsonl"
    samples_file.unlink(missing_ok=True)
    server = serve(env, args.workers)
    try:
        subprocess.run(  # noqa: S603
            [
                exe,
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
            env={**os.environ, "PYTHONWARNINGS": "ignore", "BENCH_SAMPLES": str(samples_file)},
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with open(samples_file, encoding="utf-8") as handle:
        samples = [json.loads(line) for line in handle]
    text = section(args, rows, samples)
    out = Path(args.out)
    kept = out.read_text(encoding="utf-8") if out.exists() else ""
    start = kept.find("\n" + LOAD_SECTION)
    if start >= 0:
        kept = kept[:start]
    out.write_text(kept.rstrip("\n") + "\n" + text, encoding="utf-8")
    print(text)
    failed = any(s["failed"] for s in samples) or p95(samples) >= MAX_P95_MS
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
