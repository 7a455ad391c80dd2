"""Build the demo school: `manage.py seed_demo [--scale N] [--if-empty]`."""

from __future__ import annotations

import importlib
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ecoles.demo import DemoContext
from ecoles.models import User

# Each module has seed(ctx); the order follows the imports (school, pupils, orders, time).
SEEDERS = [
    "ecoles.demo",
    "students.demo",
    "safety.demo",
    "orders.demo",
    "billing.demo",
    "training.demo",
    "schoollife.demo",
    "skills.demo",
    "budget.demo",
    "banking.demo",
    "families.demo",
]


class Command(BaseCommand):
    help = "Build a deterministic French demo school (users with password 'demo')."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="N school years of history, pupils entering and leaving each (benchmarks).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if the database already has users (used by `make run`).",
        )
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with DEBUG off. Demo users have the password 'demo'!",
        )

    def handle(self, *args, scale: int, if_empty: bool, allow_production: bool, **options):
        if not settings.DEBUG and not allow_production:
            raise CommandError(
                "DEBUG is off: this looks like a real school. The demo adds users whose "
                "password is 'demo'. Pass --allow-production if you really mean it."
            )
        if scale < 1:
            raise CommandError("--scale must be 1 or more.")
        if if_empty and User.objects.exists():
            self.stdout.write("The database already has users: demo school not loaded.")
            return
        ctx = DemoContext(scale=scale, progress=self._progress, bar=self._bar)
        for name in SEEDERS:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            started = time.monotonic()
            self._progress(f"{name}…")
            module.seed(ctx)
            self._progress(f"{name}: {time.monotonic() - started:.1f} s")
        if connection.vendor == "postgresql":
            # Statistics for the planner now, rather than when autovacuum gets round to the
            # tables just filled (until then it plans as if they were empty).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(
            self.style.SUCCESS("Demo school ready. Logins: see README (password 'demo').")
        )

    def _progress(self, message: str) -> None:
        self.stdout.write(message)
        self.stdout.flush()

    def _bar(self, label: str, done: int, total: int) -> None:
        """A bar redrawn in place on a terminal; a line every tenth in a log file."""
        on_terminal = self.stdout.isatty()
        if not on_terminal and done * 10 // total == (done - 1) * 10 // total:
            return
        filled = 30 * done // max(total, 1)
        line = f"{label} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}"
        self.stdout.write(("\r" + line) if on_terminal else line, ending="")
        if not on_terminal or done == total:
            self.stdout.write("")
        self.stdout.flush()
