"""The parameters a view reads, found in its source: `request.GET.get("x")`,
`request.GET["x"]`, `request.GET.getlist("x")`, `"x" in request.GET`, the same on
`request.POST` (and on a name bound to either), the fields of a form bound to
`request.GET`, and whatever a helper the view hands its `request` to reads (followed
through our own modules, with the helper's arguments: `pickers.search_text(request,
"student")` reads `student_q`).

A key the finder cannot name (computed at run time) is reported as unresolved, so that a
test over every routed view fails on it instead of silently skipping it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import itertools
import textwrap
from dataclasses import dataclass, field
from functools import cache

from django import forms

from tests.test_layers import LAYERS

OUR_PACKAGES = tuple(LAYERS)  # our apps, in the order of the house
METHODS = ("GET", "POST")


@dataclass
class Reads:
    params: set[tuple[str, str]] = field(default_factory=set)  # (GET|POST, name)
    unresolved: set[str] = field(default_factory=set)  # where, for the failure message

    def update(self, other: Reads) -> None:
        self.params |= other.params
        self.unresolved |= other.unresolved


def _ours(obj) -> bool:
    module = getattr(obj, "__module__", "") or ""
    return module.split(".")[0] in OUR_PACKAGES


@cache
def _function_node(func) -> ast.FunctionDef | None:
    try:
        source = textwrap.dedent(inspect.getsource(func))
    except (OSError, TypeError):
        return None
    node = ast.parse(source).body[0]
    return node if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) else None


class _Scope:
    """One function being read: its module's globals, its arguments' known values, the
    names it binds to request.GET / request.POST and the loops' variables."""

    def __init__(self, func, node: ast.FunctionDef, env: dict[str, set[str] | None]):
        self.func = func
        self.globals = getattr(func, "__globals__", {})
        self.node = node
        self.env = env
        self.aliases: dict[str, set[str]] = {}
        self.loops: dict[str, ast.expr] = {}
        for sub in ast.walk(node):
            if isinstance(sub, ast.Assign) and len(sub.targets) == 1:
                target = sub.targets[0]
                methods = self.methods_in(sub.value)
                if isinstance(target, ast.Name) and methods:
                    self.aliases[target.id] = methods
            elif isinstance(sub, ast.For | ast.comprehension) and isinstance(sub.target, ast.Name):
                self.loops[sub.target.id] = sub.iter

    def query_dict(self, expr: ast.expr) -> str | None:
        """GET or POST when `expr` is request.GET / request.POST (or a name bound to one)."""
        if (
            isinstance(expr, ast.Attribute)
            and expr.attr in METHODS
            and isinstance(expr.value, ast.Name)
            and expr.value.id == "request"
        ):
            return expr.attr
        if isinstance(expr, ast.Name) and len(self.aliases.get(expr.id, ())) == 1:
            return next(iter(self.aliases[expr.id]))
        return None

    def methods_in(self, expr: ast.expr) -> set[str]:
        """request.GET / request.POST as `expr` may be (`request.GET or None`, an if)."""
        if isinstance(expr, ast.BoolOp):
            return {m for value in expr.values for m in self.methods_in(value)}
        if isinstance(expr, ast.IfExp):
            return self.methods_in(expr.body) | self.methods_in(expr.orelse)
        method = self.query_dict(expr)
        return {method} if method else set()

    def strings(self, expr: ast.expr) -> set[str] | None:
        """The string values `expr` may take, or None when they cannot be known here."""
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.JoinedStr):
            parts = []
            for value in expr.values:
                part = (
                    self.strings(value.value)
                    if isinstance(value, ast.FormattedValue)
                    else self.strings(value)
                )
                if part is None:
                    return None
                parts.append(part)
            return {"".join(p) for p in itertools.product(*parts)}
        if isinstance(expr, ast.Name):
            if expr.id in self.loops:
                return self.collection(self.loops[expr.id])
            if expr.id in self.env:
                return self.env[expr.id]
            value = self.globals.get(expr.id)
            return {value} if isinstance(value, str) else None
        return None

    def collection(self, expr: ast.expr) -> set[str] | None:
        if isinstance(expr, ast.Tuple | ast.List | ast.Set):
            values: set[str] = set()
            for elt in expr.elts:
                one = self.strings(elt)
                if one is None:
                    return None
                values |= one
            return values
        if isinstance(expr, ast.Name):
            value = self.globals.get(expr.id)
            if isinstance(value, tuple | list | set | frozenset | dict) and all(
                isinstance(v, str) for v in value
            ):
                return set(value)
        return None

    def resolve(self, expr: ast.expr):
        """The runtime object a call's function names (a module global or an attribute of
        one), or None."""
        if isinstance(expr, ast.Name):
            return self.globals.get(expr.id)
        if isinstance(expr, ast.Attribute):
            owner = self.resolve(expr.value)
            return getattr(owner, expr.attr, None) if owner is not None else None
        return None

    def where(self, node: ast.AST) -> str:
        return f"{self.func.__module__}.{self.func.__qualname__} line {node.lineno}"


def _form_fields(form_class) -> set[str]:
    fields = set(getattr(form_class, "base_fields", {}))
    prefix = getattr(form_class, "prefix", None)
    return {f"{prefix}-{name}" for name in fields} if prefix else fields


def reads(func, env: dict[str, set[str] | None] | None = None, seen=None) -> Reads:
    """Every parameter `func` (a view, unwrapped) reads, with the helpers it calls."""
    func = inspect.unwrap(func)
    found = Reads()
    node = _function_node(func)
    seen = set() if seen is None else seen
    key = (func, tuple(sorted((k, tuple(sorted(v or ()))) for k, v in (env or {}).items())))
    if node is None or key in seen:
        return found
    seen.add(key)
    scope = _Scope(func, node, env or {})

    def add(method: str, key_expr: ast.expr, at: ast.AST) -> None:
        names = scope.strings(key_expr)
        if names is None:
            found.unresolved.add(f"{method} key at {scope.where(at)}")
        else:
            found.params |= {(method, name) for name in names}

    for sub in ast.walk(node):
        if isinstance(sub, ast.Subscript):
            method = scope.query_dict(sub.value)
            if method:
                add(method, sub.slice, sub)
        elif isinstance(sub, ast.Compare) and len(sub.ops) == 1:
            method = scope.query_dict(sub.comparators[0])
            if method and isinstance(sub.ops[0], ast.In | ast.NotIn):
                add(method, sub.left, sub)
        elif isinstance(sub, ast.Call):
            func_expr = sub.func
            if isinstance(func_expr, ast.Attribute) and func_expr.attr in (
                "get",
                "getlist",
                "pop",
            ):
                method = scope.query_dict(func_expr.value)
                if method:
                    if sub.args:
                        add(method, sub.args[0], sub)
                    continue
            _follow(scope, sub, found, seen)
    return found


def _follow(scope: _Scope, call: ast.Call, found: Reads, seen) -> None:
    """A call handed request.GET (a form bound to it) or the request (a helper of ours)."""
    args = list(call.args) + [k.value for k in call.keywords]
    bound = {m for a in args for m in scope.methods_in(a)}
    passes_request = any(isinstance(a, ast.Name) and a.id == "request" for a in args)
    if not bound and not passes_request:
        return
    target = scope.resolve(call.func)
    if "GET" in bound:
        if inspect.isclass(target) and issubclass(target, forms.BaseForm):
            found.params |= {("GET", name) for name in _form_fields(target)}
        elif target is None or _ours(target):
            found.unresolved.add(f"request.GET handed to {ast.unparse(call.func)} at "
                                 f"{scope.where(call)}")  # fmt: skip
    if not passes_request or target is None or not _ours(target) or inspect.isclass(target):
        return
    callee = _function_node(inspect.unwrap(target))
    if callee is None:
        return
    params = [a.arg for a in callee.args.posonlyargs + callee.args.args]
    env: dict[str, set[str] | None] = {}
    for name, arg in zip(params, call.args, strict=False):
        env[name] = scope.strings(arg)
    for keyword in call.keywords:
        if keyword.arg:
            env[keyword.arg] = scope.strings(keyword.value)
    found.update(reads(target, env, seen))


def view_module(route) -> str:
    return inspect.unwrap(route.callback).__module__


def import_all() -> None:
    for package in OUR_PACKAGES:
        importlib.import_module(package)
