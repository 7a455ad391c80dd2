"""The house's one-way flow (STYLE.md): an app imports only the apps below it.

    ecoles ← accounts ← students ← safety ← orders ← training ← schoollife ← skills ← billing
    ← budget ← banking ← families ← network ← home

A model of a higher app is named by string ("orders.Order") or reached through a reverse
relation, never imported from below; `home` may import every app, and none imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

LAYERS = [
    "ecoles",
    "accounts",
    "students",
    "safety",
    "orders",
    "training",
    "schoollife",
    "skills",
    "billing",
    "budget",
    "banking",
    "families",
    "network",
    "home",
]
ROOT = Path(settings.BASE_DIR)


def imported_apps(path: Path) -> list[tuple[int, str]]:
    """(line, app) of every import of one of our apps in a module, wherever it sits."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in LAYERS:
                found.append((node.lineno, top))
    return found


def test_every_app_of_ours_has_its_place_in_the_flow():
    apps = {name for name in settings.INSTALLED_APPS if (ROOT / name / "apps.py").exists()}
    assert apps <= set(LAYERS), f"place {sorted(apps - set(LAYERS))} in LAYERS"


def test_no_app_imports_an_app_above_it():
    upward = []
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else []:
            if "migrations" in path.parts:
                continue  # a migration names a model's upload function where it lives now
            for line, target in imported_apps(path):
                if LAYERS.index(target) > LAYERS.index(app):
                    upward.append(f"{path.relative_to(ROOT)}:{line} imports {target}")
    assert upward == []


def test_the_check_sees_an_upward_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from home import views\n")
    assert imported_apps(module) == [(2, "home")]


# Imports inside functions: only where a cost or Django's loading order asks for it.
LATE_IMPORTS_ALLOWED = {
    "ecoles/pdf.py",  # WeasyPrint loads Pango and its fonts (0.66 s): only when a PDF is made
    "ecoles/roles.py",  # settings.py imports the roles, before the apps are loaded
}


def test_imports_sit_at_the_top_of_modules():
    late = []
    for app in LAYERS:
        for path in sorted((ROOT / app).rglob("*.py")) if (ROOT / app).is_dir() else []:
            name = str(path.relative_to(ROOT))
            if "migrations" in path.parts or path.name == "apps.py" or name in LATE_IMPORTS_ALLOWED:
                continue
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    late += [
                        f"{name}:{sub.lineno}"
                        for sub in ast.walk(node)
                        if isinstance(sub, ast.Import | ast.ImportFrom)
                    ]
    assert late == []


def test_no_two_apps_ship_a_template_of_the_same_name():
    """Django renders the first app's template of a name and never the other's: the
    school-life declaration PDF once came out as the safety derogation declaration."""
    seen: dict[str, Path] = {}
    clashes = []
    for folder in [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]:
        if ".venv" in folder.parts:
            continue
        for path in folder.rglob("*"):
            if path.is_file():
                name = path.relative_to(folder).as_posix()
                if name in seen:
                    clashes.append(f"{name}: {seen[name]} and {path}")
                seen.setdefault(name, path)
    assert clashes == []
