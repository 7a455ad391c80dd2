"""Walk the URL resolver: every page the project defines, with sample arguments.

Used by the anonymous-access test and the access matrix, so that a new page is covered
as soon as it is routed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, PathConverter, SlugConverter, UUIDConverter

SAMPLE = {
    IntConverter: "999999",
    SlugConverter: "sample",
    UUIDConverter: str(uuid.UUID(int=1)),
    PathConverter: "sample",
}


@dataclass(frozen=True)
class Route:
    name: str  # namespaced, "students:detail"
    url: str  # with sample arguments
    callback: object


def _sample_url(route: str, converters: dict) -> str:
    import re

    def repl(match: re.Match) -> str:
        conv = converters.get(match.group("name"))
        return SAMPLE.get(type(conv), "sample")

    return re.sub(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>", repl, route)


def walk(resolver: URLResolver | None = None, prefix: str = "/", ns: str = "") -> list[Route]:
    resolver = resolver or get_resolver()
    routes: list[Route] = []
    for pattern in resolver.url_patterns:
        route = str(pattern.pattern)
        if route.startswith("^") or "(?P" in route:
            continue  # regex routes (admin's catch-alls, media) are not pages of ours
        part = _sample_url(route, pattern.pattern.converters)
        if isinstance(pattern, URLResolver):
            sub_ns = f"{ns}{pattern.namespace}:" if pattern.namespace else ns
            routes += walk(pattern, prefix + part, sub_ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            routes.append(Route(ns + pattern.name, prefix + part, pattern.callback))
    return routes
