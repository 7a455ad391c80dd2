"""The API's OpenAPI document: served by the hub, valid OpenAPI 3.1 in its structure,
every path it describes routed, every $ref resolved, and its schema of the indicators the
same keys as what a school sends."""

from __future__ import annotations

import json
import re

from django.urls import Resolver404, resolve

from network import payload

DOC = "/reseau/api/v1/openapi.json"


def refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from refs(item)


def test_the_document_describes_the_routed_api(client, hub):
    response = client.get(DOC)
    assert response.status_code == 200
    doc = json.loads(response.content)
    assert doc["openapi"].startswith("3.1") and doc["info"]["version"]
    base = doc["servers"][0]["url"]
    assert set(doc["paths"]) >= {"/indicateurs/", "/openapi.json", "/referentiels/"}
    for path, operations in doc["paths"].items():
        url = base + re.sub(r"\{\w+\}", "1", path)
        try:
            match = resolve(url)
        except Resolver404:
            raise AssertionError(f"{url} is not routed") from None
        assert match.namespace == "hub"
        for method, operation in operations.items():
            assert method in {"get", "post"} and operation["responses"], path
    for ref in refs(doc):
        node = doc
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]


def test_the_documented_indicators_are_what_a_school_sends(known_school, member, client, hub):
    doc = json.loads(client.get(DOC).content)
    schema = doc["components"]["schemas"]["Indicators"]
    data = payload.build(2025)

    def same(schema, value, where="") -> None:
        if schema.get("type") == "object":
            assert set(schema["required"]) == set(value) == set(schema["properties"]), where
            for key, sub in schema["properties"].items():
                same(sub, value[key], f"{where}.{key}")
        elif schema.get("type") == "integer":
            assert isinstance(value, int) and value >= schema["minimum"], where
        else:
            assert isinstance(value, str), where
            if "pattern" in schema and value:
                assert re.match(schema["pattern"], value), where

    same(schema, data)
