"""The 8 o'clock rush (issue #32): gunicorn and the task worker on a school morning, 30
users for 10 minutes, writing (bench/locustfile.py), on SQLite and PostgreSQL.

    .venv/bin/python bench/load.py [--users 30] [--minutes 10] [--workers 3] [--scale 10]
                                   [--databases sqlite postgres]

Needs the demo school of bench/run.py at that scale (it builds it if missing) and locust,
which it installs into .venv-bench beside the project the first time. gunicorn and
`manage.py db_worker` run on the clock of the next school morning (bench/clock.py), the
mails go to files (`filemail://`). Loopback only, bounded in time. Judges, per database:
0 errors, no "database is locked" in the server's or the worker's log, the 95th
percentile of every action under 250 ms, and every family notice the morning queued
sent exactly once (one Mail logged against it, sent at its first attempt, one message
written); and writes its section of docs/performance.md in place of the last one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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
PORT = int(os.environ.get("BENCH_PORT", "8765"))
MAX_P95_MS = 250
LOG_IN = "log in"
LOCKED = "database is locked"
DRAIN_SECONDS = 120  # after the users stop, the worker's time to send what is queued
NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}

# Run in the database's environment (`manage.py shell -c`), BENCH_FIRST the last notice
# before the rush: the notices it queued and the mails logged against them.
NOTICES = """
import json, os
from collections import Counter
from ecoles.models import Mail
from schoollife.families import MAIL_KIND
from schoollife.models import FamilyNotice
first = int(os.environ["BENCH_FIRST"])
notices = FamilyNotice.objects.filter(pk__gt=first)
mails = Mail.objects.filter(kind=MAIL_KIND, about_id__gt=first)
per_notice = Counter(mails.values_list("about_id", flat=True))
emailed = set(notices.filter(channel="email").values_list("pk", flat=True))
print(json.dumps({
    "notices": notices.count(),
    "emailed": len(emailed),
    "by_status": dict(Counter(notices.values_list("status", flat=True))),
    "mails": mails.count(),
    "mail_status": dict(Counter(mails.values_list("status", flat=True))),
    "twice": sum(1 for n in per_notice.values() if n > 1),
    "without_mail": len(emailed - set(per_notice)),
    "sent_retried": mails.filter(status="sent", attempts__gt=1).count(),
    "queued": mails.filter(status="queued").count(),
}))
"""
LAST_NOTICE = (
    "from schoollife.models import FamilyNotice; "
    "print(FamilyNotice.objects.order_by('-pk').values_list('pk', flat=True).first() or 0)"
)
QUEUED = (
    "import os; from ecoles.models import Mail; from schoollife.families import MAIL_KIND; "
    "print(Mail.objects.filter(kind=MAIL_KIND, status='queued', "
    "about_id__gt=int(os.environ['BENCH_FIRST'])).count())"
)


def locust() -> str:
    exe = BENCH_VENV / "bin" / "locust"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)  # noqa: S603
        pip = [str(BENCH_VENV / "bin" / "pip"), "install", "-q", "locust>=2.30"]
        subprocess.run(pip, check=True)  # noqa: S603
    return str(exe)


def django(env: dict, code: str) -> str:
    command = [sys.executable, str(ROOT / "manage.py"), "shell", "-c", code]
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S603
    return done.stdout.strip().splitlines()[-1]


def clocked(env: dict, log: Path, *args: str) -> subprocess.Popen:
    """A program on the school morning's clock (bench/clock.py), its output in `log`."""
    return subprocess.Popen(  # noqa: S603
        [sys.executable, str(ROOT / "bench" / "clock.py"), *args],
        env=env,
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def serve(env: dict, workers: int, log: Path) -> subprocess.Popen:
    """gunicorn on the code of this checkout, on the morning's clock."""
    server = clocked(
        env, log, "gunicorn", "ecoles.wsgi", "--chdir", str(ROOT), "--bind",
        f"127.0.0.1:{PORT}", "--workers", str(workers), "--log-level", "warning",
    )  # fmt: skip
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/compte/login/", timeout=2)  # noqa: S310
            return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"gunicorn stopped before answering (see {log})") from None
            time.sleep(0.5)
    server.terminate()
    raise RuntimeError("gunicorn did not answer within two minutes")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def p95(samples: list[dict]) -> float:
    return percentile([s["ms"] for s in samples], 95) if samples else 0.0


def rush(args: argparse.Namespace, database: str, exe: str) -> dict:
    """One database's morning: the users, then the worker's drain, then the count."""
    prepare(database, args.scale)
    env = environment(database, args.scale)
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    mails = WORK / f"mails-{database}"
    shutil.rmtree(mails, ignore_errors=True)
    mails.mkdir(parents=True)
    env["EMAIL_URL"] = f"filemail:///{mails}"  # django-environ drops one "/" of the path
    env["BENCH_MORNING"] = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "bench" / "clock.py"), "--print"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    env["BENCH_FIRST"] = django(env, LAST_NOTICE)
    prefix = WORK / f"locust-{database}"
    samples_file = WORK / f"locust-{database}-samples.jsonl"
    samples_file.unlink(missing_ok=True)
    server_log, worker_log = WORK / f"gunicorn-{database}.log", WORK / f"worker-{database}.log"
    server = serve(env, args.workers, server_log)
    worker = clocked(env, worker_log, "manage.py", "db_worker")
    drained = None
    try:
        subprocess.run(  # noqa: S603
            [
                exe, "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                "--host", f"http://127.0.0.1:{PORT}", "-u", str(args.users), "-r", "5",
                "-t", f"{int(args.minutes * 60)}s", "--csv", str(prefix), "--only-summary",
            ],
            check=False,
            env={
                **os.environ,
                "PYTHONWARNINGS": "ignore",
                "BENCH_SAMPLES": str(samples_file),
                "BENCH_MORNING": env["BENCH_MORNING"],
            },
        )  # fmt: skip
        started = time.monotonic()
        while time.monotonic() - started < DRAIN_SECONDS:
            if int(django(env, QUEUED)) == 0:
                drained = time.monotonic() - started
                break
            time.sleep(3)
    finally:
        stop(server)
        stop(worker)
    with open(samples_file, encoding="utf-8") as handle:
        samples = [json.loads(line) for line in handle]
    logs = server_log.read_text(errors="replace") + worker_log.read_text(errors="replace")
    written = sum(
        path.read_text(errors="replace").count("\n" + "-" * 79 + "\n")
        for path in mails.glob("*.log")
    )
    return {
        "database": database,
        "morning": env["BENCH_MORNING"],
        "samples": samples,
        "locked": logs.count(LOCKED),
        "server_errors": logs.count("Traceback"),
        "notices": json.loads(django(env, NOTICES)),
        "written": written,
        "drained": drained,
    }


def verdict(run: dict) -> tuple[bool, list[str]]:
    samples, notices = run["samples"], run["notices"]
    failures = [s for s in samples if s["failed"]]
    reasons = []
    if failures:
        reasons.append(f"{len(failures)} errors")
    if run["locked"]:
        reasons.append(f'"{LOCKED}" {run["locked"]} times in the logs')
    over = [name for name, found in by_action(samples).items() if p95(found) >= MAX_P95_MS]
    if over:
        reasons.append(f"{len(over)} actions with a 95th percentile of {MAX_P95_MS} ms or more")
    sent = notices["mail_status"].get("sent", 0)
    if notices["twice"] or notices["without_mail"] or notices["sent_retried"]:
        reasons.append("a notice not sent exactly once")
    if notices["queued"]:
        reasons.append(f"{notices['queued']} notice mails still queued after the drain")
    if written_differs(run, sent):
        reasons.append(f"{run['written']} messages written for {sent} mails sent")
    return not reasons, reasons


def written_differs(run: dict, sent: int) -> bool:
    return run["written"] < sent  # the other mails of the morning (none expected) may add


def by_action(samples: list[dict]) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for sample in samples:
        found.setdefault(sample["name"], []).append(sample)
    return found


def section(args: argparse.Namespace, runs: list[dict]) -> str:
    lines = [
        "",
        f"{LOAD_SECTION}: the 8 o'clock rush (gunicorn and the worker, scale {args.scale})",
        "",
        f"Measured {datetime.now():%Y-%m-%d %H:%M}: `.venv/bin/python bench/load.py --users "
        f"{args.users} --minutes {args.minutes:g} --workers {args.workers} --scale "
        f"{args.scale} --databases {' '.join(args.databases)}`. {args.users} users sharing "
        "the demo's accounts (half trainers: roll call, team's work; a fifth teachers: "
        "their session's attendance; a fifth the office: the day's absences; the director "
        "browsing; all browsing their pages between writes, 2 to 6 s apart) for "
        f"{args.minutes:g} minutes against gunicorn with {args.workers} sync workers and one "
        "`db_worker` sending the family notices, both on the clock of a school morning "
        "(bench/clock.py), over loopback. Times are the client's (locust). A write the "
        "application refuses with a form error (a roll call retaken at the same moment, "
        "hours overlapping, an absence already entered) is an answer, counted as refused.",
        "",
        f'Targets: 0 errors, no "{LOCKED}", every action\'s 95th percentile under '
        f"{MAX_P95_MS} ms, every family notice sent exactly once.",
        "",
    ]
    for run in runs:
        samples, notices = run["samples"], run["notices"]
        met, reasons = verdict(run)
        name = NAMES[run["database"]]
        failures = [s for s in samples if s["failed"]]
        lines += [
            f"### {name}",
            "",
            f"**{'met' if met else 'not met'}**"
            + (f" ({'; '.join(reasons)})" if reasons else "")
            + f": {len(samples)} requests, {len(failures)} errors, "
            f'"{LOCKED}" {run["locked"]} times, 95th percentile over all {p95(samples):.0f} '
            f"ms; morning of {run['morning']}.",
            "",
            "| action | requests | refused | errors | median ms | 95th percentile ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        actions = by_action(samples)
        for action in sorted(actions, key=lambda a: (":" not in a, a)):
            found = actions[action]
            lines.append(
                f"| {action} | {len(found)} | {sum(s['refused'] for s in found)} "
                f"| {sum(s['failed'] for s in found)} "
                f"| {percentile([s['ms'] for s in found], 50):.0f} | {p95(found):.0f} |"
            )
        drained = (
            f"the worker had sent them {run['drained']:.0f} s after the users stopped"
            if run["drained"] is not None
            else f"some still queued {DRAIN_SECONDS} s after the users stopped"
        )
        lines += [
            "",
            f"Family notices queued by the morning's absences: {notices['notices']} "
            f"({notices['emailed']} by email, the others calls for the office; by status "
            f"{notices['by_status']}); {notices['mails']} mails logged against them "
            f"({notices['mail_status']}), {notices['twice']} notices with more than one, "
            f"{notices['without_mail']} emailed without one, {notices['sent_retried']} sent "
            f"after a retry; {run['written']} messages written by the mail backend; "
            f"{drained}.",
        ]
        if failures:
            counts = Counter(s["name"] for s in failures).most_common()
            lines.append("Errors: " + ", ".join(f"`{n}` {k}" for n, k in counts) + ".")
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--databases", nargs="+", default=["sqlite", "postgres"])
    parser.add_argument("--out", default=str(OUT))
    args = parser.parse_args()
    exe = locust()
    runs = [rush(args, database, exe) for database in args.databases]
    (WORK / "load.json").write_text(json.dumps(runs), encoding="utf-8")
    text = section(args, runs)
    out = Path(args.out)
    kept = out.read_text(encoding="utf-8") if out.exists() else ""
    start = kept.find("\n" + LOAD_SECTION)
    if start >= 0:
        kept = kept[:start]
    out.write_text(kept.rstrip("\n") + "\n" + text, encoding="utf-8")
    print(text)
    return 0 if all(verdict(run)[0] for run in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
