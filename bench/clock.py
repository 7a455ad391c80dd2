"""Run a program of the load test as if it were the next school morning (bench/load.py).

    .venv/bin/python bench/clock.py gunicorn ecoles.wsgi --bind ...
    .venv/bin/python bench/clock.py manage.py db_worker

The 8 o'clock rush happens at 8 o'clock: a roll call is refused before its half-day
starts (R8) and a family is not written to in the quiet hours (schoollife.families), so
the server and the task worker run on a clock moved to the start of the next school
day's morning (from the day the database was seeded: BENCH_MORNING, set by
bench/load.py, says which), ticking from there (time-machine, a test dependency of the
project). Not part of the application.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoles.settings")


def morning() -> dt.datetime:
    """BENCH_MORNING (ISO, aware), or the start of the next school day's morning from
    today, a minute in."""
    if os.environ.get("BENCH_MORNING"):
        return dt.datetime.fromisoformat(os.environ["BENCH_MORNING"])
    import django

    django.setup()
    from django.utils import timezone

    from ecoles.models import Policy
    from schoollife.days import is_school_day
    from schoollife.register import half_span

    policy = Policy.load()
    day = timezone.localdate()
    start = half_span(day, "am", policy)[0]
    while not is_school_day(day) or start < timezone.now():
        day += dt.timedelta(days=1)
        start = half_span(day, "am", policy)[0]
    return start + dt.timedelta(minutes=1)


def main() -> None:
    import time_machine

    if sys.argv[1:2] == ["--print"]:
        print(morning().isoformat())
        return
    program, *args = sys.argv[1:]
    time_machine.travel(morning(), tick=True).start()
    if program == "gunicorn":
        from gunicorn.app.wsgiapp import run

        sys.argv = ["gunicorn", *args]
        run()
    elif program == "manage.py":
        from django.core.management import execute_from_command_line

        execute_from_command_line(["manage.py", *args])
    else:
        raise SystemExit(f"bench/clock.py: gunicorn or manage.py, not {program!r}")


if __name__ == "__main__":
    main()
