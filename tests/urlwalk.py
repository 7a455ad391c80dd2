"""Walk the URL resolver: every page the project defines, with sample arguments.

Used by the anonymous-access test and the access matrix, so that a new page is covered
as soon as it is routed.
"""

from __future__ import annotations

import re
import uuid
from collections import deque
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


HREF = re.compile(r'href="(/[^"#]*)"')


def crawl(client, max_pages: int, skip: re.Pattern, broken: list | None = None) -> dict[str, str]:
    """The pages a user reaches from his home page by following links, breadth first:
    {route name (plus the first query parameter's name, if any): first URL found}. Links
    matching `skip` are not followed; links that do not answer 200 go to `broken`. Used
    by the query-count guards and bench/measure.py."""
    from django.urls import Resolver404, resolve

    found: dict[str, str] = {}
    queue, seen = deque(["/"]), {"/"}
    while queue and len(found) < max_pages:
        url = queue.popleft()
        try:
            name = resolve(url.split("?")[0]).view_name
        except Resolver404:
            continue
        key = name + ("?" + url.split("?")[1].split("=")[0] if "?" in url else "")
        if key in found:
            continue
        response = client.get(url)
        if response.status_code != 200:
            if broken is not None:
                broken.append((url, response.status_code))
            continue
        found[key] = url
        if response.get("Content-Type", "").startswith("text/html"):
            for href in HREF.findall(response.content.decode()):
                href = href.replace("&amp;", "&")
                if href not in seen and not skip.search(href):
                    seen.add(href)
                    queue.append(href)
    return found
