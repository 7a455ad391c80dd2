"""The worker of bench/run.py: one process serving one database at one scale.

run.py starts one per database and scale, all alive at once, and asks each in turn to time
the same page, so that the scales and the databases are compared over the same seconds of
the machine. Speaks JSON lines on stdin and stdout. Pages are found the way a person finds
them: from each role's home page, following links (breadth first), one URL per route name.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import io
import json
import os
import re
import statistics
import sys
import time
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecoles.settings")

ROLES = ["director", "office", "trainer", "teacher", "accountant"]
SKIP = re.compile(r"^/(admin|static|media)/|logout|/langue/|\.csv|\.zip|export|/compte/")
MAX_PAGES = 60  # per role, more than any role reaches

# Our lists against the Django admin's changelist of the same model (issue #15): the
# list's route name, and the model's class name (found wherever it lives, so that a model
# moving to another app keeps its place here).
LISTS = [
    ("invoices", "orders:invoices", "Invoice"),
    ("orders", "orders:list", "Order"),
    ("customers", "orders:customers", "Customer"),
    ("pupils", "students:list", "Student"),
    ("work logs", "training:worklogs", "WorkLog"),
    ("theory sessions", "training:sessions", "TheorySession"),
    # Issue #32: the domains landed since (absences have no admin changelist to compare).
    ("machines", "safety:index", "Machine"),
    ("donors", "budget:donors", "Donor"),
    ("tax receipts", "budget:receipts", "TaxReceipt"),
    ("exam registrations", "skills:exams", "ExamRegistration"),
]
# The user for whom both are timed: the demo superuser, who sees every row in both.
LIST_USER = "admin"

# Issue #32's documents, each with its own budget in bench/run.py (DOCUMENT_BUDGETS_MS):
# name -> (role, route name, how to find its arguments and query in the seeded school).
DOCUMENTS = [
    "register month",  # a month's register PDF for a workshop (group)
    "booklet term",  # a final-year pupil's booklet PDF for a term
    "hours statement year",  # a pupil's hours statement PDF for a school year
    "FEC year",  # the FEC of the last closed fiscal year (budget:fec_file)
    "journal year",  # the invoicing journal's extract of a calendar year (FEC layout)
    "reminders batch",  # every reminder letter waiting to be posted, one PDF
]

TBODY = re.compile(r"<tbody\b.*?</tbody>", re.S)
THEAD = re.compile(r"<thead\b.*?</thead>", re.S)
TH = re.compile(r"<th\b([^>]*)>(.*?)</th>", re.S)
TAG = re.compile(r"<[^>]+>")
ADMIN_RESULTS = re.compile(r'<table id="result_list".*?</table>', re.S)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def body(response) -> bytes:
    if response.streaming:  # the stored invoice PDFs are served as files
        return b"".join(response.streaming_content)
    return response.content


def table_shape(html: str) -> tuple[int, list[str]]:
    """(rows, column headings) of the tables a list page shows: the rows of every <tbody>,
    the headings of the first <thead>, the admin's column of checkboxes left out; in the
    admin, its result table only (its menu is tables too)."""
    result_list = ADMIN_RESULTS.search(html)
    if result_list:
        html = result_list.group()
    rows = sum(block.count("<tr") for block in TBODY.findall(html))
    head = THEAD.search(html)
    headings = []
    if head:
        for attrs, inner in TH.findall(head.group()):
            if "action-checkbox" not in attrs:
                headings.append(" ".join(unescape(TAG.sub(" ", inner)).split()))
    return rows, headings


def pdf_pages(data: bytes) -> int | None:
    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(data)).pages)
    except Exception:  # noqa: BLE001 - not a PDF after all: no page count
        return None


class Sql:
    """The SQL of one request: its statements, and (when `clock` is on) the time from
    sending each to having read its rows (SQLite does its work while rows are read)."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.times: list[float] = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append(sql)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.times.append(time.perf_counter() - started)


def timed(call, repeat: int) -> dict:
    """Run `call` once to warm caches, twice recording its SQL, then `repeat` times.

    The queries counted are the fewer of the two servings': once a minute a request also
    writes the session's "last seen" (accounts/sessions.py), whatever the page."""
    from django.db import connection

    call()  # warm caches (templates, connection)
    recorded = []
    for _ in range(2):
        sql = Sql()
        with connection.execute_wrapper(sql):
            result = call()
        recorded.append(sql)
    sql = min(recorded, key=lambda found: len(found.statements))
    gc.collect()  # not the garbage of the pages before
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return {"result": result, "queries": len(sql.statements), "sql": sql.statements, "times": times}


def measure(client, url: str, repeat: int) -> dict:
    row = timed(lambda: client.get(url), repeat)
    response = row.pop("result")
    content_type = response.get("Content-Type", "").split(";")[0]
    data = body(response)
    row.update(url=url, status=response.status_code, content_type=content_type)
    if content_type == "application/pdf":
        row["pdf_pages"] = pdf_pages(data)
    elif content_type == "text/html":
        html = data.decode()
        row["rows"], row["headings"] = table_shape(html)
        row["options"] = html.count("<option")  # a form's choices: drawn, one by one
    return row


def invoice_rendering(repeat: int) -> dict:
    """An invoice PDF rendered from the database: the cost of issuing one (its page
    serves the file stored then). Found wherever invoices live: the Invoice model's app's
    invoicing module."""
    invoice_model = model_named("Invoice")
    module = f"{invoice_model._meta.app_config.name}.invoicing"
    render_document = importlib.import_module(module).render_document
    invoice = invoice_model.objects.order_by("-pk").first()
    row = timed(lambda: render_document(invoice), repeat)
    data = row.pop("result")
    return {
        **row,
        "url": f"{module}.render_document(invoice {invoice.number})",
        "status": 200,
        "content_type": "application/pdf",
        "pdf_pages": pdf_pages(data),
    }


def model_named(name: str):
    from django.apps import apps

    found = [model for model in apps.get_models() if model.__name__ == name]
    if len(found) != 1:
        raise SystemExit(f"bench/measure.py: {len(found)} models named {name!r}, not one")
    return found[0]


def explain(client, url: str, repeat: int) -> dict:
    """Where one page's server time goes, median of `repeat` servings: SQL (sending and
    reading rows), templates (less the SQL run from inside them, a queryset read by a
    {% for %}), the rest (middleware, views, forms, building queries and objects); and
    its slowest statements."""
    from django.db import connection
    from django.db.backends.utils import CursorWrapper
    from django.template.backends.django import Template

    clock = {"sql": 0.0, "template": 0.0, "sql_in_template": 0.0, "depth": 0, "last": ""}
    statements: dict[str, float] = {}  # this serving's time per statement
    slow: dict[str, list[float]] = {}  # every serving's

    def spent(sql: str, seconds: float) -> None:
        clock["sql"] += seconds
        if clock["depth"]:
            clock["sql_in_template"] += seconds
        statements[sql] = statements.get(sql, 0.0) + seconds

    def run_sql(execute, sql, params, many, context):
        clock["last"] = sql
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent(sql, time.perf_counter() - started)

    def fetching(name: str):
        def fetch(self, *args):
            started = time.perf_counter()
            try:
                return getattr(self.cursor, name)(*args)
            finally:
                spent(clock["last"], time.perf_counter() - started)

        return fetch

    def rendering(original):
        def render(self, context=None, request=None):
            clock["depth"] += 1
            started = time.perf_counter()
            try:
                return original(self, context, request)
            finally:
                clock["depth"] -= 1
                if not clock["depth"]:
                    clock["template"] += time.perf_counter() - started

        return render

    fetchers = ("fetchone", "fetchmany", "fetchall")  # CursorWrapper passes them on
    render = Template.render
    for name in fetchers:
        setattr(CursorWrapper, name, fetching(name))
    Template.render = rendering(render)
    samples = []
    try:
        with connection.execute_wrapper(run_sql):
            client.get(url)
            for _ in range(repeat):
                clock.update(sql=0.0, template=0.0, sql_in_template=0.0)
                statements.clear()
                started = time.perf_counter()
                client.get(url)
                total = time.perf_counter() - started
                for sql, seconds in statements.items():
                    slow.setdefault(sql, []).append(seconds)
                template = clock["template"] - clock["sql_in_template"]
                samples.append((total, clock["sql"], template, total - clock["sql"] - template))
    finally:
        for name in fetchers:
            delattr(CursorWrapper, name)
        Template.render = render
    split = {
        key: statistics.median(s[i] for s in samples) * 1000
        for i, key in enumerate(("total", "sql", "template", "rest"))
    }
    worst = sorted(slow.items(), key=lambda item: -statistics.median(item[1]))[:2]
    split["slowest"] = [[sql[:300], statistics.median(t) * 1000] for sql, t in worst]
    return split


def documents() -> dict[str, tuple[str, str]]:
    """Issue #32's documents in the seeded school: name -> (role, URL). Each on the
    last complete period before today (the busiest a scale has), on the pupil or the
    workshop with the most of it; a document the school has nothing for is left out."""
    import datetime as dt

    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    today = timezone.localdate()
    found: dict[str, tuple[str, str]] = {}
    month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    workshop = model_named("Workshop").objects.order_by("pk").first()
    if workshop:
        url = reverse("schoollife:register_pdf")
        found["register month"] = ("director", f"{url}?workshop={workshop.pk}&month={month:%Y-%m}")
    student_model = model_named("Student")
    finalist = (
        student_model.objects.filter(status="enrolled", programme_year=2)
        .annotate(n=Count("evidence"))
        .order_by("-n", "pk")
        .first()
    )
    if finalist:
        url = reverse("skills:booklet_pdf", args=[finalist.pk])
        found["booklet term"] = ("director", f"{url}?jour={month:%Y-%m-%d}")
        url = reverse("training:statement", args=[finalist.pk])
        found["hours statement year"] = ("director", f"{url}?period=year&date={month:%Y-%m-%d}")
    year = today.year - 1
    period = f"start={year}-01-01&end={year}-12-31"
    found["journal year"] = ("accountant", f"{reverse('billing:journal_fec')}?{period}")
    budget_year = model_named("BudgetYear").objects.filter(end__lt=today).order_by("-start").first()
    if budget_year:
        found["FEC year"] = ("accountant", reverse("budget:fec_file", args=[budget_year.pk]))
    reminders = importlib.import_module(f"{model_named('Reminder')._meta.app_label}.reminders")
    if reminders.waiting_letters().exists():  # else the page says none waits
        found["reminders batch"] = ("office", reverse("billing:letters_pdf"))
    return {name: found[name] for name in DOCUMENTS if name in found}


def bank_statement_import(repeat: int) -> dict | None:
    """Hook for issue #32's "1 000-line bank statement imported and matched under 5 s":
    the bank app (issue #25) is not merged yet. When it is, time here its import of a
    generated 1 000-line statement, rolled back after each serving, and return a row
    shaped as `timed` makes it; until then None, and the report says so."""
    if importlib.util.find_spec("bank") is None:
        return None
    raise NotImplementedError(
        "bench/measure.py bank_statement_import: the bank app has landed; write its timing"
    )


def admin_url(model_name: str) -> str:
    from django.contrib import admin
    from django.urls import reverse

    model = model_named(model_name)
    if model not in admin.site._registry:
        raise SystemExit(
            f"bench/measure.py: {model_name} has no changelist in the Django admin "
            "(LISTS in bench/measure.py)"
        )
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")


def our_route(route: str) -> str:
    """The route named `route`; if an app has taken it over (`orders:invoices` moving to
    `billing:invoices`), the one route of another namespace with its short name."""
    from tests.urlwalk import walk

    names = {found.name for found in walk()}
    if route in names:
        return route
    short = route.rsplit(":", 1)[-1]
    moved = sorted(name for name in names if name.rsplit(":", 1)[-1] == short and ":" in name)
    if len(moved) == 1:
        return moved[0]
    raise SystemExit(
        f"bench/measure.py: no route named {route!r}"
        + (f" (candidates: {', '.join(moved)})" if moved else "")
        + ": give the list its route in LISTS in bench/measure.py"
    )


def main() -> int:
    """Print the pages and lists found, then answer one JSON line per command read on
    stdin: a page to time, a list against the admin's, the invoice to render, a page to
    explain, or the end."""
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from ecoles.models import User
    from tests.urlwalk import crawl

    settings.ALLOWED_HOSTS = ["*"]
    clients = {}
    pages = {}
    used = {}

    def client_of(username: str):
        """The user's client, logged in again after five minutes unused: a session ends
        after 30 idle minutes (SESSION_IDLE_SECONDS), and a run is longer than that."""
        if time.monotonic() - used.get(username, float("-inf")) > 300:
            clients[username].force_login(User.objects.get(username=username))
        used[username] = time.monotonic()
        return clients[username]

    for username in [*ROLES, LIST_USER]:
        clients[username] = Client(raise_request_exception=False)
        if username in ROLES:
            for name, url in crawl(client_of(username), MAX_PAGES, SKIP).items():
                pages[(username, name)] = url
    routes = {name: our_route(route) for name, route, _ in LISTS}
    lists = {name: (reverse(routes[name]), admin_url(model)) for name, _, model in LISTS}
    found_documents = documents()
    answer(
        {
            "pages": list(pages),
            "lists": list(lists),
            "routes": routes,
            "documents": {name: list(found) for name, found in found_documents.items()},
        }
    )

    for line in sys.stdin:
        command = json.loads(line)
        if "page" in command:
            role, name = command["page"]
            answer(measure(client_of(role), pages[role, name], command["repeat"]))
        elif "list" in command:
            # Ours and the admin's in turn, one serving each, so that both share the
            # same seconds of the machine.
            ours, theirs = lists[command["list"]]
            client = client_of(LIST_USER)
            rows = [measure(client, url, 1) for url in (ours, theirs)]
            for _ in range(command["repeat"] - 1):
                for row, url in zip(rows, (ours, theirs), strict=True):
                    started = time.perf_counter()
                    client.get(url)
                    row["times"].append((time.perf_counter() - started) * 1000)
            answer(rows)
        elif "document" in command:
            role, url = found_documents[command["document"]]
            answer(measure(client_of(role), url, command["repeat"]))
        elif "bank" in command:
            answer(bank_statement_import(command["bank"]))
        elif "invoice" in command:
            answer(invoice_rendering(command["invoice"]))
        elif "explain" in command:
            role, url = command["explain"]
            answer(explain(client_of(role), url, command["repeat"]))
        else:
            return 0
    return 0


def answer(document) -> None:
    print(json.dumps(document), flush=True)


if __name__ == "__main__":
    sys.exit(main())
